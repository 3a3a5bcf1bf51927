/**
 * Licence status rules: which action is allowed from which stored status, and the status a
 * reader sees (EXPIRED is derived from validUntil in the Asia/Shanghai day, never stored).
 */
import type { LicenceAction, LicenceStatus } from '../../generated/prisma/enums.js';

export type VisibleLicenceStatus = LicenceStatus | 'EXPIRED';

/** Allowed source statuses and the resulting status of each lifecycle action. */
export const TRANSITIONS: Record<
  Exclude<LicenceAction, 'ISSUED' | 'AMENDED'>,
  { from: LicenceStatus[]; to: LicenceStatus }
> = {
  SUSPENDED: { from: ['VALID'], to: 'SUSPENDED' },
  REINSTATED: { from: ['SUSPENDED'], to: 'VALID' },
  REVOKED: { from: ['VALID', 'SUSPENDED'], to: 'REVOKED' },
  CANCELLED: { from: ['VALID', 'SUSPENDED'], to: 'CANCELLED' },
};
export type TransitionAction = keyof typeof TRANSITIONS;

/** The lifecycle action that takes a licence from one status to another, if any. */
export function actionFor(from: LicenceStatus, to: LicenceStatus): TransitionAction | undefined {
  return (Object.keys(TRANSITIONS) as TransitionAction[]).find(
    (a) => TRANSITIONS[a].from.includes(from) && TRANSITIONS[a].to === to,
  );
}

/** The statuses a licence can move to from a status (for messages). */
export function reachableFrom(from: LicenceStatus): LicenceStatus[] {
  return Object.values(TRANSITIONS)
    .filter((t) => t.from.includes(from))
    .map((t) => t.to);
}

/**
 * Actions still allowed once a VALID licence has expired (derived EXPIRED status): only 注销, which
 * the Administrative Licensing Law (art. 70) prescribes for a licence whose validity ran out.
 * Suspending or revoking a licence that is no longer in force would change nothing but the record.
 */
export const ALLOWED_WHEN_EXPIRED: readonly TransitionAction[] = ['CANCELLED'];

/** The statuses, as a reader sees them, an action is allowed from. */
export function allowedFrom(action: TransitionAction): VisibleLicenceStatus[] {
  return [...TRANSITIONS[action].from, ...(ALLOWED_WHEN_EXPIRED.includes(action) ? (['EXPIRED'] as const) : [])];
}

/** Statuses in which a licence may still be amended. */
export const AMENDABLE: LicenceStatus[] = ['VALID', 'SUSPENDED'];

/** Today's date in China Standard Time (UTC+8, no daylight saving), as a UTC-midnight Date. */
export function shanghaiToday(now: Date = new Date()): Date {
  const local = new Date(now.getTime() + 8 * 3600_000);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()));
}

/** What a reader sees: a VALID licence past its last valid day is EXPIRED. */
export function visibleStatus(
  l: { status: LicenceStatus; validUntil: Date | null },
  now: Date = new Date(),
): VisibleLicenceStatus {
  if (l.status === 'VALID' && l.validUntil && l.validUntil < shanghaiToday(now)) return 'EXPIRED';
  return l.status;
}

/** Whether the licence is in force on a day (valid status, within its validity dates). */
export function inForceOn(l: { status: LicenceStatus; validFrom: Date; validUntil: Date | null }, day: Date): boolean {
  return l.status === 'VALID' && l.validFrom <= day && (l.validUntil === null || l.validUntil >= day);
}
