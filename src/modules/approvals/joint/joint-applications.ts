/**
 * Joint applications (并联审批): one application at one window with the union of the items'
 * materials (a shared material once) opens one branch case per item of the joint service, through
 * the ordinary submission rules; the departments handle their branches in parallel. The joint
 * application has one receipt, its own deadline (the joint limit from acceptance) and concludes
 * when every branch has concluded (REJECTED if any branch was rejected).
 */
import type { Case, CasePause, JointApplication, JointService, ServiceItem } from '../../../generated/prisma/client.js';
import type { CaseChannel, AcceptancePlace, CaseState, TrafficLight } from '../../../generated/prisma/enums.js';
import { assertScope } from '../../../platform/auth/caller.js';
import type { BaseContext } from '../../../platform/context.js';
import { badInput, notFound } from '../../../platform/errors.js';
import type { Pause, WorkingCalendar } from '../calendar/calendar.js';
import { fromLocal, loadWorkingCalendar, shanghaiToday, toLocal, type LocalDate } from '../calendar/store.js';
import { codeMatches, receiptNumber, verificationCode } from '../cases/receipt.js';
import { caseClock, pausesOf } from '../cases/shared.js';
import { submitCase, type SubmitCaseResult } from '../cases/submit.js';
import { sharedMaterialsOf } from './joint-catalogue.js';

export interface JointMaterialInput {
  /** A shared material code of the joint service (S01), or a material code of `itemCode`. */
  code: string;
  /** Absent for a shared material. */
  itemCode?: string | null;
  copies?: number | null;
}

export interface SubmitJointInput {
  serviceCode: string;
  channel: CaseChannel;
  acceptancePlace?: AcceptancePlace | null;
  applicantUscc?: string | null;
  applicantName: string;
  applicantIdNumber?: string | null;
  applicantPhone: string;
  materials: JointMaterialInput[];
  /** Conditional materials that apply, as { itemCode, code }. */
  conditionsApplying?: { itemCode: string; code: string }[] | null;
  /** The key project (重点项目) this application belongs to. */
  projectName?: string | null;
}

export interface SubmitJointResult {
  application: JointApplication;
  branches: SubmitCaseResult[];
}

type Problem = { field: string; message: string };

