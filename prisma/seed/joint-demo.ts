/**
 * Demo of joint approval and order-style service: joint applications of the sample joint services
 * (enterprise start-up HZ-JS-001, construction project HZ-JS-002) for key projects of the demo
 * enterprises (some concluded, one rejected, one in progress, one past its joint deadline: red),
 * and an order-style plan of a construction company's key project whose nodes are its cases.
 * Dates are relative to today. Each branch records its item's required materials as received, so
 * the demo's receipts list them. Idempotent: keyed by the demo receipt numbers and the plan's id.
 */
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import {
  addDays,
  loadWorkingCalendar,
  shanghaiToday,
  fromLocal,
  type LocalDate,
  type WorkingCalendar,
} from '../../src/modules/approvals/index.js';
import { insertJointRows, jointRows, receivedAtAcceptance, type BranchPlan } from './joint-cases.js';

/** The demo plan's fixed id: /plans/5e1f0000-0000-4000-8000-000000000001 on every demo hub. */
export const DEMO_PLAN_ID = '5e1f0000-0000-4000-8000-000000000001';
const DEMO_PROJECT = '琶洲数字经济总部大楼';

/** The working day `n` working days before `day`. */
function workingDaysBefore(calendar: WorkingCalendar, day: LocalDate, n: number): LocalDate {
  let d = day;
  for (let left = n; left > 0;) {
    d = addDays(d, -1);
    if (calendar.isWorkingDay(d)) left -= 1;
  }
  return d;
}

interface DemoJoint {
  suffix: string;
  service: 'HZ-JS-001' | 'HZ-JS-002';
  /** Accepted this many working days before today. */
  ago: number;
  project: string | null;
  enterprise: number;
  branches: BranchPlan[];
}

const DEMO_JOINTS: DemoJoint[] = [
  {
    suffix: '01',
    service: 'HZ-JS-002',
    ago: 70,
    project: DEMO_PROJECT,
    enterprise: 2,
    branches: [
      { itemCode: 'HZ-HC-001', usedDays: 8 },
      // The environmental review's expert panel (art. 45) stops both clocks for five working days.
      { itemCode: 'HZ-EE-001', usedDays: 12, pause: { kind: 'EXPERT_REVIEW', after: 4, days: 5 } },
    ],
  },
  {
    suffix: '02',
    service: 'HZ-JS-002',
    ago: 55,
    project: '海珠湿地生态配套项目',
    enterprise: 10,
    branches: [
      { itemCode: 'HZ-HC-001', usedDays: 6 },
      { itemCode: 'HZ-EE-001', usedDays: 9 },
    ],
  },
  {
    suffix: '03',
    service: 'HZ-JS-001',
    ago: 40,
    project: null,
    enterprise: 1,
    branches: [
      { itemCode: 'HZ-MR-005', usedDays: 3 },
      { itemCode: 'HZ-HE-001', usedDays: 5 },
    ],
  },
  {
    suffix: '04',
    service: 'HZ-JS-001',
    ago: 30,
    project: null,
    enterprise: 9,
    branches: [
      { itemCode: 'HZ-MR-005', usedDays: 4 },
      // The site inspection failed: the branch is rejected, so the joint application is too.
      { itemCode: 'HZ-HE-001', usedDays: 7, outcome: 'REJECTED' },
    ],
  },
  {
    suffix: '05',
    service: 'HZ-JS-001',
    ago: 3,
    project: null,
    enterprise: 17,
    branches: [
      { itemCode: 'HZ-MR-005', usedDays: 2 },
      { itemCode: 'HZ-HE-001', usedDays: 0, open: 'UNDERTAKEN' },
    ],
  },
  {
    suffix: '06',
    service: 'HZ-JS-002',
    ago: 24,
    project: '广州塔南广场改造工程',
    enterprise: 18,
    branches: [
      { itemCode: 'HZ-HC-001', usedDays: 9 },
      // Still under review 24 working days on: past its own limit and past the joint limit (red).
      { itemCode: 'HZ-EE-001', usedDays: 0, open: 'REVIEWED' },
    ],
  },
];

