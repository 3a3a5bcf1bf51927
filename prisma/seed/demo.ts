/**
 * Demo data for a new hub: Haizhu district's departments, a few department systems with API
 * keys, and enterprises with valid USCCs. Idempotent: running it again adds nothing.
 */
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import type { DepartmentKind, EnterpriseStatus, EnterpriseType } from '../../src/generated/prisma/enums.js';
import { createApiKey } from '../../src/platform/auth/api-keys.js';
import type { Scope } from '../../src/platform/auth/scopes.js';
import { makeUscc, USCC_CHARSET } from '../../src/platform/uscc.js';
import { seedApprovals } from './approvals.js';
import { seedApprovalWorkflow } from './cases.js';
import { seedHall, type HallSeedResult } from './hall.js';
import type { FileStorage } from '../../src/platform/storage/index.js';
import { seedJointDemo } from './joint-demo.js';

export const DEMO_DEPARTMENTS: { code: string; name: string; kind: DepartmentKind; phone: string }[] = [
  { code: 'MR', name: '海珠区市场监督管理局', kind: 'MARKET_REGULATION', phone: '020-89000001' },
  { code: 'HC', name: '海珠区住房和建设局', kind: 'HOUSING_CONSTRUCTION', phone: '020-89000002' },
  { code: 'EE', name: '广州市生态环境局海珠分局', kind: 'ECOLOGY_ENVIRONMENT', phone: '020-89000003' },
  { code: 'FR', name: '海珠区消防救援大队', kind: 'FIRE_RESCUE', phone: '020-89000004' },
  { code: 'HE', name: '海珠区卫生健康局', kind: 'HEALTH', phone: '020-89000005' },
  { code: 'LE', name: '海珠区城市管理和综合执法局', kind: 'LAW_ENFORCEMENT', phone: '020-89000006' },
  { code: 'GSC', name: '海珠区政务服务中心', kind: 'APPROVAL_CENTRE', phone: '020-89000007' },
  { code: 'ST-JNZ', name: '江南中街道政务服务中心', kind: 'STREET_OFFICE', phone: '020-89000008' },
  { code: 'ST-BJ', name: '滨江街道政务服务中心', kind: 'STREET_OFFICE', phone: '020-89000009' },
];

export const DEMO_SYSTEMS: { department: string; name: string; scopes: Scope[] }[] = [
  {
    department: 'MR',
    name: 'market-registry',
    scopes: [
      'enterprise:register',
      'enterprise:update',
      'enterprise:read-personal',
      'directory:read',
      'licence:issue',
      'licence:amend',
      'licence:suspend',
      'licence:revoke',
      'licence:cancel',
      'penalty:decide',
      'penalty:credit-repair',
      'ingest:write',
      'ingest:read',
      'case:handle',
      'case:read',
      'booking:admin',
      'hall:answer',
    ],
  },
  {
    department: 'HC',
    name: 'construction-approvals',
    scopes: [
      'licence:issue',
      'licence:amend',
      'licence:suspend',
      'licence:revoke',
      'licence:cancel',
      'ingest:write',
      'ingest:read',
      'case:handle',
      'case:read',
    ],
  },
  {
    department: 'LE',
    name: 'law-enforcement',
    scopes: [
      'penalty:decide',
      'penalty:credit-repair',
      'penalty:read',
      'ingest:write',
      'ingest:read',
      'case:handle',
      'case:read',
    ],
  },
  // Case handling in every department that owns catalogue items, so each item can be walked end to end.
  {
    department: 'EE',
    name: 'environment-approvals',
    scopes: ['licence:issue', 'licence:amend', 'case:handle', 'case:read'],
  },
  {
    department: 'FR',
    name: 'fire-approvals',
    scopes: ['licence:issue', 'licence:amend', 'case:handle', 'case:read', 'hall:answer'],
  },
  {
    department: 'HE',
    name: 'health-approvals',
    scopes: ['licence:issue', 'licence:amend', 'case:handle', 'case:read', 'booking:admin', 'hall:answer'],
  },
  { department: 'ST-JNZ', name: 'jiangnanzhong-window', scopes: ['case:accept', 'case:handle', 'case:read'] },
  { department: 'ST-BJ', name: 'binjiang-window', scopes: ['case:accept', 'case:handle', 'case:read'] },
  {
    department: 'GSC',
    name: 'approval-platform',
    scopes: ['enterprise:read-personal', 'directory:read', 'penalty:read'],
  },
  { department: 'ST-JNZ', name: 'community-platform', scopes: ['feed:read', 'feed:webhooks'] },
  // The district's supervisors (效能监察): the read audit, the dashboard at /supervision, reports, callbacks.
  {
    department: 'GSC',
    name: 'supervision',
    scopes: ['audit:read', 'directory:read', 'supervision:read', 'supervision:write'],
  },
  {
    department: 'GSC',
    name: 'one-window',
    scopes: ['case:accept', 'case:handle', 'case:read', 'catalogue:admin', 'calendar:admin'],
  },
];

