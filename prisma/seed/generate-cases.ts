/**
 * Generates a year of realistic demo cases in bulk (createMany in chunks) for the demo and the
 * statistics benchmark: about 51% through online channels, most concluded on time, some late,
 * some still open, a few with clock-stopping special stages. Deterministic for a given seed.
 */
import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient, ServiceItem } from '../../src/generated/prisma/client.js';
import type { CaseChannel, CaseState, PauseKind } from '../../src/generated/prisma/enums.js';
import { makeUscc, USCC_CHARSET } from '../../src/platform/uscc.js';
import { addDays, type Pause, type WorkingCalendar } from '../../src/modules/approvals/index.js';
import { fromLocal, loadWorkingCalendar, shanghaiToday, type LocalDate } from '../../src/modules/approvals/index.js';
import { handlingPath, SPECIAL_STAGE_KINDS } from '../../src/modules/approvals/index.js';

export interface GenerateOptions {
  count: number;
  /** Calendar year; default: the 365 days up to today. */
  year?: number;
  /** Also write the SUBMITTED / ACCEPTED / CONCLUDE events of each case (history). */
  events?: boolean;
  seed?: number;
  chunkSize?: number;
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

export async function generateCases(
  prisma: PrismaClient,
  o: GenerateOptions,
): Promise<{ cases: number; from: LocalDate; to: LocalDate }> {
  const { g, from } = await prepare(prisma, o);
  const chunk = o.chunkSize ?? 1000;
  let done = 0;
  while (done < o.count) {
    const n = Math.min(chunk, o.count - done);
    const generated = Array.from({ length: n }, (_, k) => generateCase(g, done + k));
    await prisma.case.createMany({ data: generated.map((x) => x.case) });
    const pauses = generated.flatMap((x) => x.pauses);
    const events = generated.flatMap((x) => x.events);
    if (pauses.length) await prisma.casePause.createMany({ data: pauses });
    if (events.length) await prisma.caseEvent.createMany({ data: events });
    done += n;
    o.onProgress?.(done, o.count);
  }
  return { cases: done, from, to: g.asOf };
}