/** Each item's materials from the joint application's union: shared ones counted for every item they stand for. */
function branchMaterials(
  service: JointService,
  input: SubmitJointInput,
): Map<string, { code: string; copies?: number | null }[]> {
  const shared = new Map(sharedMaterialsOf(service).map((m) => [m.code, m]));
  const perItem = new Map<string, { code: string; copies?: number | null }[]>(service.itemCodes.map((c) => [c, []]));
  const problems: Problem[] = [];
  input.materials.forEach((m, i) => {
    if (!m.itemCode) {
      const s = shared.get(m.code);
      if (!s) {
        problems.push({
          field: `materials[${i}].code`,
          message: `${m.code} is not a shared material of ${service.code} (known: ${[...shared.keys()].join(', ') || 'none'}); give itemCode for an item's own material`,
        });
        return;
      }
      for (const ref of s.satisfies)
        perItem.get(ref.itemCode)?.push({ code: ref.materialCode, copies: m.copies ?? s.copies });
      return;
    }
    const list = perItem.get(m.itemCode);
    if (!list)
      problems.push({
        field: `materials[${i}].itemCode`,
        message: `${m.itemCode} is not an item of ${service.code} (items: ${service.itemCodes.join(', ')})`,
      });
    else list.push({ code: m.code, copies: m.copies });
  });
  (input.conditionsApplying ?? []).forEach((c, i) => {
    if (!perItem.has(c.itemCode))
      problems.push({
        field: `conditionsApplying[${i}].itemCode`,
        message: `${c.itemCode} is not an item of ${service.code}`,
      });
  });
  if (problems.length > 0)
    throw badInput(`Invalid joint application: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, {
      problems,
    });
  return perItem;
}

/** Removes what a failed joint submission wrote, so that a refused application leaves nothing behind. */
async function undoBranches(ctx: BaseContext, applicationId: string, caseIds: string[]): Promise<void> {
  await ctx.prisma.$transaction([
    ctx.prisma.notification.deleteMany({ where: { caseId: { in: caseIds } } }),
    ctx.prisma.case.deleteMany({ where: { id: { in: caseIds } } }),
    ctx.prisma.jointApplication.deleteMany({ where: { id: applicationId } }),
  ]);
}

/**
 * Accepts a joint application at one window (case:accept): one receipt, one branch case per
 * item. A branch refused by the submission rules refuses the whole application (nothing is kept).
 */
export async function submitJointApplication(ctx: BaseContext, input: SubmitJointInput): Promise<SubmitJointResult> {
  assertScope(ctx.caller, 'case:accept');
  const service = await ctx.prisma.jointService.findUnique({ where: { code: input.serviceCode } });
  if (!service) throw notFound(`No joint service has the code "${input.serviceCode}"`, { field: 'serviceCode' });
  const perItem = branchMaterials(service, input);
  const items = await ctx.prisma.serviceItem.findMany({ where: { code: { in: service.itemCodes } } });
  const now = new Date();
  const application = await ctx.prisma.jointApplication.create({
    data: {
      receiptNumber: receiptNumber(shanghaiToday(now)),
      verificationCode: verificationCode(),
      serviceCode: service.code,
      leadDepartmentCode: service.leadDepartmentCode,
      applicantUscc: input.applicantUscc?.trim() || null,
      applicantName: input.applicantName.trim(),
      applicantPhone: input.applicantPhone.trim(),
      channel: input.channel,
      submittedAt: now,
      jointLimitDays: service.jointLimitDays,
      serialLimitDays: items.reduce((sum, i) => sum + i.statutoryLimitDays, 0),
      projectName: input.projectName?.trim() || null,
    },
  });
  const branches: SubmitCaseResult[] = [];
  try {
    for (const itemCode of service.itemCodes) {
      const result = await submitCase(ctx, {
        itemCode,
        channel: input.channel,
        acceptancePlace: input.acceptancePlace,
        applicantUscc: input.applicantUscc,
        applicantName: input.applicantName,
        applicantIdNumber: input.applicantIdNumber,
        applicantPhone: input.applicantPhone,
        materials: perItem.get(itemCode) ?? [],
        conditionsApplying: (input.conditionsApplying ?? []).filter((c) => c.itemCode === itemCode).map((c) => c.code),
      });
      branches.push(result);
    }
  } catch (err) {
    await undoBranches(
      ctx,
      application.id,
      branches.map((b) => b.case.id),
    );
    throw err;
  }
  await ctx.prisma.case.updateMany({
    where: { id: { in: branches.map((b) => b.case.id) } },
    data: { jointApplicationId: application.id },
  });
  const refreshed = await refreshJointApplication(ctx.prisma, application.id, await loadWorkingCalendar(ctx.prisma));
  ctx.logger.info(
    { jointId: application.id, receipt: application.receiptNumber, service: service.code, branches: branches.length },
    'joint application submitted',
  );
  return {
    application: refreshed ?? application,
    branches: branches.map((b) => ({ ...b, case: { ...b.case, jointApplicationId: application.id } })),
  };
}

/** What the branches say about their joint application. */
export interface JointFigures {
  /** The day the last branch was accepted; null while a branch awaits materials. */
  acceptedOn: LocalDate | null;
  /** acceptedOn + the joint limit in working days, the days any branch's clock stood still not counted. */
  deadline: LocalDate | null;
  /** The last branch's conclusion day, once every branch has concluded. */
  concludedOn: LocalDate | null;
  outcome: Extract<CaseState, 'APPROVED' | 'REJECTED'> | null;
  /** Working days from acceptedOn to concludedOn, the days any branch's clock stood still not counted. */
  usedWorkingDays: number | null;
  onTime: boolean | null;
}

/** A branch as the joint figures read it: its dates and the pauses of its clock. */
export type JointBranch = Pick<Case, 'state' | 'outcome' | 'acceptedOn' | 'concludedOn'> & { pauses: Pause[] };

/**
 * The joint application's acceptance, deadline and conclusion as its branches give them.
 *
 * The joint clock stops on every working day on which the clock of any branch stands still. A
 * branch's clock stops only while the applicant holds the application (补正: supplementing
 * materials) or for a stage the law does not count (hearing, inspection, testing, expert review:
 * Administrative Licensing Law art. 45, the applicant told in writing). The joint application
 * cannot conclude before that branch does, so those days are the applicant's or the law's, not
 * the departments': they count neither against the joint limit nor as joint working days used
 * (so days saved are not inflated by them either). Each branch keeps its own clock and light, so a
 * department working on while another branch is paused is still watched by its branch's light.
 */
export function jointFigures(
  app: Pick<JointApplication, 'jointLimitDays'>,
  branches: JointBranch[],
  calendar: WorkingCalendar,
  today: LocalDate = shanghaiToday(),
): JointFigures {
  const none: JointFigures = {
    acceptedOn: null,
    deadline: null,
    concludedOn: null,
    outcome: null,
    usedWorkingDays: null,
    onTime: null,
  };
  if (branches.length === 0 || branches.some((b) => !b.acceptedOn)) return none;
  const acceptedOn =
    branches
      .map((b) => toLocal(b.acceptedOn ?? new Date(0)))
      .sort()
      .at(-1) ?? null;
  if (!acceptedOn) return none;
  // The calendar merges overlapping pauses, so a day two branches stood still is skipped once.
  const pauses = branches.flatMap((b) => b.pauses);
  const deadline = calendar.deadline({ acceptedOn, limit: app.jointLimitDays, pauses, asOf: today });
  if (branches.some((b) => b.state !== 'CONCLUDED' || !b.concludedOn)) return { ...none, acceptedOn, deadline };
  const concludedOn =
    branches
      .map((b) => toLocal(b.concludedOn ?? new Date(0)))
      .sort()
      .at(-1) ?? acceptedOn;
  return {
    acceptedOn,
    deadline,
    concludedOn,
    outcome: branches.some((b) => b.outcome === 'REJECTED') ? 'REJECTED' : 'APPROVED',
    usedWorkingDays: calendar.countWorkingDays(acceptedOn, concludedOn, pauses, concludedOn),
    onTime: concludedOn <= deadline,
  };
}

/** Recomputes and stores the joint application's acceptance and conclusion from its branches. */
export async function refreshJointApplication(
  prisma: BaseContext['prisma'],
  id: string,
  calendar: WorkingCalendar,
): Promise<JointApplication | null> {
  const app = await prisma.jointApplication.findUnique({ where: { id } });
  if (!app) return null;
  const branches = await prisma.case.findMany({ where: { jointApplicationId: id }, include: { pauses: true } });
  const f = jointFigures(
    app,
    branches.map((b) => ({ ...b, pauses: pausesOf(b.pauses) })),
    calendar,
  );
  return prisma.jointApplication.update({
    where: { id },
    data: {
      acceptedOn: f.acceptedOn ? fromLocal(f.acceptedOn) : null,
      concludedOn: f.concludedOn ? fromLocal(f.concludedOn) : null,
      outcome: f.outcome,
      usedWorkingDays: f.usedWorkingDays,
      onTime: f.onTime,
    },
  });
}

/** After a branch concluded: the joint application may now be concluded. */
export async function afterBranchConcluded(ctx: BaseContext, c: Case): Promise<void> {
  if (!c.jointApplicationId) return;
  const app = await refreshJointApplication(ctx.prisma, c.jointApplicationId, await loadWorkingCalendar(ctx.prisma));
  if (app?.concludedOn)
    ctx.logger.info(
      { jointId: app.id, outcome: app.outcome, usedWorkingDays: app.usedWorkingDays },
      'joint application concluded',
    );
}

const LIGHT_ORDER: TrafficLight[] = ['GREEN', 'YELLOW', 'RED'];

/** The combined light: the worst open branch, and RED once the joint deadline has passed; null when concluded or not accepted. */
export function combinedLight(
  figures: JointFigures,
  branchLights: (TrafficLight | null)[],
  today: LocalDate,
): TrafficLight | null {
  if (!figures.acceptedOn || figures.concludedOn) return null;
  if (figures.deadline && today > figures.deadline) return 'RED';
  let worst: TrafficLight = 'GREEN';
  for (const l of branchLights) if (l && LIGHT_ORDER.indexOf(l) > LIGHT_ORDER.indexOf(worst)) worst = l;
  return worst;
}

/** A branch as the views read it: the case, its item, and its own light (null once concluded or before acceptance). */
export type JointViewBranch = Case & { item: ServiceItem; light: TrafficLight | null };

/** A joint application with its service, branches and their items, as the views read it. */
export interface JointView {
  app: JointApplication;
  service: JointService;
  branches: JointViewBranch[];
  figures: JointFigures;
  light: TrafficLight | null;
  /**
   * Joint working days counted so far: from acceptance to today (to the last conclusion once
   * concluded), the days any branch's clock stood still not counted; null before acceptance.
   */
  elapsedWorkingDays: number | null;
}

type LoadedBranch = Case & { item: ServiceItem; pauses: CasePause[] };

/** The view of one application from its loaded branches: figures, lights and days counted as of `today`. */
function viewOf(
  ctx: Pick<BaseContext, 'config'>,
  app: JointApplication,
  service: JointService,
  loaded: LoadedBranch[],
  calendar: WorkingCalendar,
  today: LocalDate,
): JointView {
  const withPauses = loaded.map(({ pauses, ...b }) => ({ b, pauses: pausesOf(pauses) }));
  const figures = jointFigures(
    app,
    withPauses.map(({ b, pauses }) => ({ ...b, pauses })),
    calendar,
    today,
  );
  const branches = withPauses.map(({ b, pauses }) => ({
    ...b,
    light: caseClock(calendar, b, pauses, ctx, today)?.light ?? null,
  }));
  const allPauses = withPauses.flatMap((w) => w.pauses);
  const elapsedWorkingDays = figures.acceptedOn
    ? (figures.usedWorkingDays ?? calendar.countWorkingDays(figures.acceptedOn, today, allPauses, today))
    : null;
  return {
    app,
    service,
    branches,
    figures,
    light: combinedLight(
      figures,
      branches.map((b) => b.light),
      today,
    ),
    elapsedWorkingDays,
  };
}

/** Loads the view of a joint application: figures computed from the branches now. */
export async function jointView(
  ctx: Pick<BaseContext, 'prisma' | 'config'>,
  app: JointApplication,
  calendar: WorkingCalendar,
  today: LocalDate = shanghaiToday(),
): Promise<JointView> {
  const [service, branches] = await Promise.all([
    ctx.prisma.jointService.findUniqueOrThrow({ where: { code: app.serviceCode } }),
    ctx.prisma.case.findMany({
      where: { jointApplicationId: app.id },
      include: { item: true, pauses: true },
      orderBy: { departmentCode: 'asc' },
    }),
  ]);
  return viewOf(ctx, app, service, branches, calendar, today);
}

/** The public view by receipt number and verification code; null when either is wrong. */
export async function publicJointView(
  ctx: Pick<BaseContext, 'prisma' | 'config'>,
  receipt: string,
  code: string,
  calendar: WorkingCalendar,
): Promise<JointView | null> {
  const app = await ctx.prisma.jointApplication.findUnique({ where: { receiptNumber: receipt.trim() } });
  if (!app || !codeMatches(app.verificationCode, code)) return null;
  return jointView(ctx, app, calendar);
}

/**
 * Joint applications not yet concluded, for supervisors: red first (past the joint deadline or a
 * red branch), then by acceptance; at most `limit`. Three statements whatever the number.
 */
export async function openJointViews(
  ctx: Pick<BaseContext, 'prisma' | 'config'>,
  calendar: WorkingCalendar,
  limit = 50,
  today: LocalDate = shanghaiToday(),
): Promise<JointView[]> {
  const apps = await ctx.prisma.jointApplication.findMany({
    where: { concludedOn: null },
    orderBy: [{ submittedAt: 'asc' }],
    take: 500,
  });
  const [services, branches] = await Promise.all([
    ctx.prisma.jointService.findMany({ where: { code: { in: [...new Set(apps.map((a) => a.serviceCode))] } } }),
    ctx.prisma.case.findMany({
      where: { jointApplicationId: { in: apps.map((a) => a.id) } },
      include: { item: true, pauses: true },
      orderBy: { departmentCode: 'asc' },
    }),
  ]);
  const serviceBy = new Map(services.map((s) => [s.code, s]));
  const views = apps.flatMap((app): JointView[] => {
    const service = serviceBy.get(app.serviceCode);
    if (!service) return [];
    const view = viewOf(
      ctx,
      app,
      service,
      branches.filter((b) => b.jointApplicationId === app.id),
      calendar,
      today,
    );
    return view.figures.concludedOn ? [] : [view];
  });
  const rank = (v: JointView) => LIGHT_ORDER.indexOf(v.light ?? 'GREEN');
  return views.sort((a, b) => rank(b) - rank(a)).slice(0, limit);
}