const STREETS = [
  '赤岗街道',
  '新港街道',
  '昌岗街道',
  '江南中街道',
  '滨江街道',
  '素社街道',
  '海幢街道',
  '南华西街道',
  '琶洲街道',
  '南洲街道',
  '华洲街道',
  '官洲街道',
];
const NAMES = [
  '珠江',
  '琶洲',
  '南华',
  '海幢',
  '宝岗',
  '晓港',
  '瑞宝',
  '新港',
  '赤岗',
  '龙凤',
  '凤阳',
  '江海',
  '沙园',
  '工业大道',
  '广纸',
  '滨江',
  '昌岗',
  '素社',
  '南石头',
  '官洲',
];
const TRADES = [
  ['科技', '软件开发；信息技术咨询服务；数据处理服务'],
  ['餐饮管理', '餐饮服务；食品销售；餐饮管理'],
  ['建筑工程', '房屋建筑工程施工；市政公用工程施工；建筑装饰'],
  ['贸易', '货物进出口；日用百货销售；服装批发'],
  ['医疗器械', '第二类医疗器械销售；医疗器械技术咨询'],
  ['物流', '道路货物运输；仓储服务；国内货运代理'],
  ['文化传媒', '广告设计、代理；会议及展览服务；文艺创作'],
  ['纺织服装', '服装制造；服饰批发；面料销售'],
] as const;
const TYPES: EnterpriseType[] = [
  'LIMITED_LIABILITY_COMPANY',
  'LIMITED_LIABILITY_COMPANY',
  'JOINT_STOCK_COMPANY',
  'SOLE_PROPRIETORSHIP',
  'PARTNERSHIP',
  'INDIVIDUAL_BUSINESS',
];
const SURNAMES = ['陈', '李', '黄', '张', '梁', '林', '刘', '吴', '何', '郭'];
const GIVEN = ['伟', '芳', '敏', '静', '强', '磊', '洋', '艳', '杰', '娟'];

