import iconv from 'iconv-lite';
import { describe, expect, it } from '@jest/globals';
import type { EnterpriseRegistration } from '../canonical.js';
import { makeUscc, USCC_CHARSET } from '../../src/platform/uscc.js';
import { AdapterFileError } from '../adapter.js';
import { crlf, run, sample, withBom } from '../testing.js';
import { marketRegistry } from './index.js';

const good = sample('market-registry', 'good.csv');
const HEADER =
  '统一社会信用代码,企业名称,企业类型,法定代表人,法定代表人证件号码,注册资本(万元),成立日期,登记机关,住所,所属街道,经营范围,登记状态,联系电话,记录编号,版本号';

describe('market-registry: the good sample', () => {
  const { records, problems, parsed } = run(marketRegistry, good, 'good.csv');

  it('maps every record', () => {
    expect(problems).toEqual(new Map());
    expect(records).toHaveLength(12);
  });

  it('maps a record field by field', () => {
    expect(records[0]).toEqual({
      kind: 'enterprise',
      sourceRecordId: 'MR-2016-000123',
      sourceVersion: 3,
      uscc: '91440105MA59C3KX28',
      name: '广州市海珠区珠江晨曦科技有限公司',
      type: 'LIMITED_LIABILITY_COMPANY',
      legalRepresentative: '陈伟',
      legalRepresentativeIdNumber: '440105197803122513',
      registeredCapital: '5000000.00',
      establishedOn: '2016-08-12',
      registrationAuthorityCode: 'MR',
      address: '广州市海珠区新港中路397号自编A栋501室',
      street: '新港街道',
      businessScope: '软件开发；信息技术咨询服务；数据处理服务',
      status: 'ACTIVE',
      contactPhone: '020-89001234',
    } satisfies EnterpriseRegistration);
  });

  it('maps the register’s enterprise types, including its long forms', () => {
    expect(records.map((r) => r.type)).toEqual([
      'LIMITED_LIABILITY_COMPANY', // 有限责任公司（自然人投资或控股）
      'JOINT_STOCK_COMPANY', // 股份有限公司(非上市、自然人投资或控股)
      'LIMITED_LIABILITY_COMPANY',
      'PARTNERSHIP', // 有限合伙企业
      'BRANCH', // 有限责任公司分公司(自然人投资或控股)
      'SOLE_PROPRIETORSHIP',
      'INDIVIDUAL_BUSINESS',
      'FARMERS_COOPERATIVE',
      'FOREIGN_INVESTED', // 有限责任公司（外国法人独资）
      'LIMITED_LIABILITY_COMPANY',
      'LIMITED_LIABILITY_COMPANY',
      'LIMITED_LIABILITY_COMPANY',
    ]);
  });

  it('maps statuses: 存续（在营、开业、在册）, 在业, 吊销，未注销, 注销, 迁出', () => {
    const byId = Object.fromEntries(records.map((r) => [r.sourceRecordId, r.status]));
    expect(byId['MR-2016-000123']).toBe('ACTIVE');
    expect(byId['MR-2018-004521']).toBe('ACTIVE');
    expect(byId['MR-2019-003388']).toBe('REVOKED');
    expect(byId['MR-2018-005001']).toBe('CANCELLED');
    expect(byId['MR-2020-000777']).toBe('MOVED_OUT');
  });

  it('converts 万元 to yuan exactly, with thousands separators and zero', () => {
    expect(records.map((r) => r.registeredCapital)).toEqual([
      '5000000.00',
      '10000000.00',
      '525000.00',
      '2000000.00',
      '0.00',
      '300000.00',
      '50000.00',
      '1200000.00',
      '15005000.00',
      '3000000.00',
      '1000000.00',
      '20000000.00',
    ]);
  });

  it('reads every date form and normalises names, streets, authorities', () => {
    expect(records.map((r) => r.establishedOn).slice(0, 4)).toEqual([
      '2016-08-12',
      '2018-11-05',
      '2011-05-09',
      '2021-01-08',
    ]);
    expect(records[2]!.street).toBe('南华西街道'); // written 南华西
    expect(records[1]!.registrationAuthorityCode).toBe('MR'); // written as the code
    expect(records[6]!.legalRepresentative).toBe('刘艳'); // written 刘(U+3000)艳, padded with a full-width space
    expect(records[8]!.legalRepresentative).toBe('David Chan');
    expect(records[8]!.legalRepresentativeIdNumber).toBe('H01234567');
    expect(records[3]!.contactPhone).toBeNull();
    expect(records[1]!.businessScope).toBe('会议及展览服务；广告设计、代理；\n文艺创作；组织文化艺术交流活动');
  });

  it('locates each record on the line where it starts (a quoted value spans lines 3–4)', () => {
    expect(parsed.map((p) => p.location)).toEqual(
      [2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((line) => ({ file: 'good.csv', line })),
    );
    expect(parsed.map((p) => p.sourceRecordId)).toEqual(records.map((r) => r.sourceRecordId));
  });
});

describe('market-registry: encodings', () => {
  const expected = run(marketRegistry, good);

  it('the committed GB 18030 sample is good.csv as a Windows tool writes it (GB 18030, CRLF)', () => {
    expect(sample('market-registry', 'good.gb18030.csv')).toEqual(iconv.encode(crlf(good.toString('utf8')), 'gb18030'));
  });

  it('GB 18030, UTF-8 and UTF-8 with BOM give identical records and locations', () => {
    for (const bytes of [
      sample('market-registry', 'good.gb18030.csv'),
      withBom(good),
      withBom(Buffer.from(crlf(good.toString('utf8')))),
    ]) {
      const r = run(marketRegistry, bytes);
      expect(r.records).toEqual(expected.records);
      expect(r.parsed.map((p) => p.location)).toEqual(expected.parsed.map((p) => p.location));
    }
  });

  it('a UTF-8 file with one damaged byte stays UTF-8: only that row is rejected', () => {
    const text = good.toString('utf8');
    const at = Buffer.from(text.slice(0, text.indexOf('广州南华西餐饮'))).length;
    const damaged = Buffer.from(good);
    damaged[at] = 0xff; // the first byte of 广
    const r = run(marketRegistry, damaged);
    expect(r.records).toHaveLength(11);
    expect(r.problems).toEqual(
      new Map([[5, [{ field: '企业名称', reason: expect.stringMatching(/^name: .*could not be decoded/) }]]]),
    );
  });
});

describe('market-registry: the bad sample', () => {
  const { records, problems, parsed } = run(marketRegistry, sample('market-registry', 'bad.csv'), 'bad.csv');
  const one = (field: string | null, reason: RegExp) => [{ field, reason: expect.stringMatching(reason) }];

  it.each([
    [
      3,
      one(
        '统一社会信用代码',
        /^uscc: "91440105MA59C3KX29" .*check character is "9" but the first 17 characters give "8"/,
      ),
    ],
    [4, one('统一社会信用代码', /^uscc: "440105000123456" .*15 characters, a USCC has 18/)],
    [5, one('统一社会信用代码', /^uscc: .*character 12 "O" is not allowed/)],
    [6, one('企业名称', /^name: is required but empty$/)],
    [7, one('企业类型', /^type: "有线责任公司" is not a known enterprise type/)],
    [
      8,
      one(
        '企业类型',
        /^type: LIMITED_LIABILITY_COMPANY does not match the USCC 92440105MA5BPY7E1U.*individual business/,
      ),
    ],
    [
      9,
      one(
        '法定代表人证件号码',
        /^legalRepresentativeIdNumber: the check character of this resident ID number is wrong$/,
      ),
    ],
    [10, one('注册资本(万元)', /^registeredCapital: "五百" is not an amount in 万元/)],
    [11, one('注册资本(万元)', /^registeredCapital: "-10" is negative/)],
    [12, one('注册资本(万元)', /^registeredCapital: "0.0000005" is more precise than a fen/)],
    [13, one('成立日期', /^establishedOn: "2023-02-30" is not a date: 2023-02 has 28 days/)],
    [14, one('成立日期', /^establishedOn: "18\/04\/2019" is not a date: expected/)],
    [
      15,
      one('登记机关', /^registrationAuthorityCode: "广州市市场监督管理局" is neither a known registration authority/),
    ],
    [16, one('所属街道', /^street: "天河南街道" is not a street of Haizhu district/)],
    [17, one('登记状态', /^status: "停业" is not a known registration status/)],
    [18, one('联系电话', /^contactPhone: "020-8435无" is not a phone number/)],
    [19, one('记录编号', /^sourceRecordId: is required but empty$/)],
    [20, one('版本号', /^sourceVersion: "0" must be at least 1/)],
    [23, one(null, /^the row has 14 values but the header has 15 columns/)],
    [
      24,
      [
        { field: '统一社会信用代码', reason: expect.stringMatching(/^uscc: .*check character/) },
        {
          field: '成立日期',
          reason: expect.stringMatching(/^establishedOn: "2019-13-01" is not a date: there is no month 13/),
        },
        { field: '登记状态', reason: expect.stringMatching(/^status: "歇业" is not a known registration status/) },
      ],
    ],
    [
      25,
      one(
        null,
        /^the row cannot be read as CSV: a quote opened on this line is not closed \(the file ends inside the quoted value\)/,
      ),
    ],
  ])('line %i is rejected with its field and reason', (line, expected) => {
    expect(problems.get(line)).toEqual(expected);
  });

  it('rejects exactly those rows, skips the blank ones (21, 22) and still maps the good rows around them', () => {
    expect([...problems.keys()]).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 23, 24, 25]);
    expect(parsed.map((p) => p.location.line)).not.toContain(21);
    expect(parsed.map((p) => p.location.line)).not.toContain(22);
    expect(records.map((r) => r.sourceRecordId)).toEqual(['MR-2024-000002', 'MR-2024-000026']);
  });

  it('keeps the source record id and raw values of a rejected row for quarantine', () => {
    const row = parsed.find((p) => p.location.line === 17)!;
    expect(row.sourceRecordId).toBe('MR-2024-000017');
    expect(row.raw['登记状态']).toBe('停业');
    expect(parsed.find((p) => p.location.line === 23)!.sourceRecordId).toBeNull(); // columns misaligned: the id is not trusted
  });
});

