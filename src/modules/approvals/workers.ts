/**
 * Background work of the approval workflow inside a hub process (notification delivery,
 * traffic-light reminders, deemed acceptance under art. 32). `stop` waits for the current round to finish.
 */
import type { Notification } from '../../generated/prisma/client.js';
import type { Platform } from '../../platform/context.js';
import { loadWorkingCalendar, shanghaiToday } from './calendar/store.js';
import { deemOverdueAcceptances } from './cases/acceptance.js';
import { caseClock, pausesOf } from './cases/shared.js';
import { OPEN_STATES } from './cases/lifecycle.js';
import { createNotifier, type Notifier } from './notifications/notifier.js';
import { enqueueNotification, notificationPayload, type OutgoingMessage } from './notifications/outbox.js';

const MAX_BACKOFF_MS = 3_600_000;
const BATCH = 50;

/** Delay before attempt `attempts + 1`: base × 2^(attempts − 1), capped at one hour. */
export function backoffMs(base: number, attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, base * 2 ** Math.max(0, attempts - 1));
}

function toMessage(n: Notification): OutgoingMessage {
  const { text, receiptNumber, progressUrl, ...data } = notificationPayload(n.payload);
  return {
    id: n.id,
    kind: n.kind,
    audience: n.audience === 'DEPARTMENT' ? 'DEPARTMENT' : 'APPLICANT',
    recipient: n.recipient,
    text: typeof text === 'string' ? text : n.kind,
    receiptNumber: typeof receiptNumber === 'string' ? receiptNumber : null,
    progressUrl: typeof progressUrl === 'string' ? progressUrl : null,
    data,
  };
}

/**
 * One delivery round: claims due PENDING messages (a lease, so two hub processes never send the
 * same message at once), sends each, and marks it SENT or schedules the next attempt. After
 * maxAttempts a message stays in the table as FAILED for an operator; nothing is deleted.
 */
export async function deliverDueNotifications(
  platform: Platform,
  notifier: Notifier,
  now: Date = new Date(),
): Promise<{ sent: number; failed: number }> {
  const { prisma, config, logger } = platform;
  const due = await prisma.notification.findMany({
    where: { status: 'PENDING', nextAttemptAt: { lte: now } },
    orderBy: { nextAttemptAt: 'asc' },
    take: BATCH,
  });
  let sent = 0;
  let failed = 0;
  for (const n of due) {
    const lease = new Date(now.getTime() + config.notifier.timeoutMs * 2);
    const claimed = await prisma.notification.updateMany({
      where: { id: n.id, status: 'PENDING', attempts: n.attempts },
      data: { attempts: { increment: 1 }, nextAttemptAt: lease },
    });
    if (claimed.count === 0) continue;
    const attempts = n.attempts + 1;
    try {
      await notifier.send(toMessage(n));
      await prisma.notification.update({
        where: { id: n.id },
        data: { status: 'SENT', sentAt: new Date(), lastError: null },
      });
      sent += 1;
    } catch (err) {
      failed += 1;
      const message = err instanceof Error ? err.message : String(err);
      const giveUp = attempts >= config.notifier.maxAttempts;
      await prisma.notification.update({
        where: { id: n.id },
        data: {
          status: giveUp ? 'FAILED' : 'PENDING',
          lastError: message.slice(0, 1000),
          nextAttemptAt: new Date(Date.now() + backoffMs(config.notifier.backoffMs, attempts)),
        },
      });
      logger.warn(
        { notification: n.id, kind: n.kind, attempts, giveUp, driver: notifier.name, err: message },
        'notification delivery failed',
      );
    }
  }
  return { sent, failed };
}

/**
 * Sends a reminder to the department each time an open case's light turns YELLOW or RED (once
 * per change, remembered in Case.lastLight); turning back to GREEN after a pause is recorded silently.
 */
export async function emitTrafficLightReminders(platform: Platform, now: Date = new Date()): Promise<number> {
  const { prisma } = platform;
  const today = shanghaiToday(now);
  const calendar = await loadWorkingCalendar(prisma);
  const open = await prisma.case.findMany({
    where: { state: { in: OPEN_STATES }, acceptedOn: { not: null } },
    include: { pauses: { select: { fromDate: true, toDate: true } }, item: { select: { name: true } } },
  });
  let emitted = 0;
  for (const c of open) {
    const clock = caseClock(calendar, c, pausesOf(c.pauses), platform, today);
    if (!clock || clock.light === c.lastLight) continue;
    const light = clock.light;
    await prisma.$transaction(async (tx) => {
      const { count } = await tx.case.updateMany({
        where: { id: c.id, lastLight: c.lastLight, state: c.state },
        data: { lastLight: light },
      });
      if (count === 0 || light === 'GREEN') return;
      const text =
        light === 'RED'
          ? `【红灯】办件${c.receiptNumber}（${c.item.name}）已超过办理期限${clock.deadline}，超期${-clock.remainingWorkingDays}个工作日，请立即处理。`
          : `【黄灯】办件${c.receiptNumber}（${c.item.name}）临近办理期限${clock.deadline}，剩余${clock.remainingWorkingDays}个工作日。`;
      await enqueueNotification(tx, {
        caseId: c.id,
        kind: light === 'RED' ? 'REMINDER_RED' : 'REMINDER_YELLOW',
        audience: 'DEPARTMENT',
        recipient: c.departmentCode,
        payload: {
          text,
          receiptNumber: c.receiptNumber,
          light,
          deadline: clock.deadline,
          remainingWorkingDays: clock.remainingWorkingDays,
        },
      });
      emitted += 1;
    });
  }
  return emitted;
}

export function startApprovalWorkers(platform: Platform): { stop(): Promise<void> } {
  const notifier = createNotifier(platform.config, platform.logger);
  const { intervalMs, reminderIntervalMs } = platform.config.notifier;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  let lastReminders = 0;

  const round = async () => {
    try {
      if (Date.now() - lastReminders >= reminderIntervalMs) {
        lastReminders = Date.now();
        // Deemed acceptance first: a case accepted this round gets its light in the same round.
        await deemOverdueAcceptances(platform);
        await emitTrafficLightReminders(platform);
      }
      await deliverDueNotifications(platform, notifier);
    } catch (err) {
      platform.logger.error({ err }, 'approval workers round failed');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = round().finally(schedule);
    }, intervalMs);
  };
  current = round().finally(schedule);
  platform.logger.info({ driver: notifier.name, intervalMs }, 'approval workers started');
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
