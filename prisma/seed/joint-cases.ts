/**
 * Joint applications (并联审批) as rows, for the demo and the case generator: one application, one
 * branch case per item accepted the same day at one window, each branch concluded after its own
 * working days (or still open), an optional clock-stopping stage; the application's stored figures
 * are those the hub computes (jointFigures), so statistics over generated rows mean what they say.
 */
import { randomUUID } from 'node:crypto';
import type { JointService, Prisma, ServiceItem } from '../../src/generated/prisma/client.js';
import type { CaseChannel, CaseState, PauseKind } from '../../src/generated/prisma/enums.js';
import {
  fromLocal,
  itemMaterials,
  jointFigures,
  type JointBranch,
  type LocalDate,
  type Pause,
  type WorkingCalendar,
} from '../../src/modules/approvals/index.js';

export interface BranchPlan {
  itemCode: string;
  /** Working days the branch takes (its pause not counted); ignored when `open`. */
  usedDays: number;
  outcome?: 'APPROVED' | 'REJECTED';
  /** The branch is still being handled, in this state. */
  open?: Extract<CaseState, 'ACCEPTED' | 'UNDERTAKEN' | 'REVIEWED'>;
  /** A clock-stopping stage: starts `after` working days after acceptance and lasts `days` working days. */
  pause?: { kind: PauseKind; after: number; days: number };
}

export interface JointPlan {
  /** The application's receipt number; branch i gets `${receiptNumber}-${i + 1}`. */
  receiptNumber: string;
  verificationCode: string;
  service: JointService;
  items: Map<string, ServiceItem>;
  acceptedOn: LocalDate;
  /** Day the rows describe: nothing concludes after it. */
  asOf: LocalDate;
  projectName: string | null;
  applicant: { uscc: string | null; name: string; phone: string };
  channel: CaseChannel;
  branches: BranchPlan[];
  /**
   * Record each item's required materials as received at acceptance (those the libraries hold
   * left out), so the demo's receipts list what a window would have taken; the generator's rows
   * record none.
   */
  withMaterials?: boolean;
}

export interface JointRows {
  application: Prisma.JointApplicationCreateManyInput;
  cases: Prisma.CaseCreateManyInput[];
  pauses: Prisma.CasePauseCreateManyInput[];
  /** The application's stored figures. */
  usedWorkingDays: number | null;
  serialLimitDays: number;
}

/** What a window takes for an item when nothing is missing: its required materials, those the libraries hold left out. */
export function receivedAtAcceptance(item: Pick<ServiceItem, 'code' | 'materials'>): Prisma.InputJsonArray {
  return itemMaterials(item)
    .filter((m) => m.requirement === 'REQUIRED' && !m.shared)
    .map((m) => ({ code: m.code, name: m.name, copies: m.copies }));
}

const at = (day: LocalDate, hhmm: string) => new Date(`${day}T${hhmm}:00.000+08:00`);

