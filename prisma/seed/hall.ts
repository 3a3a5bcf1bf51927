/**
 * Demo data of the online hall: booking slots on the working days of the next weeks, past
 * bookings (kept, missed, cancelled), a demo applicant (13800138000) acting for a demo enterprise
 * with two drafts (one awaiting pre-review, one returned with its list of fixes), evaluations of
 * concluded cases (one low score with its open follow-up), and complaints and consultations (one
 * answered, one open). Idempotent: slots are added only where missing; the rest only once.
 */
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import type { AcceptancePlace, BookingStatus } from '../../src/generated/prisma/enums.js';
import {
  addDays,
  fromLocal,
  itemMaterials,
  loadWorkingCalendar,
  shanghaiToday,
  type LocalDate,
} from '../../src/modules/approvals/index.js';
import type { FileStorage } from '../../src/platform/storage/index.js';

/** The number the README signs in with; the demo data below belongs to it. */
export const DEMO_APPLICANT_PHONE = '13800138000';
const SLOT_TIMES = ['09:00-10:00', '10:00-11:00', '14:30-15:30', '15:30-16:30'];
const SLOT_CAPACITY = 5;
const WEEKS_AHEAD = 3;
// A small but real PDF: the upload check reads the first bytes.
const DEMO_PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

export interface HallSeedResult {
  slots: number;
  bookings: number;
  drafts: number;
  evaluations: number;
  tickets: number;
}