/** The demo's key project plan (订单式服务): design review to opening. */
const PLAN_ITEMS = [
  'HZ-HC-001',
  'HZ-EE-001',
  'HZ-HC-002',
  'HZ-EE-005',
  'HZ-LE-001',
  'HZ-HC-003',
  'HZ-HC-004',
  'HZ-HC-005',
  'HZ-FR-001',
  'HZ-EE-002',
  'HZ-MR-009',
  'HZ-MR-005',
  'HZ-HE-001',
  'HZ-LE-002',
];
const PLAN_ORDER = [
  // The catering and public venue licences of the building's food court follow the fire check.
  { itemCode: 'HZ-MR-005', dependsOn: 'HZ-FR-001' },
  { itemCode: 'HZ-HE-001', dependsOn: 'HZ-FR-001' },
  { itemCode: 'HZ-MR-009', dependsOn: 'HZ-HC-005' },
  { itemCode: 'HZ-LE-002', dependsOn: 'HZ-HC-005' },
];

/** Seeds the demo joint applications and the demo plan; returns how many applications were added. */
export async function seedJointDemo(prisma: PrismaClient, usccs: string[]): Promise<{ jointApplications: number }> {
  const today = shanghaiToday();
  const calendar = await loadWorkingCalendar(prisma);
  const [services, items, enterprises] = await Promise.all([
    prisma.jointService.findMany({ where: { code: { in: ['HZ-JS-001', 'HZ-JS-002'] } } }),
    prisma.serviceItem.findMany(),
    prisma.enterprise.findMany({
      where: { uscc: { in: usccs } },
      select: { uscc: true, name: true, contactPhone: true },
    }),
  ]);
  const itemsByCode = new Map(items.map((i) => [i.code, i]));
  const byUscc = new Map(enterprises.map((e) => [e.uscc, e]));
  const existing = new Set(
    (
      await prisma.jointApplication.findMany({
        where: { receiptNumber: { startsWith: 'HZJDEMO' } },
        select: { receiptNumber: true },
      })
    ).map((a) => a.receiptNumber),
  );
  const rows = DEMO_JOINTS.flatMap((d) => {
    const receiptNumber = `HZJDEMO${d.suffix}`;
    const service = services.find((s) => s.code === d.service);
    const enterprise = byUscc.get(usccs[d.enterprise % usccs.length] ?? '');
    if (existing.has(receiptNumber) || !service || !enterprise) return [];
    return [
      jointRows(
        {
          receiptNumber,
          verificationCode: `DEMO${d.suffix}`,
          service,
          items: itemsByCode,
          acceptedOn: workingDaysBefore(calendar, today, d.ago),
          asOf: today,
          projectName: d.project,
          applicant: { uscc: enterprise.uscc, name: enterprise.name, phone: enterprise.contactPhone ?? '13800138000' },
          channel: 'WINDOW',
          branches: d.branches,
          withMaterials: true,
        },
        calendar,
      ),
    ];
  });
  await prisma.$transaction((tx) => insertJointRows(tx, rows));
  // A demo database seeded before the demo recorded materials gains them, so its receipts list them too.
  for (const code of new Set(DEMO_JOINTS.flatMap((d) => d.branches.map((b) => b.itemCode)))) {
    const item = itemsByCode.get(code);
    if (item)
      await prisma.case.updateMany({
        where: { receiptNumber: { startsWith: 'HZJDEMO' }, itemCode: code, materialsReceived: { equals: [] } },
        data: { materialsReceived: receivedAtAcceptance(item) },
      });
  }

  // The plan of the first key project, for its enterprise: its joint design stage has concluded.
  const planUscc = usccs[2 % usccs.length];
  if (planUscc && PLAN_ITEMS.every((c) => itemsByCode.has(c)))
    await prisma.servicePlan.upsert({
      where: { id: DEMO_PLAN_ID },
      create: {
        id: DEMO_PLAN_ID,
        name: `${DEMO_PROJECT}（重点项目审批计划）`,
        applicantUscc: planUscc,
        itemCodes: PLAN_ITEMS,
        extraOrder: PLAN_ORDER,
        startOn: fromLocal(workingDaysBefore(calendar, today, 72)),
      },
      update: {},
    });
  return { jointApplications: rows.length };
}
