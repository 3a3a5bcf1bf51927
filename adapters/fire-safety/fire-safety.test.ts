import { describe, expect, it } from '@jest/globals';
import { LICENCE_TYPES, type LicenceIssue } from '../canonical.js';
import { AdapterFileError } from '../adapter.js';
import { crlf, gb18030, run, sample, withBom } from '../testing.js';
import { fireSafety } from './index.js';

const good = sample('fire-safety', 'good.csv');

describe('fire-safety: the good sample', () => {
  const { records, problems, parsed } = run(fireSafety, good, 'good.csv');

  it('maps every certificate', () => {
    expect(problems).toEqual(new Map());
    expect(records).toHaveLength(10);
    expect(fireSafety.department).toBe(LICENCE_TYPES.FIRE_SAFETY_CERTIFICATE.department);
  });

  it('maps a certificate field by field', () => {
    expect(records[2]).toEqual({
      kind: 'licence',
      sourceRecordId: 'FR-AJ-2024-0052',
      sourceVersion: 3,
      typeCode: 'FIRE_SAFETY_CERTIFICATE',
      number: '穗海消安检字〔2024〕第0052号',
      holderUscc: '91440105MA59J7DW96',
      issuedOn: '2024-04-16',
      validFrom: '2024-04-16',
      validUntil: null,
      scope: '歌舞娱乐放映游艺场所',
      attributes: {
        venueName: '欢唱量贩KTV（江南西店）',
        venueAddress: '广州市海珠区江南西路38号四层',
        floorArea: 1350.75,
        maxOccupancy: 280,
      },
      status: 'SUSPENDED',
    } satisfies LicenceIssue);
  });

  it('reads head counts with their unit, expiry dates, statuses, and leaves out absent figures', () => {
    expect(records[5]!.attributes.maxOccupancy).toBe(500); // written 500人
    expect(records[8]!.validUntil).toBe('2026-01-12');
    expect(records.map((r) => r.status)).toEqual([
      'VALID',
      'VALID',
      'SUSPENDED',
      'VALID',
      'VALID',
      'VALID',
      'CANCELLED',
      'VALID',
      'VALID',
      'REVOKED',
    ]);
    expect(records[9]!.attributes).toEqual({
      venueName: '海幢剧场排练厅',
      venueAddress: '广州市海珠区同福中路338号二层',
    });
    expect(records.map((r) => r.issuedOn).slice(0, 4)).toEqual([
      '2024-01-22',
      '2024-03-08',
      '2024-04-16',
      '2024-05-20',
    ]);
  });

  it('locates each certificate on its line', () => {
    expect(parsed.map((p) => p.location)).toEqual(records.map((_, i) => ({ file: 'good.csv', line: i + 2 })));
  });

  it('GB 18030 (CRLF), and UTF-8 with a BOM, give identical records', () => {
    for (const bytes of [gb18030(crlf(good.toString('utf8'))), withBom(good)]) {
      expect(run(fireSafety, bytes, 'good.csv').records).toEqual(records);
    }
  });

  it('accepts files without the optional columns 有效期至, 使用面积(平方米), 核定容纳人数', () => {
    const lines = good
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const drop = new Set([6, 7, 9]);
    const csv = lines.map((cells) => cells.filter((_, i) => !drop.has(i)).join(',')).join('\n');
    const r = run(fireSafety, Buffer.from(csv));
    expect(r.problems).toEqual(new Map());
    expect(r.records[0]).toMatchObject({
      validUntil: null,
      attributes: { venueName: '南华西风味酒家', venueAddress: '广州市海珠区南华西路12号首层至二层' },
    });
    expect(r.records[0]!.attributes).not.toHaveProperty('maxOccupancy');
  });
});

describe('fire-safety: the bad sample', () => {
  const { records, problems, parsed } = run(fireSafety, sample('fire-safety', 'bad.csv'), 'bad.csv');
  const one = (field: string | null, reason: RegExp) => [{ field, reason: expect.stringMatching(reason) }];

  it.each([
    [3, one('证书编号', /^number: is required but empty$/)],
    [4, one('使用单位统一社会信用代码', /^holderUscc: "9144010557403221" .*16 characters/)],
    [5, one('使用面积(平方米)', /^attributes\.floorArea: "-980" must be greater than 0/)],
    [6, one('核定容纳人数', /^attributes\.maxOccupancy: "约300" is not a whole number/)],
    [7, one('核定容纳人数', /^attributes\.maxOccupancy: "0" must be at least 1/)],
    [8, one('发证日期', /^issuedOn: "25-03-03" is not a date/)],
    [9, one('有效期至', /^validUntil: 2024-03-02 is before the issue date 2025-03-03$/)],
    [10, one('证书状态', /^status: "过期" is not a known certificate status/)],
    [11, one('版本号', /^sourceVersion: "二" is not a whole number/)],
    [12, one('记录编号', /^sourceRecordId: is required but empty$/)],
    [13, one(null, /^the row has 14 values but the header has 13 columns/)],
    [
      14,
      one(
        null,
        /^the row cannot be read as CSV: a quote opened on this line is not closed \(the quoted value runs into the following rows\)/,
      ),
    ],
    [
      16,
      [
        { field: '使用单位统一社会信用代码', reason: expect.stringMatching(/^holderUscc: .*17 characters/) },
        { field: '核定容纳人数', reason: expect.stringMatching(/^attributes\.maxOccupancy: "三百"/) },
        { field: '证书状态', reason: expect.stringMatching(/^status: "停业"/) },
      ],
    ],
  ])('line %i is rejected with its field and reason', (line, expected) => {
    expect(problems.get(line)).toEqual(expected);
  });

  it('rejects exactly those, and reads the row after a runaway quote on its own', () => {
    expect([...problems.keys()]).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16]);
    expect(records.map((r) => r.sourceRecordId)).toEqual(['FR-AJ-2025-0202', 'FR-AJ-2025-0215']);
    expect(records[1]).toMatchObject({
      number: '穗海消安检字〔2025〕第0215号',
      attributes: { venueName: '乐享生活馆（江南店）', floorArea: 1080 },
    });
    expect(parsed.at(-1)!.location.line).toBe(16); // the ",,,,," row on line 17 is not a record
    expect(parsed[12]!.raw).toEqual({ text: expect.stringContaining('"乐享生活馆（宝岗店）,') });
  });
});

describe('fire-safety: unusable files', () => {
  it.each([
    [
      'the market register',
      sample('market-registry', 'good.csv'),
      /not a 消防安全检查合格证 .* lacks the columns 证书编号, 使用单位统一社会信用代码, 场所名称/,
    ],
    ['a blank header line', Buffer.from(',,,\n'), /the header line is blank/],
    [
      'an old Excel workbook',
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      /old Excel \(\.xls\) workbook/,
    ],
  ])('throws AdapterFileError for %s', (_what, bytes, reason) => {
    expect(() => fireSafety.parse(bytes, 'upload.csv')).toThrow(AdapterFileError);
    expect(() => fireSafety.parse(bytes, 'upload.csv')).toThrow(reason);
  });
});
