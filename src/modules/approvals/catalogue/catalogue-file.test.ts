/** The catalogue file format: the Haizhu sample, problem reports, cycles and the YAML round trip. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../../../../test/helpers/runner.js';
import { LICENCE_TYPES } from '../../../../adapters/canonical.js';
import { parseCatalogue } from './catalogue-file.js';
import type { CatalogueItem } from './catalogue-format.js';
import type { CatalogueProblem } from './catalogue-problems.js';
import { catalogueToYaml } from './catalogue-yaml.js';
import { catalogueItemSchema } from './item-rules.js';

const SAMPLE = fileURLToPath(new URL('../../../../prisma/seed/catalogue/haizhu-catalogue.yaml', import.meta.url));
// The department codes of prisma/seed/demo.ts (not imported: that module pulls in the database client).
const opts = {
  knownDepartments: ['MR', 'HC', 'EE', 'FR', 'HE', 'LE', 'GSC', 'ST-JNZ', 'ST-BJ'],
  knownLicenceTypes: Object.keys(LICENCE_TYPES),
};

function itemsOf(text: string, file = 'test.yaml'): CatalogueItem[] {
  const r = parseCatalogue(text, file, opts);
  if ('problems' in r) throw new Error(`unexpected problems:\n${JSON.stringify(r.problems, null, 2)}`);
  return r.items;
}

function problemsOf(text: string, file = 'test.yaml'): CatalogueProblem[] {
  const r = parseCatalogue(text, file, opts);
  if ('items' in r) throw new Error('expected problems, the file parsed');
  return r.problems;
}

const problem = (item: string | null, path: string, message: string) =>
  expect.objectContaining({ item, path, message: expect.stringContaining(message) as unknown });

const base: CatalogueItem = {
  code: 'HZ-MR-001',
  name: '企业设立登记',
  departmentCode: 'MR',
  audience: 'ENTERPRISE',
  acceptedAt: ['DISTRICT_CENTRE'],
  onTheSpot: false,
  conditions: ['有符合规定的企业名称'],
  legalBasis: ['《中华人民共和国市场主体登记管理条例》第十九条'],
  materials: [{ code: 'M01', name: '公司登记（备案）申请书', form: 'ORIGINAL', copies: 1, requirement: 'REQUIRED' }],
  steps: ['ACCEPTANCE', 'REVIEW', 'APPROVAL', 'CONCLUSION'],
  specialStages: [],
  statutoryLimitDays: 3,
  committedLimitDays: 1,
  fees: [],
  online: 'FULLY_ONLINE',
  producesLicenceType: null,
  dependsOn: [],
};
const item = (code: string, changes: Partial<CatalogueItem> = {}): CatalogueItem => ({ ...base, code, ...changes });

describe('the Haizhu sample catalogue', () => {
  const text = readFileSync(SAMPLE, 'utf8');
  const items = itemsOf(text, 'haizhu-catalogue.yaml');
  const count = (pick: (i: CatalogueItem) => boolean) => items.filter(pick).length;

  it('parses without a problem and is large enough for the demo', () => {
    expect(items.length).toBeGreaterThanOrEqual(40);
    expect(new Set(items.map((i) => i.departmentCode)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(items.map((i) => i.code)).size).toBe(items.length);
  });

  it('has an item producing each licence type', () => {
    for (const type of Object.keys(LICENCE_TYPES))
      expect(count((i) => i.producesLicenceType === type)).toBeGreaterThan(0);
  });

  it('has enterprise items at the district centre and personal items at streets and communities', () => {
    expect(count((i) => i.audience === 'ENTERPRISE' && i.acceptedAt.includes('DISTRICT_CENTRE'))).toBeGreaterThan(20);
    expect(count((i) => i.audience === 'PERSON' && i.acceptedAt.includes('STREET_CENTRE'))).toBeGreaterThan(10);
    expect(count((i) => i.audience === 'PERSON' && i.acceptedAt.includes('COMMUNITY_STATION'))).toBeGreaterThan(5);
  });

  it('has on-the-spot items, conditional materials, special stages and dependency chains', () => {
    expect(count((i) => i.onTheSpot)).toBeGreaterThanOrEqual(5);
    expect(count((i) => i.onTheSpot && i.acceptedAt.includes('COMMUNITY_STATION'))).toBeGreaterThan(0);
    expect(count((i) => i.materials.some((m) => m.requirement === 'CONDITIONAL' && !!m.condition))).toBeGreaterThan(20);
    expect(count((i) => i.specialStages.length > 0)).toBeGreaterThanOrEqual(5);
    const byCode = new Map(items.map((i) => [i.code, i]));
    // 消防设计审查 → 施工许可 → 消防验收 → 营业前消防安全检查
    expect(byCode.get('HZ-HC-002')?.dependsOn).toEqual(expect.arrayContaining(['HZ-HC-001', 'HZ-EE-001']));
    expect(byCode.get('HZ-HC-003')?.dependsOn).toContain('HZ-HC-002');
    expect(byCode.get('HZ-FR-001')?.dependsOn).toContain('HZ-HC-003');
  });

  it('commits to shorter limits than the law allows', () => {
    for (const i of items) {
      expect(i.committedLimitDays).toBeLessThanOrEqual(i.statutoryLimitDays);
      if (i.statutoryLimitDays > 0) expectWithMessage(i.committedLimitDays, i.code).toBeLessThan(i.statutoryLimitDays);
    }
  });

  it('round-trips through catalogueToYaml', () => {
    const written = catalogueToYaml(items);
    expect(itemsOf(written)).toEqual(items);
    expect(catalogueToYaml(itemsOf(written))).toBe(written);
  });

  it('is written in the canonical form of catalogueToYaml, apart from its comments', () => {
    const withoutComments = text
      .split('\n')
      .filter((line) => !/^\s*#/.test(line))
      .join('\n')
      .replace(/^\n+/, '');
    // The jointServices: section after the items is hand-written (joint/joint-catalogue.ts reads it).
    const itemsPart = `${(withoutComments.split(/^jointServices:/m)[0] ?? '').trimEnd()}\n`;
    expect(catalogueToYaml(items)).toBe(itemsPart);
  });

  it('satisfies the exported item schema', () => {
    for (const i of items) expect(catalogueItemSchema.safeParse(i).success).toBe(true);
  });
});

describe('problem reports', () => {
  it('reports every problem of a file at once, with item code and path', () => {
    const text = `items:
  - code: HZ-MR-101
    name: 企业名称变更登记
    departmentCode: XX
    audience: COMPANY
    acceptedAt: []
    onTheSpot: true
    onTheSpto: true
    conditions: [已设立]
    legalBasis: [行政许可法]
    materials:
      - {code: M01, name: 申请书, form: ORIGINAL, copies: 1, requirement: CONDITIONAL}
      - {code: M01, name: 照片, form: PHOTO, copies: 0, requirement: REQUIRED}
    steps: [REVIEW, ACCEPTANCE, CONCLUSION]
    specialStages: [HEARING, HEARING]
    statutoryLimitDays: 2
    committedLimitDays: 3
    fees:
      - {name: 工本费, amountYuan: 12.5, basis: 《收费标准》}
    producesLicenceType: DRIVING_LICENCE
    consultationPhone: call us

  - code: HZ-MR-102
    name: 企业备案
    departmentCode: MR
    audience: ENTERPRISE
    acceptedAt: [DISTRICT_CENTRE, DISTRICT_CENTRE]
    onTheSpot: false
    conditions: [已设立]
    legalBasis: [《中华人民共和国市场主体登记管理条例》]
    materials:
      - {code: M01, name: 申请书, form: ORIGINAL, copies: 1, requirement: REQUIRED, condition: 委托办理的}
    steps: [ACCEPTANCE, APPROVAL, REVIEW]
    statutoryLimitDays: 3
    committedLimitDays: 0
    fees: [{name: 登记费, amountYuan: "0", basis: 《收费标准》}]
    online: NONE
    dependsOn: [HZ-XX-999, HZ-MR-102]

  - name: ''
    departmentCode: MR

  - just a string

  - code: HZ-MR-101
    name: 重复编码
    departmentCode: MR
    audience: PERSON
    acceptedAt: [STREET_CENTRE]
    onTheSpot: false
    conditions: [无]
    legalBasis: [《中华人民共和国行政许可法》]
    materials: []
    steps: [ACCEPTANCE, CONCLUSION]
    statutoryLimitDays: 1
    committedLimitDays: 1
    online: NONE
`;
    const problems = problemsOf(text, 'bad.yaml');
    const expected = [
      // HZ-MR-101: shapes
      problem('HZ-MR-101', 'departmentCode', 'unknown department XX'),
      problem('HZ-MR-101', 'audience', 'must be one of ENTERPRISE, PERSON, not "COMPANY"'),
      problem('HZ-MR-101', 'acceptedAt', 'must list at least 1 entry'),
      problem('HZ-MR-101', 'onTheSpto', 'unknown field'),
      problem('HZ-MR-101', 'legalBasis[0]', 'must cite a law or regulation by its title in 《》'),
      problem('HZ-MR-101', 'materials[1].form', 'must be one of ORIGINAL, COPY, ORIGINAL_AND_COPY, ELECTRONIC'),
      problem('HZ-MR-101', 'materials[1].copies', 'must be at least 1'),
      problem('HZ-MR-101', 'fees[0].amountYuan', 'must be text, not the number 12.5: put it in quotes'),
      problem('HZ-MR-101', 'online', 'is required'),
      problem('HZ-MR-101', 'producesLicenceType', 'unknown licence type DRIVING_LICENCE'),
      problem('HZ-MR-101', 'consultationPhone', 'is not a phone number'),
      // HZ-MR-101: rules between fields
      problem('HZ-MR-101', 'committedLimitDays', 'must not exceed statutoryLimitDays (2)'),
      problem('HZ-MR-101', 'committedLimitDays', 'an on-the-spot (即办) item commits to 0 or 1 working days'),
      problem('HZ-MR-101', 'specialStages', 'an on-the-spot (即办) item cannot have special stages'),
      problem('HZ-MR-101', 'specialStages[1]', 'stage HEARING is already listed at specialStages[0]'),
      problem('HZ-MR-101', 'steps[0]', 'the first step must be ACCEPTANCE'),
      problem('HZ-MR-101', 'steps[1]', 'ACCEPTANCE must come before REVIEW'),
      problem('HZ-MR-101', 'materials[0].condition', 'a CONDITIONAL material must say when it is needed'),
      problem('HZ-MR-101', 'materials[1].code', 'material code M01 is already used by materials[0]'),
      // HZ-MR-102
      problem('HZ-MR-102', 'acceptedAt[1]', 'place DISTRICT_CENTRE is already listed at acceptedAt[0]'),
      problem('HZ-MR-102', 'materials[0].condition', 'only a CONDITIONAL material has a condition'),
      problem('HZ-MR-102', 'steps[2]', 'REVIEW must come before APPROVAL'),
      problem('HZ-MR-102', 'steps[2]', 'the last step must be CONCLUSION'),
      problem('HZ-MR-102', 'onTheSpot', 'a committed limit of 0 days means the item is completed on the spot'),
      problem('HZ-MR-102', 'fees[0].amountYuan', 'a free item lists no fees'),
      problem('HZ-MR-102', 'dependsOn[0]', 'no item with code HZ-XX-999 in this catalogue'),
      problem('HZ-MR-102', 'dependsOn[1]', 'an item cannot depend on itself'),
      // An item without a code is named by its position.
      problem(null, '$.items[2].code', 'is required'),
      problem(null, '$.items[2].name', 'must not be empty'),
      problem(null, '$.items[2].audience', 'is required (one of ENTERPRISE, PERSON)'),
      problem(null, '$.items[2].acceptedAt', 'is required'),
      problem(null, '$.items[2].onTheSpot', 'is required'),
      problem(null, '$.items[2].conditions', 'is required'),
      problem(null, '$.items[2].legalBasis', 'is required'),
      problem(null, '$.items[2].materials', 'is required'),
      problem(null, '$.items[2].steps', 'is required'),
      problem(null, '$.items[2].statutoryLimitDays', 'is required'),
      problem(null, '$.items[2].committedLimitDays', 'is required'),
      problem(null, '$.items[2].online', 'is required'),
      problem(null, '$.items[3]', 'must be a mapping (one item), not "just a string"'),
      // The second HZ-MR-101.
      problem('HZ-MR-101', 'code', 'duplicate item code: also used by $.items[0] (line 2)'),
    ];
    for (const e of expected) expect(problems).toContainEqual(e);
    expect(problems).toHaveLength(expected.length);
    expect(problems.every((p) => p.file === 'bad.yaml')).toBe(true);

    // Each problem points at its line, and the list reads top to bottom.
    const at = (item: string | null, path: string) => problems.find((p) => p.item === item && p.path === path)?.line;
    expect(at('HZ-MR-101', 'audience')).toBe(5);
    expect(at('HZ-MR-101', 'materials[1].copies')).toBe(13);
    expect(at('HZ-MR-101', 'online')).toBe(2); // missing: the line where the item starts
    expect(at('HZ-MR-102', 'dependsOn[0]')).toBe(38);
    expect(at(null, '$.items[3]')).toBe(43);
    const lines = problems.map((p) => p.line ?? 0);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it('reports YAML syntax errors with their line', () => {
    const duplicateKey = `items:\n  - code: HZ-MR-001\n    name: 企业设立登记\n    name: 企业变更登记\n`;
    expect(problemsOf(duplicateKey)).toEqual([
      {
        file: 'test.yaml',
        item: null,
        path: '$',
        message: expect.stringMatching(/unique.*line 4/) as unknown,
        line: 4,
      },
    ]);
    const unterminated = `items:\n  - code: HZ-MR-001\n    name: "企业设立登记\n`;
    const [p] = problemsOf(unterminated);
    expect(p).toMatchObject({ item: null, path: '$', line: 4 });
    expect(p!.message).toMatch(/^YAML syntax: Missing closing "quote \(line 4, column 1\)$/);
  });

  it('reports the file-level shape', () => {
    expect(problemsOf('')).toEqual([problem(null, '$', 'the file is empty')]);
    expect(problemsOf('- code: HZ-MR-001\n')).toEqual([problem(null, '$', 'expected a mapping with an `items:` list')]);
    expect(problemsOf('title: 明白册\nitems: []\n')).toEqual([
      problem(null, '$.title', 'unknown field'),
      problem(null, '$.items', 'must list at least one item'),
    ]);
  });

  it('reports a dependsOn cycle, naming the items in it', () => {
    const text = catalogueToYaml([
      item('HZ-MR-001', { dependsOn: ['HZ-MR-003'] }),
      item('HZ-MR-002', { dependsOn: ['HZ-MR-001'] }),
      item('HZ-MR-003', { dependsOn: ['HZ-MR-002'] }),
      item('HZ-MR-004', { dependsOn: ['HZ-MR-001'] }), // depends on the cycle, is not part of it
      item('HZ-MR-005', { dependsOn: ['HZ-MR-006'] }),
      item('HZ-MR-006', { dependsOn: ['HZ-MR-005'] }),
    ]);
    expect(problemsOf(text)).toEqual([
      problem('HZ-MR-001', 'dependsOn[0]', 'dependsOn cycle: HZ-MR-001 → HZ-MR-003 → HZ-MR-002 → HZ-MR-001'),
      problem('HZ-MR-005', 'dependsOn[0]', 'dependsOn cycle: HZ-MR-005 → HZ-MR-006 → HZ-MR-005'),
    ]);
  });

  it('accepts a dependency DAG with shared prerequisites', () => {
    const items = itemsOf(
      catalogueToYaml([
        item('HZ-MR-001'),
        item('HZ-MR-002', { dependsOn: ['HZ-MR-001'] }),
        item('HZ-MR-003', { dependsOn: ['HZ-MR-001', 'HZ-MR-002'] }),
      ]),
    );
    expect(items.map((i) => i.dependsOn)).toEqual([[], ['HZ-MR-001'], ['HZ-MR-001', 'HZ-MR-002']]);
  });

  it('reports unknown departments and licence types, listing the known ones', () => {
    const problems = problemsOf(
      catalogueToYaml([item('HZ-PS-001', { departmentCode: 'PS', producesLicenceType: 'RESIDENCE_PERMIT' })]),
    );
    expect(problems).toEqual([
      problem(
        'HZ-PS-001',
        'departmentCode',
        'unknown department PS (known: MR, HC, EE, FR, HE, LE, GSC, ST-JNZ, ST-BJ)',
      ),
      problem('HZ-PS-001', 'producesLicenceType', 'unknown licence type RESIDENCE_PERMIT (known: CONSTRUCTION_PERMIT'),
    ]);
  });

  it('fills the optional lists and the licence type with their defaults', () => {
    const text = `items:
  - code: HZ-ST-BJ-001
    name: 失业登记
    departmentCode: ST-BJ
    audience: PERSON
    acceptedAt: [COMMUNITY_STATION]
    onTheSpot: true
    conditions: [处于无业状态]
    legalBasis: [《就业服务与就业管理规定》]
    materials: [{code: M01, name: 居民身份证, form: ORIGINAL, copies: 1, requirement: REQUIRED}]
    steps: [ACCEPTANCE, CONCLUSION]
    statutoryLimitDays: 0
    committedLimitDays: 0
    online: FULLY_ONLINE
`;
    expect(itemsOf(text)[0]).toMatchObject({ specialStages: [], fees: [], dependsOn: [], producesLicenceType: null });
  });

  it('keeps fee amounts exact and optional fields through the round trip', () => {
    const items = [
      item('HZ-ST-JNZ-003', {
        departmentCode: 'ST-JNZ',
        fees: [{ name: '居住证工本费', amountYuan: '20.00', basis: '《居住证暂行条例》' }],
        materials: [
          {
            code: 'M01',
            name: '原居住证',
            form: 'ORIGINAL',
            copies: 1,
            requirement: 'CONDITIONAL',
            condition: '换领的',
            note: '收回',
          },
        ],
        consultationPhone: '020-89000008',
        supervisionPhone: '12345',
      }),
    ];
    const back = itemsOf(catalogueToYaml(items));
    expect(back).toEqual(items);
    expect(back[0]!.fees[0]!.amountYuan).toBe('20.00');
  });

  it('reads shared sources, and reports them on personal items, without a licence type or of an unknown type', () => {
    const material = (code: string, shared: CatalogueItem['materials'][number]['shared']) => ({
      code,
      name: `材料${code}`,
      form: 'COPY' as const,
      copies: 1,
      requirement: 'REQUIRED' as const,
      shared,
    });
    const good = item('HZ-MR-005', {
      materials: [
        material('M01', { source: 'SUBJECT_REGISTRATION' }),
        material('M02', { source: 'LICENCE', licenceType: 'FOOD_BUSINESS_LICENCE' }),
      ],
    });
    expect(itemsOf(catalogueToYaml([good]))).toEqual([good]);
    expect(catalogueToYaml([good])).toContain('shared: { source: LICENCE, licenceType: FOOD_BUSINESS_LICENCE }');

    const problems = problemsOf(
      catalogueToYaml([
        item('HZ-ST-BJ-009', {
          departmentCode: 'ST-BJ',
          audience: 'PERSON',
          materials: [material('M01', { source: 'SUBJECT_REGISTRATION' })],
        }),
        item('HZ-MR-010', { materials: [material('M01', { source: 'LICENCE', licenceType: 'PILOT_LICENCE' })] }),
      ]),
    );
    expect(problems).toEqual([
      problem('HZ-ST-BJ-009', 'materials[0].shared', 'a material of a PERSON item cannot be shared'),
      problem('HZ-MR-010', 'materials[0].shared.licenceType', 'unknown licence type PILOT_LICENCE'),
    ]);
    const noType = problemsOf(catalogueToYaml([good]).replace(', licenceType: FOOD_BUSINESS_LICENCE', ''));
    expect(noType).toEqual([problem('HZ-MR-005', 'materials[1].shared.licenceType', 'is required')]);
  });
});