/** A small deterministic generator, so the demo looks the same on every machine. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function residentId(rand: () => number): string {
  const birth = new Date(
    Date.UTC(1960 + Math.floor(rand() * 40), Math.floor(rand() * 12), 1 + Math.floor(rand() * 28)),
  );
  const body = `440105${birth.toISOString().slice(0, 10).replaceAll('-', '')}${String(Math.floor(rand() * 999)).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = w.reduce((acc, x, i) => acc + x * Number(body[i]), 0);
  return body + '10X98765432'[sum % 11];
}

export interface DemoEnterprise {
  uscc: string;
  name: string;
  type: EnterpriseType;
  legalRepresentative: string;
  legalRepresentativeIdNumber: string;
  registeredCapital: string;
  establishedOn: Date;
  registrationAuthorityCode: string;
  address: string;
  street: string;
  businessScope: string;
  status: EnterpriseStatus;
  contactPhone: string;
}

/** The i-th demo enterprise (deterministic). */
export function demoEnterprise(i: number): DemoEnterprise {
  const rand = rng(i + 1);
  const org = Array.from({ length: 9 }, () => USCC_CHARSET[Math.floor(rand() * 31)]).join('');
  const type = TYPES[i % TYPES.length]!;
  // The USCC's first two characters say what kind of body it is: 91 enterprise, 92 individual business, 93 cooperative.
  const kind = type === 'INDIVIDUAL_BUSINESS' ? '92' : type === 'FARMERS_COOPERATIVE' ? '93' : '91';
  const uscc = makeUscc(`${kind}440105${org}`);
  const [trade, scope] = TRADES[i % TRADES.length]!;
  const street = STREETS[i % STREETS.length]!;
  const brand = NAMES[Math.floor(rand() * NAMES.length)]!;
  return {
    uscc,
    name: `广州${brand}${trade}有限公司${i >= NAMES.length ? `（${i}）` : ''}`,
    type,
    legalRepresentative: SURNAMES[i % SURNAMES.length]! + GIVEN[Math.floor(rand() * GIVEN.length)]!,
    legalRepresentativeIdNumber: residentId(rand),
    registeredCapital: `${(1 + Math.floor(rand() * 500)) * 10000}.00`,
    establishedOn: new Date(
      Date.UTC(2000 + Math.floor(rand() * 25), Math.floor(rand() * 12), 1 + Math.floor(rand() * 28)),
    ),
    registrationAuthorityCode: 'MR',
    address: `广州市海珠区${street.replace('街道', '')}路${1 + Math.floor(rand() * 300)}号`,
    street,
    businessScope: scope,
    status: i % 17 === 16 ? 'CANCELLED' : i % 13 === 12 ? 'REVOKED' : 'ACTIVE',
    contactPhone: `13${Math.floor(100000000 + rand() * 899999999)}`,
  };
}

/**
 * Licence types the comprehensive law-enforcement bureau (综合执法局) may suspend or revoke
 * without issuing them: the powers transferred to it under Guangdong's relatively concentrated
 * administrative penalty power (相对集中行政处罚权) reform. Other departments act only on their own types.
 */
export const DEMO_ENFORCEMENT_DELEGATIONS: {
  department: string;
  licenceType: string;
  basis: string;
  validFrom: Date;
}[] = [
  {
    department: 'LE',
    licenceType: 'CONSTRUCTION_PERMIT',
    basis:
      '《广东省人民政府关于乡镇街道综合行政执法的公告》（粤府函〔2020〕136号）；住房城乡建设领域行政处罚权划转目录',
    validFrom: new Date(Date.UTC(2020, 7, 1)),
  },
  {
    department: 'LE',
    licenceType: 'DISCHARGE_PERMIT',
    basis: '《广东省人民政府关于乡镇街道综合行政执法的公告》（粤府函〔2020〕136号）；生态环境领域行政处罚权划转目录',
    validFrom: new Date(Date.UTC(2020, 7, 1)),
  },
  {
    department: 'LE',
    licenceType: 'FOOD_BUSINESS_LICENCE',
    basis: '海珠区相对集中行政处罚权实施方案：市场监管领域（食品经营）部分行政处罚权划转',
    validFrom: new Date(Date.UTC(2020, 7, 1)),
  },
];

/** Records the demo delegations (needs the departments and licence types); idempotent. */
export async function seedEnforcementDelegations(prisma: PrismaClient): Promise<void> {
  await prisma.enforcementDelegation.createMany({
    data: DEMO_ENFORCEMENT_DELEGATIONS.map((d) => ({
      departmentCode: d.department,
      licenceTypeCode: d.licenceType,
      basis: d.basis,
      validFrom: d.validFrom,
    })),
    skipDuplicates: true,
  });
}

export interface SeedResult {
  departments: number;
  enterprises: number;
  licences: number;
  penalties: number;
  serviceItems: number;
  cases: number;
  /** Demo joint applications added by this run. */
  jointApplications: number;
  /** Plain API keys of the demo systems created by this run (empty when they existed). */
  keys: { system: string; scopes: string[]; key: string }[];
  hall: HallSeedResult;
}

