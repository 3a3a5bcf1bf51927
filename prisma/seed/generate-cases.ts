/**
 * Generates a year of realistic demo cases in bulk (createMany in chunks) for the demo and the
 * statistics benchmark: about 51% through online channels, most concluded on time, some late,
 * some still open, a few with clock-stopping special stages; and key projects handled by joint
 * approval (并联审批), 48 in a year of 30,743 cases as in the source, their branch cases counted
 * among the cases. Deterministic for a given seed (ids and the run's receipt prefix aside).
 */
import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient, ServiceItem } from '../../src/generated/prisma/client.js';
import type { CaseChannel, CaseState, PauseKind } from '../../src/generated/prisma/enums.js';
import { makeUscc, USCC_CHARSET } from '../../src/platform/uscc.js';
import { addDays, type Pause, type WorkingCalendar } from '../../src/modules/approvals/index.js';
import {
  fromLocal,
  loadWorkingCalendar,
  shanghaiToday,
  toLocal,
  type LocalDate,
} from '../../src/modules/approvals/index.js';
import { handlingPath, SPECIAL_STAGE_KINDS } from '../../src/modules/approvals/index.js';
import { insertRows } from './bulk-insert.js';
import { insertJointRows, jointRows, type JointRows } from './joint-cases.js';