describe('market-registry: file layout', () => {
  const text = good.toString('utf8');

  it('finds columns by name: another order, full-width brackets, no 联系电话 column', () => {
    const cols = HEADER.split(',');
    const values = text.split('\n')[1]!.split(',');
    const keep = [...cols.keys()].reverse().filter((i) => cols[i] !== '联系电话');
    const header = keep
      .map((i) => cols[i])
      .join(',')
      .replace('注册资本(万元)', '注册资本（万元）');
    const csv = `${header}\n${keep.map((i) => values[i]).join(',')}\n`;
    const r = run(marketRegistry, Buffer.from(csv));
    expect(r.records).toEqual([{ ...run(marketRegistry, good).records[0], contactPhone: null }]);
  });

  it('reports a quote that swallows the next rows at its line and reads on from the next line', () => {
    const rows = text.split('\n');
    rows[1] = rows[1]!.replace('软件开发；', '"软件开发；'); // opened, never closed; row 3 has quotes of its own
    const r = run(marketRegistry, Buffer.from(rows.join('\n')));
    expect(r.problems.get(2)).toEqual([
      {
        field: null,
        reason: expect.stringMatching(
          /quote opened on this line is not closed \(the quoted value runs into the following rows\)/,
        ),
      },
    ]);
    expect(r.records).toHaveLength(11);
    expect(r.parsed.slice(1, 3).map((p) => p.location.line)).toEqual([3, 5]);
  });

  it.each([
    ['an empty file', Buffer.alloc(0), /the file is empty/],
    ['an Excel workbook', Buffer.from('PK\x03\x04\x14\x00\x06\x00', 'latin1'), /ZIP archive \(an \.xlsx workbook\?\)/],
    ['UTF-16 text', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER, 'utf16le')]), /UTF-16/],
    [
      'another department’s CSV',
      sample('fire-safety', 'good.csv'),
      /not a 市场主体登记 .* lacks the columns 统一社会信用代码, 企业名称/,
    ],
    ['a header with a column twice', Buffer.from(`${HEADER},企业名称\n`), /has the column 企业名称 twice/],
    [
      'a tab-separated file',
      Buffer.from(`${HEADER.replaceAll(',', '\t')}\n`),
      /lacks the columns .*\(the columns are not separated by commas\)/,
    ],
  ])('throws AdapterFileError for %s', (_what, bytes, reason) => {
    const attempt = () => [...marketRegistry.parse(bytes, 'upload.csv')];
    expect(attempt).toThrow(AdapterFileError);
    expect(attempt).toThrow(reason);
    try {
      attempt();
    } catch (e) {
      expect((e as AdapterFileError).file).toBe('upload.csv');
    }
  });

  it('says when a file that is not UTF-8 was read as GB 18030 and did not fit', () => {
    const latin1 = Buffer.from('Unified Social Credit Code,Name\n9144,Café\n', 'latin1');
    expect(() => marketRegistry.parse(latin1, 'x.csv')).toThrow(/read as GB 18030/);
  });
});

