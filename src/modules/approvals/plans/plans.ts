/**
 * Order-style service plans (订单式服务): a key project's or enterprise's approvals as a flowchart.
 * A plan lists its items; the catalogue's dependencies, its joint services and the plan's own
 * ordering make the graph; the enterprise's cases of those items are the nodes' states.
 */
import { z } from 'zod';
import type { Case, ServicePlan } from '../../../generated/prisma/client.js';
import { assertScope } from '../../../platform/auth/caller.js';
import type { BaseContext } from '../../../platform/context.js';
import { badInput, notFound } from '../../../platform/errors.js';
import { isValidUscc } from '../../../platform/uscc.js';
import type { WorkingCalendar } from '../calendar/calendar.js';
import { fromLocal, shanghaiToday, toLocal, type LocalDate } from '../calendar/store.js';
import { planStages, schedule, type NodeCase, type PlanGraph } from './plan-graph.js';
import { planSvg } from './plan-svg.js';

export interface CreatePlanInput {
  name: string;
  applicantUscc?: string | null;
  itemCodes: string[];
  order?: { itemCode: string; dependsOn: string }[] | null;
  startOn?: LocalDate | null;
}

const orderShape = z.array(z.object({ itemCode: z.string(), dependsOn: z.string() }));

function orderOf(plan: ServicePlan): { itemCode: string; dependsOn: string }[] {
  const parsed = orderShape.safeParse(plan.extraOrder);
  if (!parsed.success) throw new Error(`Plan ${plan.id}: extraOrder is not what createPlan writes`);
  return parsed.data;
}

/** The plan's graph from the catalogue (and the cases, if given); throws BAD_USER_INPUT on a cycle. */
async function graphOf(
  prisma: BaseContext['prisma'],
  p: { itemCodes: string[]; order: { itemCode: string; dependsOn: string }[]; startOn: LocalDate },
  cases: Map<string, NodeCase>,
  calendar: WorkingCalendar,
): Promise<PlanGraph> {
  const [items, joints] = await Promise.all([
    prisma.serviceItem.findMany({ where: { code: { in: p.itemCodes } } }),
    prisma.jointService.findMany({ where: { itemCodes: { hasSome: p.itemCodes } }, orderBy: { code: 'asc' } }),
  ]);
  const unknown = p.itemCodes.filter((c) => !items.some((i) => i.code === c));
  if (unknown.length > 0) throw badInput(`Unknown items: ${unknown.join(', ')}`, { field: 'items' });
  const ordered = p.itemCodes.flatMap((c) => items.filter((i) => i.code === c));
  return schedule(planStages(ordered, joints, p.order), cases, p.startOn, calendar);
}

/** Creates a plan (case:accept: the window that serves the key project); a cycle in its order is refused with the path. */
export async function createPlan(
  ctx: BaseContext,
  input: CreatePlanInput,
  calendar: WorkingCalendar,
): Promise<ServicePlan> {
  assertScope(ctx.caller, 'case:accept');
  const name = input.name.trim();
  if (!name || name.length > 200) throw badInput('name must be 1 to 200 characters', { field: 'name' });
  const uscc = input.applicantUscc?.trim() || null;
  if (uscc && !isValidUscc(uscc)) throw badInput('applicantUscc is not a valid USCC', { field: 'applicantUscc' });
  const itemCodes = [...new Set(input.itemCodes.map((c) => c.trim()))];
  if (itemCodes.length === 0 || itemCodes.length > 200) throw badInput('a plan has 1 to 200 items', { field: 'items' });
  const order = input.order ?? [];
  const startOn = input.startOn ?? shanghaiToday();
  await graphOf(ctx.prisma, { itemCodes, order, startOn }, new Map(), calendar);
  const plan = await ctx.prisma.servicePlan.create({
    data: {
      name,
      applicantUscc: uscc,
      itemCodes,
      extraOrder: order.map((o) => ({ ...o })),
      startOn: fromLocal(startOn),
    },
  });
  ctx.logger.info(
    { planId: plan.id, items: itemCodes.length, system: ctx.caller.kind === 'system' ? ctx.caller.systemName : null },
    'plan created',
  );
  return plan;
}

/** A plan with its graph, its nodes' cases and its SVG. */
export interface PlanView {
  plan: ServicePlan;
  graph: PlanGraph;
  cases: Map<string, Case>;
  svg: string;
}

/** The latest case of each plan item for the plan's enterprise. */
async function casesOf(prisma: BaseContext['prisma'], plan: ServicePlan): Promise<Map<string, Case>> {
  if (!plan.applicantUscc) return new Map();
  const rows = await prisma.case.findMany({
    where: { applicantUscc: plan.applicantUscc, itemCode: { in: plan.itemCodes } },
    orderBy: { submittedAt: 'asc' },
  });
  return new Map(rows.map((c) => [c.itemCode, c]));
}

/** Loads a plan's view; NOT_FOUND when there is no such plan. */
export async function planView(
  ctx: Pick<BaseContext, 'prisma'>,
  id: string,
  calendar: WorkingCalendar,
  today: LocalDate = shanghaiToday(),
): Promise<PlanView> {
  const plan = z.uuid().safeParse(id).success ? await ctx.prisma.servicePlan.findUnique({ where: { id } }) : null;
  if (!plan) throw notFound(`No plan has the id ${id}`, { field: 'id' });
  const cases = await casesOf(ctx.prisma, plan);
  const nodeCases = new Map<string, NodeCase>(
    [...cases].map(([code, c]) => [
      code,
      {
        state: c.state,
        acceptedOn: c.acceptedOn ? toLocal(c.acceptedOn) : null,
        deadline: c.deadline ? toLocal(c.deadline) : null,
        concludedOn: c.concludedOn ? toLocal(c.concludedOn) : null,
      },
    ]),
  );
  const graph = await graphOf(
    ctx.prisma,
    { itemCodes: plan.itemCodes, order: orderOf(plan), startOn: toLocal(plan.startOn) },
    nodeCases,
    calendar,
  );
  const states = new Map(
    graph.stages.map((s) => [
      s.id,
      s.itemCodes.flatMap((code) => {
        const c = nodeCases.get(code);
        if (!c) return [];
        return [c.concludedOn ? 'CONCLUDED' : c.deadline && c.deadline < today ? 'RED' : c.state];
      }),
    ]),
  );
  return { plan, graph, cases, svg: planSvg(graph, states, plan.name).svg };
}