export interface GenerateOptions {
  count: number;
  /** Calendar year; default: the 365 days up to today. */
  year?: number;
  /** Also write the SUBMITTED / ACCEPTED / CONCLUDE events of each case (history). */
  events?: boolean;
  seed?: number;
  chunkSize?: number;
  /** Key projects handled by joint approval; default: 48 per 30,743 cases, as in the source. */
  keyProjects?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Mission figure: 15,694 online cases of 30,743 (51.05%). */
const ONLINE_SHARE = 15_694 / 30_743;
/** Mission figure: 2,459 of the online cases were handled fully online. */
const FULLY_ONLINE_SHARE_OF_ONLINE = 2_459 / 15_694;
const LATE_SHARE = 0.015;
const REJECTED_SHARE = 0.03;
const PAUSED_SHARE = 0.08;
const STUCK_OPEN_SHARE = 0.003;
/** Source figures: 30,743 cases in 2014, 48 key projects by joint approval. */
const SOURCE_CASES = 30_743;
const SOURCE_KEY_PROJECTS = 48;
/**
 * Source figures: 2,380 working days saved over 48 key projects, 87.6% faster than serial
 * handling; so joint handling took about 12.4% of the serial limits. The generator draws each
 * application's joint working days around that share (6%–19%): it is calibrated to the source,
 * and what the figures then test is that the hub computes days saved and speed-up right.
 */
const JOINT_SHARE_MIN = 0.06;
const JOINT_SHARE_MAX = 0.19;
/**
 * Serial days per project in the source: 2,380 / 0.876 / 48 ≈ 56.6 working days. Every key project
 * goes through the construction joint stage (HZ-JS-002, 45 days serial); the share of projects
 * that also open a catering or public venue by joint start-up approval (HZ-JS-001, 30 days)
 * brings the mean to that figure: (56.6 − 45) / 30 ≈ 0.39.
 */
const START_UP_SHARE = 0.39;
const PROJECT_PLACES = ['琶洲', '赤岗', '新港', '南洲', '官洲', '滨江', '昌岗', '沙园', '宝岗', '江海'];
const PROJECT_KINDS = ['数字经济总部', '产业园', '商业综合体', '安置房', '学校', '社区医院', '文化中心', '物流园'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SURNAMES = ['陈', '李', '黄', '张', '梁', '林', '刘', '吴', '何', '郭', '罗', '郑'];
const GIVEN = ['伟', '芳', '敏', '静', '强', '磊', '洋', '艳', '杰', '娟', '婷', '华'];

function idNumber(rand: () => number): string {
  const birth = `${1955 + Math.floor(rand() * 50)}${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
  const body = `440105${birth}${String(Math.floor(rand() * 999)).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = w.reduce((acc, x, i) => acc + x * Number(body[i]), 0);
  return body + '10X98765432'[sum % 11];
}

/** Picks one entry of a non-empty list. */
function pick<T>(list: readonly T[], rand: () => number): T {
  const entry = list[Math.floor(rand() * list.length)];
  if (entry === undefined) throw new Error('cannot pick from an empty list');
  return entry;
}

/** What every generated case draws from: the catalogue, enterprises, working days and channel odds. */
interface Generation {
  items: ServiceItem[];
  enterprises: { uscc: string; name: string }[];
  calendar: WorkingCalendar;
  days: LocalDate[];
  asOf: LocalDate;
  onlineProbability: number;
  fullyOnlineProbability: number;
  /** Makes this run's receipt numbers unique against earlier runs. */
  run: string;
  rand: () => number;
  events: boolean;
}

/** One generated case with its pauses and history. */
interface Generated {
  case: Prisma.CaseCreateManyInput;
  pauses: Prisma.CasePauseCreateManyInput[];
  events: Prisma.CaseEventCreateManyInput[];
}

async function prepare(prisma: PrismaClient, o: GenerateOptions): Promise<{ g: Generation; from: LocalDate }> {
  const items = await prisma.serviceItem.findMany({ orderBy: { code: 'asc' } });
  if (items.length === 0) throw new Error('the service catalogue is empty: run `hub catalogue import <file>` first');
  const enterprises = await prisma.enterprise.findMany({ select: { uscc: true, name: true }, take: 2000 });
  const calendar = await loadWorkingCalendar(prisma);
  const today = shanghaiToday();
  const from = o.year ? `${o.year}-01-01` : addDays(today, -364);
  const yearEnd = o.year ? `${o.year}-12-31` : today;
  const asOf = yearEnd < today ? yearEnd : today;
  const days: LocalDate[] = [];
  for (let d = from; d <= asOf; d = addDays(d, 1)) if (calendar.isWorkingDay(d)) days.push(d);
  if (days.length === 0) throw new Error(`no working days between ${from} and ${asOf}`);

  const eligible = items.filter((i) => i.online === 'PRE_REVIEW' || i.online === 'FULLY_ONLINE');
  // Only items that can be applied for online take online cases, so they take proportionally more.
  const onlineProbability = Math.min(1, ONLINE_SHARE * (items.length / Math.max(1, eligible.length)));
  const fullyOnlineItems = eligible.filter((i) => i.online === 'FULLY_ONLINE').length / Math.max(1, eligible.length);
  const fullyOnlineProbability = Math.min(1, FULLY_ONLINE_SHARE_OF_ONLINE / Math.max(0.01, fullyOnlineItems));
  const g: Generation = {
    items,
    enterprises,
    calendar,
    days,
    asOf,
    onlineProbability,
    fullyOnlineProbability,
    run: Date.now().toString(36).toUpperCase().slice(-5),
    rand: rng(o.seed ?? 20_140_101),
    events: o.events !== false,
  };
  return { g, from };
}

function channelOf(g: Generation, item: ServiceItem, online: boolean): CaseChannel {
  const { rand } = g;
  if (online) return rand() < 0.6 ? 'ONLINE' : 'MOBILE';
  if (item.acceptedAt.includes('COMMUNITY_STATION') && rand() < 0.4) return 'COMMUNITY_STATION';
  return rand() < 0.08 ? 'KIOSK' : 'WINDOW';
}

/** The case's clock: an optional special stage, the working days used, the deadline and the conclusion day. */
function timelineOf(g: Generation, id: string, item: ServiceItem, acceptedOn: LocalDate) {
  const { calendar, rand } = g;
  const limit = item.committedLimitDays;
  const casePauses: Pause[] = [];
  const pauses: Prisma.CasePauseCreateManyInput[] = [];
  const stage = item.specialStages.find((s): s is PauseKind => (SPECIAL_STAGE_KINDS as string[]).includes(s));
  if (limit > 1 && stage && rand() < PAUSED_SHARE * 3) {
    const start = calendar.addWorkingDays(acceptedOn, 1 + Math.floor(rand() * (limit - 1)));
    const end = calendar.addWorkingDays(start, 2 + Math.floor(rand() * 8));
    casePauses.push({ from: start, to: end });
    pauses.push({
      caseId: id,
      kind: stage,
      fromDate: fromLocal(start),
      toDate: fromLocal(end),
      reason: '特殊环节（演示数据）',
    });
  }
  // Working days actually used: usually about two thirds of the limit, sometimes late.
  const late = rand() < LATE_SHARE;
  const used = late
    ? limit + 1 + Math.floor(rand() * 5)
    : limit === 0
      ? 0
      : Math.max(0, Math.min(limit, Math.round(limit * (0.35 + rand() * 0.6))));
  let deadline = calendar.deadline({ acceptedOn, limit, pauses: casePauses });
  const concludedOn = calendar.deadline({ acceptedOn, limit: used, pauses: casePauses });
  const stuck = rand() < STUCK_OPEN_SHARE;
  const concluded = concludedOn <= g.asOf && !stuck;
  if (!concluded && casePauses.length > 0) {
    // Open cases are generated running: their clock has not been stopped yet.
    pauses.pop();
    deadline = calendar.deadline({ acceptedOn, limit });
  }
  return { limit, used, deadline, concludedOn, concluded, pauses };
}

/** The applicant: a registered enterprise now and then, otherwise a made-up business or person. */
function applicantOf(g: Generation, item: ServiceItem) {
  const { rand, enterprises } = g;
  const enterprise =
    item.audience === 'ENTERPRISE' && enterprises.length > 0 && rand() < 0.3 ? pick(enterprises, rand) : null;
  const person = `${pick(SURNAMES, rand)}${pick(GIVEN, rand)}${rand() < 0.5 ? pick(GIVEN, rand) : ''}`;
  const uscc =
    item.audience === 'ENTERPRISE'
      ? (enterprise?.uscc ??
        makeUscc(`92440105${Array.from({ length: 9 }, () => USCC_CHARSET[Math.floor(rand() * 31)]).join('')}`))
      : null;
  return { uscc, name: enterprise?.name ?? (item.audience === 'ENTERPRISE' ? `广州市海珠区${person}商行` : person) };
}

/** The i-th case of the run. The order of the random draws is part of the seed's output: keep it. */
function generateCase(g: Generation, i: number): Generated {
  const { rand } = g;
  const item = pick(g.items, rand);
  const acceptedOn = pick(g.days, rand);
  const online = (item.online === 'PRE_REVIEW' || item.online === 'FULLY_ONLINE') && rand() < g.onlineProbability;
  const channel = channelOf(g, item, online);
  const place = channel === 'COMMUNITY_STATION' ? 'COMMUNITY_STATION' : pick(item.acceptedAt, rand);
  const id = randomUUID();
  const t = timelineOf(g, id, item, acceptedOn);
  const rejected = rand() < REJECTED_SHARE;
  const openState: CaseState = pick(handlingPath(item.steps), rand);
  const state: CaseState = t.concluded ? 'CONCLUDED' : openState;
  const hour = 1 + Math.floor(rand() * 8); // 09:00–17:00 Shanghai = 01:00–09:00 UTC
  const submittedAt = new Date(
    `${acceptedOn}T${String(hour).padStart(2, '0')}:${String(Math.floor(rand() * 60)).padStart(2, '0')}:00.000Z`,
  );
  const applicant = applicantOf(g, item);
  const concludedAt = t.concluded ? new Date(`${t.concludedOn}T08:30:00.000Z`) : null;
  const row: Prisma.CaseCreateManyInput = {
    id,
    receiptNumber: `HZ${acceptedOn.replaceAll('-', '')}D${g.run}${String(i).padStart(7, '0')}`,
    verificationCode: Array.from({ length: 6 }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[Math.floor(rand() * 32)]).join(
      '',
    ),
    itemCode: item.code,
    departmentCode: item.departmentCode,
    channel,
    acceptancePlace: place,
    applicantUscc: applicant.uscc,
    applicantName: applicant.name,
    applicantIdNumber: item.audience === 'PERSON' ? idNumber(rand) : null,
    applicantPhone: `13${String(Math.floor(rand() * 1e9)).padStart(9, '0')}`,
    state,
    outcome: t.concluded || state === 'APPROVED' || state === 'REJECTED' ? (rejected ? 'REJECTED' : 'APPROVED') : null,
    submittedAt,
    acceptedAt: submittedAt,
    acceptedOn: fromLocal(acceptedOn),
    limitDays: t.limit,
    deadline: fromLocal(t.deadline),
    concludedAt,
    concludedOn: t.concluded ? fromLocal(t.concludedOn) : null,
    usedWorkingDays: t.concluded ? t.used : null,
    onTime: t.concluded ? t.concludedOn <= t.deadline : null,
    fullyOnline: online && item.online === 'FULLY_ONLINE' && rand() < g.fullyOnlineProbability,
    materialsReceived: [],
    missingMaterials: [],
  };
  const events: Prisma.CaseEventCreateManyInput[] = [];
  if (g.events) {
    events.push({
      caseId: id,
      action: 'SUBMITTED',
      toState: 'SUBMITTED',
      actorDepartmentCode: 'GSC',
      occurredAt: submittedAt,
      reason: `channel ${channel}`,
    });
    events.push({
      caseId: id,
      action: 'ACCEPTED',
      fromState: 'SUBMITTED',
      toState: 'ACCEPTED',
      actorDepartmentCode: 'GSC',
      occurredAt: submittedAt,
    });
    if (concludedAt) {
      events.push({
        caseId: id,
        action: 'CONCLUDE',
        fromState: rejected ? 'REJECTED' : 'APPROVED',
        toState: 'CONCLUDED',
        actorDepartmentCode: item.departmentCode,
        occurredAt: concludedAt,
      });
    }
  }
  return { case: row, pauses: t.pauses, events };
}

/**
 * Branches of one joint application: the item with the longest committed limit concludes last,
 * after `used` days; the others before it, each within its own limit.
 */
function jointBranches(g: Generation, items: Map<string, ServiceItem>, itemCodes: string[], used: number) {
  const limit = (c: string) => items.get(c)?.committedLimitDays ?? used;
  const last = itemCodes.reduce((a, c) => (limit(c) > limit(a) ? c : a), itemCodes[0] ?? '');
  return itemCodes.map((itemCode) => ({
    itemCode,
    usedDays: itemCode === last ? used : 1 + Math.floor(g.rand() * Math.min(used, Math.max(1, limit(itemCode)))),
    // Now and then the environmental review has an expert panel, which stops the clock (art. 45).
    ...(itemCode === 'HZ-EE-001' && g.rand() < 0.15
      ? { pause: { kind: 'EXPERT_REVIEW' as const, after: 1, days: 3 + Math.floor(g.rand() * 6) } }
      : {}),
  }));
}

/** The joint applications of `projects` key projects accepted in the period, concluded by its end. */
async function keyProjects(prisma: PrismaClient, g: Generation, projects: number): Promise<JointRows[]> {
  const services = await prisma.jointService.findMany({ where: { code: { in: ['HZ-JS-001', 'HZ-JS-002'] } } });
  const construction = services.find((s) => s.code === 'HZ-JS-002');
  const startUp = services.find((s) => s.code === 'HZ-JS-001');
  if (!construction || projects === 0) return [];
  const items = new Map(g.items.map((i) => [i.code, i]));
  // Early enough in the period that both stages can conclude before its end.
  const starts = g.days.slice(0, Math.max(1, g.days.length - 60));
  const rows: JointRows[] = [];
  let seq = 0;
  const application = (
    service: typeof construction,
    acceptedOn: LocalDate,
    project: string,
    applicant: { uscc: string; name: string },
  ) => {
    const serial = service.itemCodes.reduce((s, c) => s + (items.get(c)?.statutoryLimitDays ?? 0), 0);
    const share = JOINT_SHARE_MIN + g.rand() * (JOINT_SHARE_MAX - JOINT_SHARE_MIN);
    const used = Math.max(1, Math.min(service.jointLimitDays, Math.round(serial * share)));
    seq += 1;
    const r = jointRows(
      {
        receiptNumber: `HZ${acceptedOn.replaceAll('-', '')}J${g.run}${String(seq).padStart(4, '0')}`,
        verificationCode: Array.from(
          { length: 6 },
          () => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[Math.floor(g.rand() * 32)],
        ).join(''),
        service,
        items,
        acceptedOn,
        asOf: g.asOf,
        projectName: project,
        applicant: { ...applicant, phone: `13${String(Math.floor(g.rand() * 1e9)).padStart(9, '0')}` },
        channel: g.rand() < 0.5 ? 'WINDOW' : 'ONLINE',
        branches: jointBranches(g, items, service.itemCodes, used),
      },
      g.calendar,
    );
    rows.push(r);
    return r;
  };
  for (let p = 0; p < projects; p++) {
    const project = `${pick(PROJECT_PLACES, g.rand)}${pick(PROJECT_KINDS, g.rand)}项目（${g.run}-${String(p + 1).padStart(3, '0')}）`;
    const enterprise = g.enterprises.length > 0 && g.rand() < 0.5 ? pick(g.enterprises, g.rand) : null;
    const applicant = enterprise ?? {
      uscc: makeUscc(`91440105${Array.from({ length: 9 }, () => USCC_CHARSET[Math.floor(g.rand() * 31)]).join('')}`),
      name: `广州${pick(PROJECT_PLACES, g.rand)}建设发展有限公司`,
    };
    const first = application(construction, pick(starts, g.rand), project, applicant);
    const concluded = first.application.concludedOn;
    if (startUp && concluded instanceof Date && g.rand() < START_UP_SHARE) {
      const next = g.calendar.addWorkingDays(toLocal(concluded), 5 + Math.floor(g.rand() * 20));
      if (g.calendar.addWorkingDays(next, startUp.jointLimitDays) <= g.asOf)
        application(startUp, next, project, applicant);
    }
  }
  return rows;
}

export async function generateCases(
  prisma: PrismaClient,
  o: GenerateOptions,
): Promise<{ cases: number; from: LocalDate; to: LocalDate; jointApplications: number; keyProjects: number }> {
  const { g, from } = await prepare(prisma, o);
  const projects = o.keyProjects ?? Math.round((o.count * SOURCE_KEY_PROJECTS) / SOURCE_CASES);
  // Drawn from a stream of their own, so the ordinary cases of a seed stay what they were.
  const joint = await keyProjects(prisma, { ...g, rand: rng((o.seed ?? 20_140_101) + 1) }, projects);
  const branches = joint.reduce((s, r) => s + r.cases.length, 0);
  const count = Math.max(0, o.count - branches);
  const chunk = o.chunkSize ?? 1000;
  let done = 0;
  while (done < count) {
    const n = Math.min(chunk, count - done);
    const generated = Array.from({ length: n }, (_, k) => generateCase(g, done + k));
    // Set-based (one JSON parameter per table): createMany costs seconds per thousand cases here.
    await insertRows(
      prisma,
      'Case',
      generated.map((x) => x.case),
      { updatedAt: true },
    );
    await insertRows(
      prisma,
      'CasePause',
      generated.flatMap((x) => x.pauses),
    );
    await insertRows(
      prisma,
      'CaseEvent',
      generated.flatMap((x) => x.events),
    );
    done += n;
    o.onProgress?.(done, count);
  }
  await prisma.$transaction((tx) => insertJointRows(tx, joint));
  return {
    cases: done + branches,
    from,
    to: g.asOf,
    jointApplications: joint.length,
    keyProjects: new Set(joint.map((r) => r.application.projectName)).size,
  };
}