describe('market-registry: a large export', () => {
  /** A realistic row for index i: varied types, dates, capitals; every 1000th row has a bad USCC, every 500th a two-line scope. */
  function bigExport(n: number): { csv: string; badLines: number[]; lineOf: number[] } {
    const types = [
      '有限责任公司',
      '股份有限公司',
      '个人独资企业',
      '普通合伙企业',
      '有限责任公司（外商投资、非独资）',
      '有限责任公司分公司',
    ];
    const statuses = ['存续', '在业', '吊销', '注销', '迁出'];
    const streets = ['赤岗街道', '新港街道', '琶洲街道', '南华西', '官洲街道'];
    const lines = [HEADER];
    const badLines: number[] = [];
    const lineOf: number[] = [];
    let line = 2;
    for (let i = 0; i < n; i++) {
      const org = Array.from({ length: 7 }, (_, k) => USCC_CHARSET[Math.floor(i / 31 ** k) % 31]).join('');
      let uscc = makeUscc(`91440105MA${org}`);
      if (i % 1000 === 999) {
        uscc = uscc.slice(0, 17) + (uscc[17] === '0' ? '1' : '0');
        badLines.push(line);
      }
      const scope = i % 500 === 0 ? '"软件开发；\n信息技术咨询服务"' : '软件开发；信息技术咨询服务';
      const date = [
        `${2000 + (i % 25)}-03-15`,
        `${2000 + (i % 25)}/3/15`,
        `${2000 + (i % 25)}年3月15日`,
        `${2000 + (i % 25)}0315`,
      ][i % 4];
      lines.push(
        `${uscc},广州测试${i}号有限公司,${types[i % 6]},陈伟,440105197803122513,${i}.5,${date},海珠区市场监督管理局,广州市海珠区新港中路${i}号,${streets[i % 5]},${scope},${statuses[i % 5]},020-8900${String(i % 10000).padStart(4, '0')},MR-${i},${1 + (i % 3)}`,
      );
      lineOf.push(line);
      line += i % 500 === 0 ? 2 : 1;
    }
    return { csv: lines.join('\n') + '\n', badLines, lineOf };
  }

  it('maps 20 000 rows with the right values and lines', () => {
    const { csv, badLines, lineOf } = bigExport(20_000);
    const r = run(marketRegistry, Buffer.from(csv), 'big.csv');
    expect(r.parsed).toHaveLength(20_000);
    expect(r.records).toHaveLength(20_000 - 20);
    expect([...r.problems.keys()]).toEqual(badLines);
    expect(r.parsed.map((p) => p.location.line)).toEqual(lineOf);
    const last = r.records.at(-1)!;
    expect(last).toMatchObject({
      sourceRecordId: 'MR-19998',
      registeredCapital: '199985000.00',
      establishedOn: '2023-03-15',
      street: '南华西街道',
      status: 'CANCELLED',
      sourceVersion: 1,
    });
    expect(r.records.find((x) => x.sourceRecordId === 'MR-12346')).toMatchObject({
      type: 'FOREIGN_INVESTED',
      registeredCapital: '123465000.00',
      establishedOn: '2021-03-15',
      street: '新港街道',
      status: 'ACTIVE',
      contactPhone: '020-89002346',
    });
  });
});