function daysBetween(from: LocalDate, to: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Slots for every item that needs a visit (online level NONE, BOOKING or PRE_REVIEW) at each of its places. */
async function seedSlots(prisma: PrismaClient, days: LocalDate[]): Promise<number> {
  const items = await prisma.serviceItem.findMany({
    where: { online: { in: ['NONE', 'BOOKING', 'PRE_REVIEW'] } },
    select: { code: true, acceptedAt: true },
    orderBy: { code: 'asc' },
  });
  const rows = items.flatMap((item) =>
    item.acceptedAt.flatMap((place: AcceptancePlace) =>
      days.flatMap((day) =>
        SLOT_TIMES.map((slot) => ({ place, itemCode: item.code, day: fromLocal(day), slot, capacity: SLOT_CAPACITY })),
      ),
    ),
  );
  const r = await prisma.bookingSlot.createMany({ data: rows, skipDuplicates: true });
  return r.count;
}

/** Past bookings of the last two working weeks, so the booking success rate has something to count. */
async function seedPastBookings(prisma: PrismaClient, accountIds: string[], pastDays: LocalDate[]): Promise<number> {
  const item = await prisma.serviceItem.findFirst({ where: { online: 'BOOKING' }, orderBy: { code: 'asc' } });
  const place = item?.acceptedAt[0];
  if (!item || !place) return 0;
  let n = 0;
  for (const [i, day] of pastDays.entries()) {
    const slot = await prisma.bookingSlot.upsert({
      where: { place_itemCode_day_slot: { place, itemCode: item.code, day: fromLocal(day), slot: SLOT_TIMES[0]! } },
      create: { place, itemCode: item.code, day: fromLocal(day), slot: SLOT_TIMES[0]!, capacity: SLOT_CAPACITY },
      update: {},
    });
    if ((await prisma.booking.count({ where: { slotId: slot.id } })) > 0) continue;
    // Per day: two kept, one missed every third day, one cancelled every other day.
    const statuses: BookingStatus[] = ['KEPT', 'KEPT'];
    if (i % 3 === 0) statuses.push('MISSED');
    if (i % 2 === 0) statuses.push('CANCELLED');
    const at = new Date(`${day}T02:00:00.000Z`);
    for (const [k, status] of statuses.entries()) {
      await prisma.booking.create({
        data: {
          slotId: slot.id,
          accountId: accountIds[k % accountIds.length]!,
          status,
          createdAt: new Date(at.getTime() - 3 * 86_400_000),
          ...(status === 'CANCELLED' ? { cancelledAt: new Date(at.getTime() - 86_400_000) } : { attendedAt: at }),
        },
      });
      n += 1;
    }
    const held = statuses.filter((s) => s !== 'CANCELLED').length;
    await prisma.bookingSlot.update({ where: { id: slot.id }, data: { booked: held } });
  }
  return n;
}

export async function seedHall(
  prisma: PrismaClient,
  opts: { files?: FileStorage | undefined; now?: Date } = {},
): Promise<HallSeedResult> {
  const now = opts.now ?? new Date();
  const today = shanghaiToday(now);
  const calendar = await loadWorkingCalendar(prisma);
  const ahead = daysBetween(addDays(today, 1), addDays(today, 7 * WEEKS_AHEAD)).filter((d) => calendar.isWorkingDay(d));
  const past = daysBetween(addDays(today, -14), addDays(today, -1)).filter((d) => calendar.isWorkingDay(d));
  const slots = await seedSlots(prisma, ahead);

  const demo = await prisma.hallAccount.upsert({
    where: { phone: DEMO_APPLICANT_PHONE },
    create: { phone: DEMO_APPLICANT_PHONE, name: '演示用户' },
    update: {},
  });
  const others = await Promise.all(
    ['13800138001', '13800138002', '13800138003'].map((phone) =>
      prisma.hallAccount.upsert({ where: { phone }, create: { phone }, update: {} }),
    ),
  );
  const bookings = await seedPastBookings(
    prisma,
    others.map((a) => a.id),
    past,
  );
  // The rest once: the demo applicant's drafts say whether it was done.
  if ((await prisma.hallDraft.count({ where: { accountId: demo.id } })) > 0)
    return { slots, bookings, drafts: 0, evaluations: 0, tickets: 0 };

  // The demo applicant acts for the enterprise with the most recently concluded case, as its legal representative.
  const recent = await prisma.case.findMany({
    where: { state: 'CONCLUDED', applicantUscc: { not: null }, concludedAt: { lte: now } },
    orderBy: [{ concludedAt: 'desc' }, { receiptNumber: 'asc' }],
    take: 12,
  });
  const uscc = recent[0]?.applicantUscc ?? null;
  if (uscc) {
    await prisma.hallEnterpriseLink.upsert({
      where: { accountId_uscc: { accountId: demo.id, uscc } },
      create: { accountId: demo.id, uscc, via: 'LEGAL_REPRESENTATIVE' },
      update: {},
    });
  }
  const enterprise = uscc ? await prisma.enterprise.findUnique({ where: { uscc } }) : null;

  // One upcoming booking of the demo applicant, on the first open slot of a BOOKING item.
  const slot = await prisma.bookingSlot.findFirst({
    where: { day: { gte: fromLocal(addDays(today, 1)) }, capacity: { gt: 0 }, itemCode: { startsWith: 'HZ-MR' } },
    orderBy: [{ day: 'asc' }, { slot: 'asc' }, { itemCode: 'desc' }],
  });
  if (slot) {
    await prisma.$transaction([
      prisma.bookingSlot.update({ where: { id: slot.id }, data: { booked: { increment: 1 } } }),
      prisma.booking.create({ data: { slotId: slot.id, accountId: demo.id } }),
    ]);
  }

  // Drafts: one awaiting pre-review, one returned with the one-time list of fixes.
  const [pending, returned] = await Promise.all(
    ['HZ-MR-005', 'HZ-HE-001'].map((code) => prisma.serviceItem.findUnique({ where: { code } })),
  );
  let drafts = 0;
  const person = enterprise ? { name: enterprise.name, uscc: enterprise.uscc } : { name: '演示用户', uscc: null };
  for (const [item, state] of [
    [pending, 'PENDING_REVIEW'],
    [returned, 'RETURNED'],
  ] as const) {
    if (!item) continue;
    const materials = itemMaterials(item);
    const enterpriseItem = item.audience !== 'PERSON';
    const d = await prisma.hallDraft.create({
      data: {
        accountId: demo.id,
        itemCode: item.code,
        departmentCode: item.departmentCode,
        applicantUscc: enterpriseItem ? person.uscc : null,
        applicantName: enterpriseItem ? person.name : '演示用户',
        applicantIdNumber: enterpriseItem ? null : '11010519491231002X',
        applicantPhone: DEMO_APPLICANT_PHONE,
        state,
        ...(state === 'RETURNED'
          ? {
              returnedItems: [
                { materialCode: materials[0]?.code ?? null, note: '第3栏“经营场所面积”未填写，请补填后重新上传' },
                { materialCode: materials[1]?.code ?? null, note: '须加盖单位公章，请上传盖章后的扫描件' },
              ],
              returnedAt: new Date(now.getTime() - 86_400_000),
              reviewedAt: new Date(now.getTime() - 86_400_000),
            }
          : {}),
      },
    });
    drafts += 1;
    if (opts.files) {
      const stored = await opts.files.put(DEMO_PDF);
      const first = materials[0];
      await prisma.hallFile.create({
        data: {
          draftId: d.id,
          materialCode: first?.code ?? 'M01',
          fileName: `${first?.name ?? '申请表'}.pdf`,
          contentType: 'application/pdf',
          size: stored.size,
          sha256: stored.sha256,
          storageKey: stored.key,
        },
      });
    }
  }

  // Evaluations of recently concluded cases; the first case of the demo enterprise is left for the demo applicant to rate.
  const toRate = recent.filter((c, i) => !(i === 0 && c.applicantUscc === uscc));
  const stars = [5, 5, 4, 5, 3, 4, 1, 5, 4, 5, 2];
  let evaluations = 0;
  for (const [i, c] of toRate.slice(0, stars.length).entries()) {
    const s = stars[i]!;
    const at = new Date(Math.min(now.getTime(), (c.concludedAt ?? now).getTime() + 3 * 3600_000));
    const followUp = s <= 2;
    const e = await prisma.evaluation.create({
      data: {
        caseId: c.id,
        accountId: c.applicantUscc === uscc ? demo.id : null,
        departmentCode: c.departmentCode,
        itemCode: c.itemCode,
        stars: s,
        tags: s >= 4 ? ['办事效率高', '一次办成'] : s === 3 ? ['等候时间长'] : ['材料反复提交', '流程不清楚'],
        comment: s >= 4 ? '窗口服务热情，一次办好。' : s === 3 ? null : '材料要求前后说法不一致，跑了两趟。',
        channel: c.applicantUscc === uscc ? 'HALL' : 'RECEIPT',
        followUp,
        // The 2-star follow-up is closed; the 1-star one is still open for the department.
        ...(s === 2 ? { followUpClosedAt: at, followUpNote: '已电话回访，说明材料清单并致歉。' } : {}),
        createdAt: at,
      },
    });
    if (followUp) {
      await prisma.notification.create({
        data: {
          caseId: c.id,
          kind: 'EVALUATION_FOLLOW_UP',
          audience: 'DEPARTMENT',
          recipient: c.departmentCode,
          payload: {
            text: `办件${c.receiptNumber}收到${s}星差评，请回访整改。`,
            receiptNumber: c.receiptNumber,
            evaluationId: e.id,
          },
          createdAt: at,
        },
      });
    }
    evaluations += 1;
  }

  // Complaints and consultations: a complaint answered on time, a consultation still open, a consultation answered.
  const openedOn = past.at(-3) ?? today;
  const due = (from: LocalDate) => fromLocal(calendar.addWorkingDays(from, 5));
  const tickets = [
    {
      kind: 'COMPLAINT' as const,
      departmentCode: 'MR',
      itemCode: 'HZ-MR-005',
      subject: '窗口排队时间过长',
      body: '上午在区政务服务中心市场监管窗口排队近两小时，希望增加窗口。',
      openedOn,
      answer: '已在高峰时段增开两个食品经营许可窗口，并开通网上预约，感谢您的监督。',
    },
    {
      kind: 'CONSULTATION' as const,
      departmentCode: 'HE',
      itemCode: 'HZ-HE-001',
      subject: '公共场所卫生许可需要现场核查吗？',
      body: '新开一家理发店，申请公共场所卫生许可是否需要现场核查？大概多久？',
      openedOn: today,
      answer: null,
    },
    {
      kind: 'CONSULTATION' as const,
      departmentCode: 'FR',
      itemCode: null,
      subject: '告知承诺方式办理消防安全检查的条件',
      body: '哪些场所可以用告知承诺方式办理公众聚集场所投入使用、营业前消防安全检查？',
      openedOn: past.at(-5) ?? today,
      answer: '除有关规定列明的情形外，均可选择告知承诺方式，详见办事指南 HZ-FR-002。',
    },
  ];
  for (const t of tickets) {
    const created = new Date(`${t.openedOn}T03:00:00.000Z`);
    const answeredOn = t.answer ? calendar.addWorkingDays(t.openedOn, 1) : null;
    await prisma.hallTicket.create({
      data: {
        kind: t.kind,
        accountId: demo.id,
        departmentCode: t.departmentCode,
        itemCode: t.itemCode,
        subject: t.subject,
        body: t.body,
        dueOn: due(t.openedOn),
        createdAt: created,
        ...(t.answer && answeredOn
          ? {
              answer: t.answer,
              answeredOn: fromLocal(answeredOn),
              answeredAt: new Date(Math.min(now.getTime(), new Date(`${answeredOn}T06:00:00.000Z`).getTime())),
            }
          : {}),
      },
    });
  }
  return { slots, bookings, drafts, evaluations, tickets: tickets.length };
}
