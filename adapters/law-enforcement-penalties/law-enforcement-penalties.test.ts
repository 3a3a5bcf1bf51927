import { describe, expect, it } from '@jest/globals';
import type { PenaltyDecision } from '../canonical.js';
import { AdapterFileError } from '../adapter.js';
import { gb18030, run, sample, withBom } from '../testing.js';
import { lawEnforcementPenalties as adapter } from './index.js';

const good = sample('law-enforcement-penalties', 'good.xml');
const path = (i: number) => `/penalties/penalty[${i}]`;

describe('law-enforcement-penalties: the good sample', () => {
  const { records, problems, parsed } = run(adapter, good, 'good.xml');

  it('maps every decision', () => {
    expect(problems).toEqual(new Map());
    expect(records).toHaveLength(9);
  });

  it('maps a decision with a licence suspension field by field', () => {
    expect(records[2]).toEqual({
      kind: 'penalty',
      sourceRecordId: 'LE-CF-2024-0041',
      sourceVersion: 1,
      decisionNumber: '穗海综执罚决字〔2024〕第0041号',
      enterpriseUscc: '91440105MA9Y1R6C4U',
      facts: '当事人在江南中街道老旧小区微改造工程中未按施工许可证核准的内容施工，擅自扩大施工范围。',
      legalBasis: '《建筑工程施工许可管理办法》第十二条、第十五条',
      kinds: ['FINE', 'LICENCE_SUSPENSION'],
      fineAmount: '30000.00',
      confiscatedAmount: null,
      decidedOn: '2024-10-08',
      publicityUntil: '2027-10-07',
      licence: { typeCode: 'CONSTRUCTION_PERMIT', number: '440105202409110104' },
      suspensionUntil: '2024-12-31',
    } satisfies PenaltyDecision);
  });

  it('maps the kinds of penalty, including "警告、罚款" in one element', () => {
    expect(records.map((r) => r.kinds)).toEqual([
      ['WARNING', 'FINE'],
      ['FINE'],
      ['FINE', 'LICENCE_SUSPENSION'],
      ['FINE', 'LICENCE_REVOCATION'],
      ['FINE', 'CONFISCATION'],
      ['WARNING'],
      ['WARNING', 'FINE'],
      ['FINE', 'SUSPENSION_OF_BUSINESS'],
      ['WARNING'],
    ]);
  });

  it('reads amounts, CDATA, entities, Chinese-numeral dates and licence types by name', () => {
    expect(records.map((r) => r.fineAmount)).toEqual([
      '5000.00',
      '20000.00',
      '30000.00',
      '50000.00',
      '36000.00',
      null,
      '10000.00',
      '15000.00',
      null,
    ]);
    expect(records[4]!.confiscatedAmount).toBe('8400.50');
    expect(records[1]!.facts).toContain('"夜间施工证明"，噪声 > 70dB(A)');
    expect(records[6]!.facts).toContain('A&B展会宣传');
    expect(records[3]).toMatchObject({
      decidedOn: '2024-12-20',
      licence: { typeCode: 'CONSTRUCTION_PERMIT', number: '440105202411050105' },
    });
    expect(records[7]!.suspensionUntil).toBe('2025-04-04');
    expect(records[8]).toMatchObject({ fineAmount: null, publicityUntil: null, licence: null }); // empty elements
  });

  it('locates each decision by path and line', () => {
    expect(parsed.map((p) => p.location)).toEqual(
      [4, 15, 26, 39, 51, 63, 73, 84, 96].map((line, i) => ({ file: 'good.xml', line, path: path(i + 1) })),
    );
  });

  it('GB 18030 (declared in the prolog) and UTF-8 with a BOM give identical records', () => {
    const gb = gb18030(good.toString('utf8').replace('encoding="UTF-8"', 'encoding="GB18030"'));
    for (const bytes of [gb, withBom(good)]) {
      const r = run(adapter, bytes, 'good.xml');
      expect(r.records).toEqual(records);
      expect(r.parsed.map((p) => p.location)).toEqual(parsed.map((p) => p.location));
    }
  });
});

