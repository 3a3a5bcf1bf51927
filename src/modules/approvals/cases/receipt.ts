/**
 * The receipt (受理回执) identifiers: the receipt number and the verification code printed with it,
 * which together unlock the public progress of a case.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import type { LocalDate } from '../calendar/store.js';

// No I, O, 0 or 1: the code is read off paper and typed in.
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function verificationCode(): string {
  return Array.from({ length: 6 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
}

/** HZ, the day, and 8 random digits; a collision is caught by the unique index and retried. */
export function receiptNumber(today: LocalDate): string {
  return `HZ${today.replaceAll('-', '')}${String(randomInt(100_000_000)).padStart(8, '0')}`;
}

/** Constant-time comparison of the verification code printed on a receipt. */
export function codeMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected.toUpperCase());
  const b = Buffer.from(given.trim().toUpperCase());
  return a.length === b.length && timingSafeEqual(a, b);
}
