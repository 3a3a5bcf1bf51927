/**
 * The materials rule every view of a case shares: what of the one-time notice is still outstanding.
 */
import type { Case } from '../../../generated/prisma/client.js';
import { materialsReceived, oneTimeNotice, type MaterialRef } from './json.js';

/** Materials of the notice of which fewer copies than asked for have been received. */
export function outstandingOf(notice: readonly MaterialRef[], received: readonly MaterialRef[]): MaterialRef[] {
  const got = new Map(received.map((m) => [m.code, m.copies]));
  return notice.filter((m) => (got.get(m.code) ?? 0) < m.copies);
}

/** The case's materials still outstanding on its one-time notice. */
export function outstandingMaterials(c: Pick<Case, 'id' | 'materialsReceived' | 'missingMaterials'>): MaterialRef[] {
  return outstandingOf(oneTimeNotice(c), materialsReceived(c));
}