describe('law-enforcement-penalties: the bad sample', () => {
  const { records, problems, parsed } = run(adapter, sample('law-enforcement-penalties', 'bad.xml'));
  const one = (field: string | null, reason: RegExp) => [{ field, reason: expect.stringMatching(reason) }];
  const required = /is required when the kinds include 暂扣许可证件 or 吊销许可证件/;

  it.each([
    [2, one(null, /^the <penalty> element is not well-formed XML: char '&' is not expected\. \(line 19\)$/)],
    [3, one(null, /^the <penalty> element is not well-formed XML: Unclosed tag 'penalty'/)],
    [4, one('@recordId', /^sourceRecordId: is required but empty$/)],
    [5, one('@version', /^sourceVersion: "v2" is not a whole number/)],
    [6, one('uscc', /^enterpriseUscc: "91440105MA5FQ2NH47" .*check character/)],
    [7, one('uscc', /^enterpriseUscc: expected one value, got 2$/)],
    [8, one('facts', /^facts: is required but empty$/)],
    [9, one('kinds', /^kinds: is required: name at least one kind/)],
    [10, one('kinds', /^kinds: "通报" is not a known kind of penalty/)],
    [11, one('fineAmount', /^fineAmount: is required when the kinds include 罚款 \(FINE\)$/)],
    [12, one('fineAmount', /^fineAmount: "五千元" is not an amount in 元/)],
    [13, one('fineAmount', /^fineAmount: is given, but the kinds do not include 罚款/)],
    [14, one('confiscated', /^confiscatedAmount: is given, but the kinds do not include 没收/)],
    [
      15,
      [
        {
          field: 'licence/@type',
          reason: expect.stringMatching(new RegExp(`^licence\\.typeCode: ${required.source}`)),
        },
        {
          field: 'licence/@number',
          reason: expect.stringMatching(new RegExp(`^licence\\.number: ${required.source}`)),
        },
      ],
    ],
    [16, one('suspensionUntil', /^suspensionUntil: is required when the kinds include 暂扣许可证件/)],
    [17, one('licence/@type', /^licence\.typeCode: "营业执照" is not a licence type known to the hub/)],
    [18, one('licence/@type', /^licence\.typeCode: is given, but only 暂扣许可证件 or 吊销许可证件 affect a licence$/)],
    [
      19,
      one(
        'suspensionUntil',
        /^suspensionUntil: is given, but the kinds include neither 暂扣许可证件 nor 责令停产停业$/,
      ),
    ],
    [20, one('decidedOn', /^decidedOn: "2025-02-29" is not a date: 2025-02 has 28 days/)],
    [21, one('publicityUntil', /^publicityUntil: 2024-04-09 is before the decision date 2025-04-10$/)],
    [
      22,
      [
        { field: 'uscc', reason: expect.stringMatching(/^enterpriseUscc: "9144010" .*7 characters/) },
        { field: 'kinds', reason: expect.stringMatching(/^kinds: "记过" is not a known kind of penalty/) },
        { field: 'decidedOn', reason: expect.stringMatching(/^decidedOn: "下周一" is not a date/) },
      ],
    ],
  ])('penalty[%i] is rejected with its field and reason', (i, expected) => {
    expect(problems.get(path(i))).toEqual(expected);
  });

  it('rejects exactly those and keeps reading after malformed elements', () => {
    expect(problems.size).toBe(21);
    expect(records.map((r) => r.sourceRecordId)).toEqual(['LE-CF-2025-0101']);
  });

  it('gives malformed elements their line, source record id and text for quarantine', () => {
    expect(parsed[1]).toMatchObject({
      location: { line: 16, path: path(2) },
      sourceRecordId: 'LE-CF-2025-0102',
      raw: { xml: expect.stringContaining('广州A&B物流有限公司') },
    });
    expect(parsed[2]!.location.line).toBe(28);
    expect(parsed[3]!.location).toMatchObject({ line: 39, path: path(4) });
  });
});

