/**
 * The graph of an order-style plan (订单式服务): its items grouped into stages (a joint service's
 * items of the plan form one stage, handled in parallel; any other item is a stage of its own),
 * ordered by the catalogue's dependencies and the plan's extra ordering. A cycle is refused with
 * its path; the critical path and the expected finish come from the stages' durations in working days.
 */
import { badInput } from '../../../platform/errors.js';
import type { LocalDate, WorkingCalendar } from '../calendar/calendar.js';
import { dependencyCycles } from '../catalogue/dependency-cycles.js';

export interface PlanItem {
  code: string;
  name: string;
  departmentCode: string;
  committedLimitDays: number;
  dependsOn: string[];
}

export interface PlanJoint {
  code: string;
  name: string;
  itemCodes: string[];
  jointLimitDays: number;
}

/** What the plan knows of the case of a node, if there is one. */
export interface NodeCase {
  state: string;
  acceptedOn: LocalDate | null;
  deadline: LocalDate | null;
  concludedOn: LocalDate | null;
}

export interface Stage {
  id: string;
  label: string;
  itemCodes: string[];
  /** Working days: the joint limit, or the item's committed limit. */
  days: number;
  after: string[];
  /** Expected (or actual) start and finish. */
  start: LocalDate;
  finish: LocalDate;
  critical: boolean;
}

export interface PlanGraph {
  stages: Stage[];
  criticalPath: string[];
  expectedFinish: LocalDate;
}

/** Stages of the plan, refusing a cycle (with its path) among them. */
export function planStages(
  items: PlanItem[],
  joints: PlanJoint[],
  extraOrder: { itemCode: string; dependsOn: string }[],
): Omit<Stage, 'start' | 'finish' | 'critical'>[] {
  const inPlan = new Set(items.map((i) => i.code));
  const stageOf = new Map<string, string>();
  const stages: Omit<Stage, 'start' | 'finish' | 'critical' | 'after'>[] = [];
  for (const j of joints) {
    const members = j.itemCodes.filter((c) => inPlan.has(c) && !stageOf.has(c));
    if (members.length < 2) continue;
    members.forEach((c) => stageOf.set(c, j.code));
    stages.push({ id: j.code, label: j.name, itemCodes: members, days: j.jointLimitDays });
  }
  for (const i of items) {
    if (stageOf.has(i.code)) continue;
    stageOf.set(i.code, i.code);
    stages.push({ id: i.code, label: i.name, itemCodes: [i.code], days: i.committedLimitDays });
  }
  const edges = new Map<string, Set<string>>(stages.map((s) => [s.id, new Set<string>()]));
  const link = (from: string, dependsOn: string) => {
    const a = stageOf.get(from);
    const b = stageOf.get(dependsOn);
    if (a && b && a !== b) edges.get(a)?.add(b);
    if (a && b && a === b && a !== from)
      throw badInput(
        `Plan cycle: ${dependsOn} → ${from} are in the same joint stage ${a} but one depends on the other`,
        { field: 'items' },
      );
  };
  for (const i of items) for (const d of i.dependsOn) link(i.code, d);
  extraOrder.forEach((o, k) => {
    if (!inPlan.has(o.itemCode) || !inPlan.has(o.dependsOn))
      throw badInput(`order[${k}] names an item outside the plan`, { field: `order[${k}]` });
    link(o.itemCode, o.dependsOn);
  });
  const graph = new Map([...edges].map(([k, v]) => [k, [...v]]));
  const cycles = dependencyCycles(graph);
  if (cycles.length > 0) {
    const paths = cycles.map((c) => c.path.join(' → '));
    throw badInput(`The plan's order has a cycle: ${paths.join('; ')} (these stages could never start)`, {
      field: 'order',
      cycles: paths,
    });
  }
  return stages.map((s) => ({ ...s, after: [...(edges.get(s.id) ?? [])].sort() }));
}

/**
 * Schedules the stages from `startOn`: a stage starts when every stage before it has finished; a
 * concluded case finishes on its conclusion day, an accepted one on its deadline, others after their days.
 */
export function schedule(
  stages: Omit<Stage, 'start' | 'finish' | 'critical'>[],
  cases: Map<string, NodeCase>,
  startOn: LocalDate,
  calendar: WorkingCalendar,
): PlanGraph {
  const byId = new Map(stages.map((s) => [s.id, s]));
  const done = new Map<string, { start: LocalDate; finish: LocalDate; via: string | null }>();
  const visit = (id: string): { start: LocalDate; finish: LocalDate; via: string | null } => {
    const known = done.get(id);
    if (known) return known;
    const s = byId.get(id);
    if (!s) throw new Error(`unknown stage ${id}`);
    let start = startOn;
    let via: string | null = null;
    for (const p of s.after) {
      const f = visit(p).finish;
      if (f > start || via === null) {
        if (f >= start) via = p;
        if (f > start) start = f;
      }
    }
    const members = s.itemCodes.map((c) => cases.get(c));
    let finish: LocalDate;
    if (members.every((m) => m?.concludedOn))
      finish =
        members
          .map((m) => m?.concludedOn ?? start)
          .sort()
          .at(-1) ?? start;
    else {
      const planned = calendar.addWorkingDays(start, s.days);
      const deadlines = members.map((m) => m?.concludedOn ?? m?.deadline ?? planned);
      finish = [planned, ...deadlines].sort().at(-1) ?? planned;
      if (members.every((m) => m?.acceptedOn)) finish = deadlines.sort().at(-1) ?? planned;
    }
    const r = { start, finish, via };
    done.set(id, r);
    return r;
  };
  stages.forEach((s) => visit(s.id));
  let last = stages[0]?.id ?? null;
  for (const s of stages)
    if (last === null || (done.get(s.id)?.finish ?? '') > (done.get(last)?.finish ?? '')) last = s.id;
  const critical: string[] = [];
  for (let id = last; id !== null; id = done.get(id)?.via ?? null) critical.unshift(id);
  const onPath = new Set(critical);
  return {
    stages: stages.map((s) => ({
      ...s,
      start: done.get(s.id)?.start ?? startOn,
      finish: done.get(s.id)?.finish ?? startOn,
      critical: onPath.has(s.id),
    })),
    criticalPath: critical,
    expectedFinish: last ? (done.get(last)?.finish ?? startOn) : startOn,
  };
}