/** The rows of one joint application as the hub would have stored them by `asOf`. */
export function jointRows(p: JointPlan, calendar: WorkingCalendar): JointRows {
  const id = randomUUID();
  const cases: Prisma.CaseCreateManyInput[] = [];
  const pauses: Prisma.CasePauseCreateManyInput[] = [];
  const branches: JointBranch[] = [];
  p.branches.forEach((b, i) => {
    const item = p.items.get(b.itemCode);
    if (!item) throw new Error(`joint demo: no item ${b.itemCode} in the catalogue`);
    const caseId = randomUUID();
    const limit = item.committedLimitDays;
    let casePauses: Pause[] = [];
    if (b.pause) {
      const from = calendar.addWorkingDays(p.acceptedOn, b.pause.after);
      casePauses = [{ from, to: calendar.addWorkingDays(from, b.pause.days) }];
    }
    let concludedOn: LocalDate | null = b.open
      ? null
      : calendar.deadline({ acceptedOn: p.acceptedOn, limit: b.usedDays, pauses: casePauses });
    if (concludedOn && concludedOn > p.asOf) concludedOn = null;
    // An open case is generated with its clock running (its stage, if any, not begun yet).
    if (!concludedOn) casePauses = [];
    const deadline = calendar.deadline({ acceptedOn: p.acceptedOn, limit, pauses: casePauses });
    const state: CaseState = concludedOn ? 'CONCLUDED' : (b.open ?? 'REVIEWED');
    const outcome = concludedOn ? (b.outcome ?? 'APPROVED') : null;
    for (const pause of casePauses)
      pauses.push({
        caseId,
        kind: b.pause?.kind ?? 'OTHER',
        fromDate: fromLocal(pause.from),
        toDate: pause.to ? fromLocal(pause.to) : null,
        reason: '特殊环节（演示数据）',
      });
    cases.push({
      id: caseId,
      receiptNumber: `${p.receiptNumber}-${i + 1}`,
      verificationCode: p.verificationCode,
      itemCode: item.code,
      departmentCode: item.departmentCode,
      channel: p.channel,
      acceptancePlace: 'DISTRICT_CENTRE',
      applicantUscc: p.applicant.uscc,
      applicantName: p.applicant.name,
      applicantPhone: p.applicant.phone,
      state,
      outcome,
      submittedAt: at(p.acceptedOn, '09:30'),
      acceptedAt: at(p.acceptedOn, '09:30'),
      acceptedOn: fromLocal(p.acceptedOn),
      limitDays: limit,
      deadline: fromLocal(deadline),
      concludedAt: concludedOn ? at(concludedOn, '16:30') : null,
      concludedOn: concludedOn ? fromLocal(concludedOn) : null,
      usedWorkingDays: concludedOn ? calendar.countWorkingDays(p.acceptedOn, concludedOn, casePauses) : null,
      onTime: concludedOn ? concludedOn <= deadline : null,
      fullyOnline: false,
      materialsReceived: p.withMaterials ? receivedAtAcceptance(item) : [],
      missingMaterials: [],
      jointApplicationId: id,
    });
    branches.push({
      state,
      outcome,
      acceptedOn: fromLocal(p.acceptedOn),
      concludedOn: concludedOn ? fromLocal(concludedOn) : null,
      pauses: casePauses,
    });
  });
  const f = jointFigures({ jointLimitDays: p.service.jointLimitDays }, branches, calendar, p.asOf);
  const serialLimitDays = p.service.itemCodes.reduce((s, c) => s + (p.items.get(c)?.statutoryLimitDays ?? 0), 0);
  return {
    application: {
      id,
      receiptNumber: p.receiptNumber,
      verificationCode: p.verificationCode,
      serviceCode: p.service.code,
      leadDepartmentCode: p.service.leadDepartmentCode,
      applicantUscc: p.applicant.uscc,
      applicantName: p.applicant.name,
      applicantPhone: p.applicant.phone,
      channel: p.channel,
      submittedAt: at(p.acceptedOn, '09:30'),
      acceptedOn: f.acceptedOn ? fromLocal(f.acceptedOn) : null,
      jointLimitDays: p.service.jointLimitDays,
      serialLimitDays,
      concludedOn: f.concludedOn ? fromLocal(f.concludedOn) : null,
      outcome: f.outcome,
      usedWorkingDays: f.usedWorkingDays,
      onTime: f.onTime,
      projectName: p.projectName,
    },
    cases,
    pauses,
    usedWorkingDays: f.usedWorkingDays,
    serialLimitDays,
  };
}

/** Writes joint applications' rows: applications first (branches point to them). */
export async function insertJointRows(prisma: Prisma.TransactionClient, rows: JointRows[]): Promise<void> {
  if (rows.length === 0) return;
  await prisma.jointApplication.createMany({ data: rows.map((r) => r.application) });
  await prisma.case.createMany({ data: rows.flatMap((r) => r.cases) });
  const pauses = rows.flatMap((r) => r.pauses);
  if (pauses.length) await prisma.casePause.createMany({ data: pauses });
}
