/**
 * The notification outbox: messages to applicants and departments are written as rows in the
 * same transaction as the case change they report, and delivered later by the workers, so a
 * failing SMS gateway never blocks or undoes a case transaction.
 */
import { z } from 'zod';
import type { Prisma } from '../../../generated/prisma/client.js';

export type NotificationKind =
  | 'ACCEPTED'
  | 'MATERIALS_MISSING'
  | 'NOT_ACCEPTED'
  | 'PAUSED'
  | 'RESUMED'
  | 'CONCLUDED'
  | 'REMINDER_YELLOW'
  | 'REMINDER_RED'
  // Written by the supervision module.
  | 'TARGETED_PUSH'
  | 'ADMONITION';

/** What a notifier driver receives. Holds no personal data except the recipient's phone. */
export interface OutgoingMessage {
  id: string;
  kind: string;
  audience: 'APPLICANT' | 'DEPARTMENT';
  /** A phone number (applicant) or a department code. */
  recipient: string;
  /** The text to send (SMS wording). */
  text: string;
  receiptNumber: string | null;
  /** Public progress link (applicant messages). */
  progressUrl: string | null;
  data: Record<string, unknown>;
}

export interface NotificationPayload {
  text: string;
  receiptNumber: string;
  progressUrl?: string;
  [key: string]: unknown;
}

const payloadShape = z.record(z.string(), z.unknown());

/** Notification.payload as {@link enqueueNotification} writes it (an object); anything else reads as empty, and the message falls back to its kind. */
export function notificationPayload(json: unknown): Record<string, unknown> {
  const parsed = payloadShape.safeParse(json);
  return parsed.success ? parsed.data : {};
}

/** Adds a message to the outbox; call inside the case change's transaction. */
export async function enqueueNotification(
  tx: Prisma.TransactionClient,
  n: {
    caseId: string;
    kind: NotificationKind;
    audience: 'APPLICANT' | 'DEPARTMENT';
    recipient: string;
    payload: NotificationPayload;
  },
): Promise<void> {
  await tx.notification.create({
    data: {
      caseId: n.caseId,
      kind: n.kind,
      audience: n.audience,
      recipient: n.recipient,
      payload: JSON.parse(JSON.stringify(n.payload)) as Prisma.InputJsonValue,
    },
  });
}

export function progressUrl(publicUrl: string, receiptNumber: string, code: string): string {
  return `${publicUrl}/progress?receipt=${encodeURIComponent(receiptNumber)}&code=${encodeURIComponent(code)}`;
}
