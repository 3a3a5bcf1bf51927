/**
 * The hall's background loop: day-before booking reminders and escalation of late complaints
 * and consultations. Each round is a plain function of `now`, so tests call it directly.
 */
import type { Platform } from '../../platform/context.js';
import type { Worker } from '../../platform/module.js';
import { remindTomorrowsBookings } from './booking.js';
import { escalateLateTickets } from './feedback.js';

export async function hallRound(
  platform: Pick<Platform, 'prisma' | 'logger'>,
  now = new Date(),
): Promise<{ reminded: number; escalated: number }> {
  return {
    reminded: await remindTomorrowsBookings(platform, now),
    escalated: await escalateLateTickets(platform, now),
  };
}

export function startHallWorker(platform: Platform): Worker {
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    current = hallRound(platform)
      .catch((err: unknown) => platform.logger.error({ err }, 'hall worker round failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, platform.config.notifier.reminderIntervalMs);
      });
  };
  let timer: NodeJS.Timeout = setTimeout(tick, 1000);
  return {
    name: 'hall',
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
