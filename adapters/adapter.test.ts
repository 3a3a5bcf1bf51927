import fs from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from '@jest/globals';
import { LICENCE_TYPES } from './canonical.js';
import {
  AdapterFileError,
  cleanText,
  decodeText,
  parseDate,
  personName,
  positiveInteger,
  positiveNumber,
  toHalfWidth,
  uscc,
  wanToYuan,
  yuan,
} from './adapter.js';
import { adapters } from './registry.js';

const value = <T>(r: { ok: true; value: T } | { ok: false; reason: string }) => (r.ok ? r.value : `ERROR ${r.reason}`);

describe('dates', () => {
  it.each([
    ['2025-01-31', '2025-01-31'],
    ['2025-1-5', '2025-01-05'],
    ['2025/1/31', '2025-01-31'],
    ['2025.01.31', '2025-01-31'],
    ['2025年1月31日', '2025-01-31'],
    ['２０２５年１月３１日', '2025-01-31'],
    ['二〇二五年一月三十一日', '2025-01-31'],
    ['二〇二四年十二月二十日', '2024-12-20'],
    ['20250131', '2025-01-31'],
    [' 2025/1/31 0:00:00 ', '2025-01-31'],
    ['2025-01-31T10:00:00+08:00', '2025-01-31'],
    ['2025-01-30T16:00:00Z', '2025-01-31'],
    ['2024-02-29', '2024-02-29'],
  ])('reads %s as %s', (input, expected) => {
    expect(value(parseDate(input))).toBe(expected);
  });

  it.each([
    ['2025-02-29', /2025-02 has 28 days/],
    ['2025-13-01', /no month 13/],
    ['2025-01-31/', /expected a date such as/],
    ['31/01/2025', /expected a date such as/],
    ['2025-1/31', /expected a date such as/],
    ['0205-01-31', /year 205 is not plausible/],
    ['45688', /expected a date such as/], // an Excel serial number
  ])('rejects %s', (input, reason) => {
    expect(value(parseDate(input))).toMatch(reason);
  });
});

describe('money, without floating point', () => {
  it.each([
    ['100', '1000000.00'],
    ['52.5', '525000.00'],
    ['0.1', '1000.00'],
    ['0.000001', '0.01'],
    ['1,000', '10000000.00'],
    ['１２３．４５', '1234500.00'],
    ['0', '0.00'],
    ['.5', '5000.00'],
    ['300万元', '3000000.00'],
    ['00012.30', '123000.00'],
    // 1e14 万元: a double would print 999999999999999900 as 1000000000000000000.
    ['99999999999999.99', '999999999999999900.00'],
  ])('%s 万元 is %s yuan', (wan, yuanText) => {
    expect(value(wanToYuan(wan))).toBe(yuanText);
  });

  it.each([
    ['0.0000001', /more precise than a fen/],
    ['-3', /negative/],
    ['1e3', /not an amount in 万元/],
    ['12,34', /not an amount/],
    ['100000000000000', /too large/],
    ['', /not an amount/],
  ])('rejects %s 万元', (wan, reason) => {
    expect(value(wanToYuan(wan))).toMatch(reason);
  });

  it('reads yuan', () => {
    expect(value(yuan('5,000'))).toBe('5000.00');
    expect(value(yuan('8400.5元'))).toBe('8400.50');
    expect(value(yuan('0.001'))).toMatch(/more precise than a fen/);
  });

  it('reads positive numbers and whole numbers', () => {
    expect(value(positiveNumber('1,350.75'))).toBe(1350.75);
    expect(value(positiveNumber('0'))).toMatch(/greater than 0/);
    expect(value(positiveInteger('12'))).toBe(12);
    expect(value(positiveInteger('2.0'))).toBe(2);
    expect(value(positiveInteger('2.5'))).toMatch(/not a whole number/);
  });
});

describe('text', () => {
  it('trims ASCII, full-width and zero-width spaces', () => {
    expect(cleanText('\u3000 广州市海珠区 \u200b\u3000')).toBe('广州市海珠区');
  });

  it('turns full-width codes into half-width', () => {
    expect(toHalfWidth('ＭＡ５９（二）')).toBe('MA59(二)');
  });

  it('drops the padding inside Chinese names only', () => {
    expect(value(personName(100)('陈\u3000\u3000伟'))).toBe('陈伟');
    expect(value(personName(100)('David  Chan'))).toBe('David Chan');
  });

  it('normalises USCCs typed in full width or lower case, and keeps the precise reason otherwise', () => {
    expect(value(uscc('９１４４０１０５ma59c3kx28'))).toBe('91440105MA59C3KX28');
    expect(value(uscc('91440105MA59C3KX2O'))).toMatch(/character 18 "O" is not allowed/);
  });
});

describe('decoding', () => {
  const text = '统一社会信用代码,企业名称\n91440105MA59C3KX28,广州市海珠区珠江晨曦科技有限公司\n';

  it('reads UTF-8, with or without BOM, and GB 18030', () => {
    expect(decodeText(Buffer.from(text), 'f')).toEqual({ text, encoding: 'utf-8', invalidBytes: false });
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'f').text).toBe(text);
    expect(decodeText(iconv.encode(text, 'gb18030'), 'f')).toEqual({ text, encoding: 'gb18030', invalidBytes: false });
    expect(decodeText(iconv.encode(text, 'gbk'), 'f').text).toBe(text);
    // GB 18030's four-byte characters, beyond GBK: 𠀀 (U+20000)
    expect(decodeText(iconv.encode('𠀀记', 'gb18030'), 'f').text).toBe('𠀀记');
  });

  it('refuses binary and UTF-16 files', () => {
    expect(() => decodeText(Buffer.from([0x41, 0x00, 0x42]), 'f')).toThrow(AdapterFileError);
    expect(() => decodeText(Buffer.from([0xff, 0xfe, 0x41, 0x00]), 'f')).toThrow(/UTF-16/);
  });
});

describe('registry', () => {
  const folders = fs
    .readdirSync(new URL('.', import.meta.url), { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(new URL(`./${d.name}/index.ts`, import.meta.url)))
    .map((d) => d.name)
    .sort();

  it('has one adapter per folder, under the folder’s name', () => {
    expect(Object.keys(adapters).sort()).toEqual(folders);
    for (const [name, a] of Object.entries(adapters)) expect(a.name).toBe(name);
  });

  it('every adapter folder has samples and tests', () => {
    for (const name of folders) {
      expect(fs.readdirSync(new URL(`./${name}/samples/`, import.meta.url)).some((f) => f.startsWith('good.'))).toBe(
        true,
      );
      expect(fs.readdirSync(new URL(`./${name}/samples/`, import.meta.url)).some((f) => f.startsWith('bad.'))).toBe(
        true,
      );
      expect(fs.existsSync(new URL(`./${name}/${name}.test.ts`, import.meta.url))).toBe(true);
    }
  });

  it('licence adapters belong to the department that owns the licence type', () => {
    const owners = new Set(Object.values(LICENCE_TYPES).map((t) => t.department));
    for (const a of Object.values(adapters).filter((x) => x.kind === 'licence')) expect(owners).toContain(a.department);
  });
});