describe('law-enforcement-penalties: unusable files', () => {
  const text = good.toString('utf8');

  it.each([
    ['plain text', Buffer.from('hello, this is not XML'), /^upload\.xml: not XML: the file starts with "hello/],
    [
      'another root element',
      Buffer.from('<?xml version="1.0"?><permits><permit/></permits>'),
      /the root element is <permits>, expected <penalties>/,
    ],
    [
      'a truncated file',
      Buffer.from(text.slice(0, text.indexOf('<penalty recordId="LE-CF-2025-0003"') + 200)),
      /the file ends before <\/penalties>: the export is truncated/,
    ],
    [
      'garbage between records',
      Buffer.from(
        text.replace('  <penalty recordId="LE-CF-2025-0009"', '  </oops>\n  <penalty recordId="LE-CF-2025-0009"'),
      ),
      /not well-formed XML outside the <penalty> elements/,
    ],
    ['an empty file', Buffer.alloc(0), /not XML/],
  ])('throws AdapterFileError for %s', (_what, bytes, reason) => {
    expect(() => adapter.parse(bytes, 'upload.xml')).toThrow(AdapterFileError);
    expect(() => adapter.parse(bytes, 'upload.xml')).toThrow(reason);
  });

  it('ignores markup inside comments and CDATA when finding records', () => {
    const xml = `<penalties>\n<!-- <penalty recordId="X"> -->\n${text.slice(text.indexOf('  <penalty recordId="LE-CF-2024-0027"'), text.indexOf('  <penalty recordId="LE-CF-2024-0041"'))}</penalties>`;
    const r = run(adapter, Buffer.from(xml));
    expect(r.records.map((x) => x.sourceRecordId)).toEqual(['LE-CF-2024-0027']);
    expect(r.parsed[0]!.location).toMatchObject({ line: 3, path: path(1) });
  });

  it('an empty <penalty/> is a record with its problems, not a crash', () => {
    const r = run(adapter, Buffer.from('<penalties><penalty/></penalties>'));
    expect(r.problems.get(path(1))!.map((p) => p.field)).toEqual([
      '@recordId',
      '@version',
      'decisionNo',
      'uscc',
      'facts',
      'legalBasis',
      'kinds',
      'decidedOn',
    ]);
  });

  it.each([
    ['an external entity', '<!DOCTYPE p [<!ENTITY e SYSTEM "file:///etc/passwd">]>', '&e;', 'DOCTYPE'],
    [
      'nested entities (billion laughs)',
      '<!DOCTYPE p [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
      '&b;',
      'DOCTYPE',
    ],
    ['a bare ENTITY declaration', '<!ENTITY e "x">', 'x', 'ENTITY'],
  ])('quarantines a record declaring %s and reads the others', (_what, declaration, facts, named) => {
    const rec = (id: string, extra = '', f = '事实') =>
      `<penalty recordId="${id}" version="1">${extra}<decisionNo>D-${id}</decisionNo><uscc>91440105MA5FQ2NH48</uscc><facts>${f}</facts><legalBasis>依据</legalBasis><kinds><kind>警告</kind></kinds><decidedOn>2025-04-10</decidedOn></penalty>`;
    const xml = `<?xml version="1.0"?>\n<penalties>\n${rec('A')}\n${rec('B', declaration, facts)}\n${rec('C')}\n</penalties>\n`;
    const r = run(adapter, Buffer.from(xml));
    expect(r.records.map((x) => x.sourceRecordId)).toEqual(['A', 'C']);
    expect(r.parsed[1]!.sourceRecordId).toBe('B');
    expect(r.problems.get(path(2))).toEqual([{ field: null, reason: expect.stringContaining(`<!${named}>`) }]);
  });
});