/** The district's departments (reference data every other record points to). */
export async function seedDepartments(prisma: PrismaClient): Promise<void> {
  for (const d of DEMO_DEPARTMENTS) {
    await prisma.department.upsert({
      where: { code: d.code },
      create: { code: d.code, name: d.name, kind: d.kind, consultationPhone: d.phone, supervisionPhone: '12345' },
      update: {},
    });
  }
}

/** One finished step of the demo seed, for progress output: the n-th of `of`, and how long it took. */
export interface SeedStep {
  step: string;
  n: number;
  of: number;
  ms: number;
}

/** The steps of `seedDemo`, in order (progress output counts them). */
export const SEED_STEPS = [
  'departments',
  'systems and keys',
  'enterprises',
  'licences and penalties',
  'enforcement delegations',
  'catalogue and cases',
  'joint approvals',
  'online hall',
] as const;

/**
 * Everything above. `files` stores the demo drafts' uploads (the hub's DATA_DIR storage); without
 * it the drafts are seeded without files. `onStep` hears of each finished step (progress output).
 */
export async function seedDemo(
  prisma: PrismaClient,
  enterpriseCount = 40,
  opts: { files?: FileStorage; onStep?: (s: SeedStep) => void } = {},
): Promise<SeedResult> {
  let n = 0;
  const step = async <T>(name: (typeof SEED_STEPS)[number], fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const r = await fn();
    opts.onStep?.({ step: name, n: ++n, of: SEED_STEPS.length, ms: Math.round(performance.now() - started) });
    return r;
  };
  await step('departments', () => seedDepartments(prisma));
  const keys = await step('systems and keys', () => seedSystems(prisma));
  const rows = await step('enterprises', () => seedEnterprises(prisma, enterpriseCount));
  const approvals = await step('licences and penalties', () => seedApprovals(prisma, rows.usccs));
  await step('enforcement delegations', () => seedEnforcementDelegations(prisma));
  const workflow = await step('catalogue and cases', () => seedApprovalWorkflow(prisma));
  const joint = await step('joint approvals', () => seedJointDemo(prisma, rows.usccs));
  const hall = await step('online hall', () => seedHall(prisma, { files: opts.files }));
  return {
    departments: DEMO_DEPARTMENTS.length,
    enterprises: rows.created,
    keys,
    ...approvals,
    ...workflow,
    ...joint,
    hall,
  };
}

/** The demo department systems, with a key for each one made now. */
async function seedSystems(prisma: PrismaClient): Promise<SeedResult['keys']> {
  const keys: SeedResult['keys'] = [];
  for (const s of DEMO_SYSTEMS) {
    const existing = await prisma.departmentSystem.findUnique({
      where: { departmentCode_name: { departmentCode: s.department, name: s.name } },
    });
    if (existing) {
      // A demo system made by an older demo gains the scopes the demo gives it now (never loses any).
      const missing = s.scopes.filter((x) => !existing.scopes.includes(x));
      if (missing.length > 0)
        await prisma.departmentSystem.update({
          where: { id: existing.id },
          data: { scopes: [...existing.scopes, ...missing] },
        });
      continue;
    }
    const system = await prisma.departmentSystem.create({
      data: { departmentCode: s.department, name: s.name, scopes: s.scopes },
    });
    keys.push({ system: s.name, scopes: s.scopes, key: await createApiKey(prisma, system.id) });
  }
  return keys;
}

/** The demo enterprises, registered by the market registry's system. */
async function seedEnterprises(
  prisma: PrismaClient,
  enterpriseCount: number,
): Promise<{ usccs: string[]; created: number }> {
  const registry = await prisma.departmentSystem.findUniqueOrThrow({
    where: { departmentCode_name: { departmentCode: 'MR', name: 'market-registry' } },
  });
  const rows = Array.from({ length: enterpriseCount }, (_, i) => ({
    ...demoEnterprise(i),
    sourceSystemId: registry.id,
    sourceRecordId: `MR-${String(i + 1).padStart(6, '0')}`,
    sourceVersion: 1,
  }));
  const created = await prisma.enterprise.createMany({ data: rows, skipDuplicates: true });
  return { usccs: rows.map((r) => r.uscc), created: created.count };
}
