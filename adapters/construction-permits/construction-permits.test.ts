import { describe, expect, it } from '@jest/globals';
import { LICENCE_TYPES, type LicenceIssue } from '../canonical.js';
import { AdapterFileError } from '../adapter.js';
import { gb18030, run, sample, withBom } from '../testing.js';
import { constructionPermits } from './index.js';

const good = sample('construction-permits', 'good.json');

describe('construction-permits: the good sample', () => {
  const { records, problems, parsed } = run(constructionPermits, good, 'good.json');

  it('maps every permit', () => {
    expect(problems).toEqual(new Map());
    expect(records).toHaveLength(9);
    expect(constructionPermits.department).toBe(LICENCE_TYPES.CONSTRUCTION_PERMIT.department);
  });

  it('maps a permit field by field, 万元 to yuan', () => {
    expect(records[0]).toEqual({
      kind: 'licence',
      sourceRecordId: 'HC-SGXK-2024-0015',
      sourceVersion: 2,
      typeCode: 'CONSTRUCTION_PERMIT',
      number: '440105202403150101',
      holderUscc: '91440105MA9UL1PE00',
      issuedOn: '2024-03-15',
      validFrom: '2024-03-15',
      validUntil: '2026-03-14',
      scope: '海珠区沙园街道旧厂房改造综合楼工程',
      attributes: {
        projectName: '海珠区沙园街道旧厂房改造综合楼工程',
        location: '广州市海珠区沙园路9号',
        contractAmount: '128506000.00',
        floorArea: 18650.35,
      },
      status: 'VALID',
    } satisfies LicenceIssue);
  });

  it('reads amounts given as numbers or strings with separators, and leaves out absent attributes', () => {
    expect(records.map((r) => r.attributes.contractAmount)).toEqual([
      '128506000.00',
      '864205000.00',
      '32000000.00',
      '9862500.00',
      '54300000.00',
      '22104000.00',
      '16800000.00',
      '245000000.00',
      '7500.00',
    ]);
    expect(records[2]!.attributes.floorArea).toBe(6420.8); // given as "6420.8"
    expect(records[3]!.attributes).not.toHaveProperty('floorArea');
  });

  it('reads dates in every form; an ISO instant in UTC is the day in China', () => {
    expect(records.map((r) => r.issuedOn).slice(1, 5)).toEqual([
      '2024-06-03',
      '2024-08-20',
      '2024-09-11',
      '2024-11-05',
    ]);
    expect(records[3]!.validUntil).toBe('2025-09-10');
    expect(records[1]!.validUntil).toBeNull(); // absent
    expect(records[2]!.validUntil).toBeNull(); // null
  });

  it('maps statuses 有效, 暂扣, 吊销, 注销', () => {
    expect(records.map((r) => r.status).slice(2, 6)).toEqual(['VALID', 'SUSPENDED', 'REVOKED', 'CANCELLED']);
  });

  it('locates each permit by its JSON path', () => {
    expect(parsed.map((p) => p.location)).toEqual(
      records.map((_, i) => ({ file: 'good.json', path: `$.permits[${i}]` })),
    );
    expect(parsed[4]!.sourceRecordId).toBe('HC-SGXK-2024-0066');
  });

  it('GB 18030, and UTF-8 with a BOM, give identical records', () => {
    for (const bytes of [gb18030(good.toString('utf8')), withBom(good)]) {
      expect(run(constructionPermits, bytes, 'good.json').records).toEqual(records);
    }
  });
});

describe('construction-permits: the bad sample', () => {
  const { records, problems } = run(constructionPermits, sample('construction-permits', 'bad.json'));
  const one = (field: string | null, reason: RegExp) => [{ field, reason: expect.stringMatching(reason) }];

  it.each([
    [1, one(null, /^a permit must be a JSON object, got a string$/)],
    [2, one('builderUscc', /^holderUscc: is required but empty$/)],
    [
      3,
      one(
        'builderUscc',
        /^holderUscc: "91440105MA5DJW0A5E" .*check character is "E" but the first 17 characters give "F"/,
      ),
    ],
    [4, one('permitNo', /^number: the number 440105202504010100 is too long to be exact; write it as a JSON string$/)],
    [5, one('contractAmountWan', /^attributes\.contractAmount: "约860万" is not an amount in 万元/)],
    [6, one('contractAmountWan', /^attributes\.contractAmount: "-860" is negative/)],
    [7, one('floorArea', /^attributes\.floorArea: "0" must be greater than 0/)],
    [8, one('issueDate', /^issuedOn: "2025-04-31" is not a date: 2025-04 has 30 days/)],
    [9, one('validUntil', /^validUntil: 2024-03-31 is before the issue date 2025-04-01$/)],
    [10, one('status', /^status: "过期" is not a known permit status \(expected one of: 有效, 暂扣, 吊销, 注销\)/)],
    [11, one('recordId', /^sourceRecordId: is required but empty$/)],
    [12, one('version', /^sourceVersion: "1.5" is not a whole number/)],
    [13, one('projectName', /^attributes\.projectName: is required but empty$/)],
    [14, one('location', /^attributes\.location: expected one value, got 2$/)],
    [
      16,
      [
        { field: 'builderUscc', reason: expect.stringMatching(/^holderUscc: "123" .*3 characters/) },
        { field: 'floorArea', reason: expect.stringMatching(/^attributes\.floorArea: "两千一百五十" is not a number/) },
        { field: 'status', reason: expect.stringMatching(/^status: "停工" is not a known permit status/) },
      ],
    ],
  ])('$.permits[%i] is rejected with its field and reason', (i, expected) => {
    expect(problems.get(`$.permits[${i}]`)).toEqual(expected);
  });

  it('rejects exactly those, and tolerates lower-case USCCs, slashes, units and trailing spaces', () => {
    expect(problems.size).toBe(15);
    expect(records.map((r) => r.sourceRecordId)).toEqual(['HC-SGXK-2025-0100', 'HC-SGXK-2025-0115']);
    expect(records[1]).toMatchObject({
      holderUscc: '91440105MA5DJW0A5F',
      issuedOn: '2025-04-01',
      status: 'VALID',
      attributes: { floorArea: 2150 },
    });
  });
});

describe('construction-permits: unusable files', () => {
  it.each([
    ['not JSON', Buffer.from('permitNo,projectName\n1,2\n'), /^upload\.json: not JSON: /],
    ['a truncated file', good.subarray(0, 300), /not JSON/],
    [
      'JSON without permits',
      Buffer.from('{"exportedAt":"2025-03-31","data":[]}'),
      /not a building-permit export: expected "permits" to be an array/,
    ],
    ['a bare array', Buffer.from('[{"permitNo":"1"}]'), /not a building-permit export/],
    ['a binary file', Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01]), /binary/],
  ])('throws AdapterFileError for %s', (_what, bytes, reason) => {
    expect(() => constructionPermits.parse(bytes, 'upload.json')).toThrow(AdapterFileError);
    expect(() => constructionPermits.parse(bytes, 'upload.json')).toThrow(reason);
  });

  it('an export with no permits is empty, not an error', () => {
    expect([...constructionPermits.parse(Buffer.from('{"exportedAt":"2025-03-31","permits":[]}'), 'x.json')]).toEqual(
      [],
    );
  });
});
