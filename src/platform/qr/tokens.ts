/** QR tokens: compact EdDSA JWS naming a licence or an enterprise, checked purely (no database) before any lookup. */
import { CompactSign, compactVerify, errors } from 'jose';
import { isValidUscc } from '../uscc.js';
import type { QrKeyRing } from './keys.js';
import { isUuid } from '../ids.js';

export type QrTargetType = 'licence' | 'enterprise';

export interface QrTarget {
  type: QrTargetType;
  /** Licence: a lower-case UUID. Enterprise: its 18-character Unified Social Credit Code. */
  id: string;
  /**
   * Licence only: its position in the published status list (claim `idx`), so an offline
   * verifier can check revocation. Tokens signed before the list existed have none.
   */
  statusIndex?: number | undefined;
}

export type QrTokenErrorCode = 'MALFORMED' | 'UNKNOWN_KEY' | 'BAD_SIGNATURE' | 'INVALID_PAYLOAD';

export type QrVerifyResult =
  { ok: true; target: QrTarget; kid: string; issuedAt: Date } | { ok: false; code: QrTokenErrorCode; message: string };

/**
 * Longest token accepted. Real tokens are about 230 characters (300 with a 64-character kid);
 * the cap stops oversized input before any decoding or cryptography.
 */
export const QR_TOKEN_MAX_LENGTH = 512;

/** One-letter type codes: every byte of the payload costs QR modules. */
const TYPE_CODE = { licence: 'l', enterprise: 'e' } as const satisfies Record<QrTargetType, string>;
const TYPE_OF_CODE: Readonly<Record<string, QrTargetType>> = { l: 'licence', e: 'enterprise' };

const KID_RE = /^[A-Za-z0-9._-]{1,64}$/;
const B64U_RE = /^[A-Za-z0-9_-]+$/;
const ED25519_SIGNATURE_BYTES = 64;

/** Why an id is not acceptable for its type, or null. Shared by signing and verifying so both agree. */
function idProblem(type: QrTargetType, id: string): string | null {
  if (type === 'licence') return isUuid(id, { lowerCase: true }) ? null : 'a licence id must be a lower-case UUID';
  return isValidUscc(id) ? null : 'an enterprise id must be a valid 18-character Unified Social Credit Code';
}

/** Signs a token for a licence or an enterprise with the ring's active key. */
export async function signQrToken(ring: QrKeyRing, target: QrTarget, now: Date = new Date()): Promise<string> {
  const type = target.type;
  if (type !== 'licence' && type !== 'enterprise') throw new RangeError(`unknown QR target type "${String(type)}"`);
  // UUIDs are case-insensitive; one spelling keeps one token per licence and makes the check exact.
  const id = type === 'licence' ? target.id.toLowerCase() : target.id;
  const problem = idProblem(type, id);
  if (problem) throw new RangeError(`cannot sign a QR token for "${target.id}": ${problem}`);
  const iat = Math.floor(now.getTime() / 1000);
  if (!Number.isSafeInteger(iat) || iat < 0) throw new RangeError('cannot sign a QR token: invalid issue time');
  const idx = target.statusIndex;
  if (idx !== undefined && (type !== 'licence' || !Number.isSafeInteger(idx) || idx < 0)) {
    throw new RangeError(
      'cannot sign a QR token: a status index is a non-negative integer, and only licences have one',
    );
  }
  const payload = JSON.stringify({ t: TYPE_CODE[type], i: id, iat, ...(idx !== undefined ? { idx } : {}) });
  // Only alg and kid: "typ" or anything else would lengthen every QR code for no verifier's benefit.
  return new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: 'EdDSA', kid: ring.active.kid })
    .sign(ring.active.privateKey);
}

type Refusal = Extract<QrVerifyResult, { ok: false }>;
const refuse = (code: QrTokenErrorCode, message: string): Refusal => ({ ok: false, code, message });

/**
 * Canonical base64url only: lenient decoders accept several spellings of the same bytes (spare
 * bits in the last character), which would let one signed token be rewritten into many.
 */
function decodeCanonical(part: string): Buffer | null {
  if (!B64U_RE.test(part)) return null;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : null;
}

function parseJsonObject(bytes: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function hasExactlyKeys(obj: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(obj);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(obj, k));
}

/**
 * Tokens this process has verified, per key ring, so a code scanned again (the common case: one
 * licence, many scans) costs no second signature check. Only successes are kept: a forged or
 * altered token is checked, and refused, every time, and cannot be made to fill the memo without
 * a signing key. A result depends on nothing but the token and the ring (no expiry, and a ring
 * does not change while it is in use), so a kept one is never stale. At most QR_VERIFY_MEMO_MAX a
 * ring, the oldest dropped first.
 */
const verified = new WeakMap<QrKeyRing, Map<string, QrVerifyResult>>();
export const QR_VERIFY_MEMO_MAX = 10_000;
let signatureChecks = 0;

/** How many signatures this process has checked (the memo's test counts them). */
export function qrSignatureChecks(): number {
  return signatureChecks;
}

/** Checks a token without any database access; never throws. */
export async function verifyQrToken(ring: QrKeyRing, token: string): Promise<QrVerifyResult> {
  let memo = verified.get(ring);
  const known = memo?.get(token);
  if (known) return known;
  try {
    const result = await verify(ring, token);
    if (result.ok) {
      if (!memo) verified.set(ring, (memo = new Map<string, QrVerifyResult>()));
      if (memo.size >= QR_VERIFY_MEMO_MAX) memo.delete(memo.keys().next().value!);
      memo.set(token, Object.freeze({ ...result, target: Object.freeze(result.target) }));
    }
    return result;
  } catch (err) {
    // Defensive: the checks above jose should leave nothing for it to reject except a signature.
    return refuse('MALFORMED', `the token could not be checked: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function verify(ring: QrKeyRing, token: unknown): Promise<QrVerifyResult> {
  // Structure first, cheaply, so garbage never reaches the key lookup or the cryptography.
  if (typeof token !== 'string' || token.length === 0) return refuse('MALFORMED', 'the token is empty');
  if (token.length > QR_TOKEN_MAX_LENGTH) {
    return refuse(
      'MALFORMED',
      `the token is ${token.length} characters long; QR tokens have at most ${QR_TOKEN_MAX_LENGTH}`,
    );
  }
  const parts = token.split('.');
  if (parts.length !== 3) {
    return refuse('MALFORMED', `a QR token has 3 parts separated by ".", this one has ${parts.length}`);
  }
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];

  const headerBytes = decodeCanonical(headerPart);
  const header = headerBytes && parseJsonObject(headerBytes);
  if (!header) return refuse('MALFORMED', 'the header is not a base64url-encoded JSON object');
  // Pin the algorithm before anything else: this is what refuses "none", HS256 and key confusion.
  if (header.alg !== 'EdDSA') {
    const alg = typeof header.alg === 'string' ? `"${header.alg.slice(0, 20)}"` : 'missing';
    return refuse('MALFORMED', `the algorithm is ${alg}; QR tokens are signed with EdDSA only`);
  }
  // Nothing but alg and kid: no embedded keys (jwk, jku, x5u), no crit, no unencoded payloads.
  if (!hasExactlyKeys(header, ['alg', 'kid'])) {
    return refuse('MALFORMED', 'the header must contain exactly "alg" and "kid"');
  }
  const kid = header.kid;
  if (typeof kid !== 'string' || !KID_RE.test(kid))
    return refuse('MALFORMED', 'the header "kid" is not a valid key id');
  if (!decodeCanonical(payloadPart)) return refuse('MALFORMED', 'the payload part is not valid base64url');
  const signature = decodeCanonical(signaturePart);
  if (!signature) return refuse('MALFORMED', 'the signature part is not valid base64url');
  if (signature.length !== ED25519_SIGNATURE_BYTES) {
    return refuse('MALFORMED', `the signature is ${signature.length} bytes; an Ed25519 signature is 64`);
  }

  const key = ring.verifying.get(kid);
  if (!key) return refuse('UNKNOWN_KEY', `the token is signed with key "${kid}", which is not (or no longer) trusted`);

  let payloadBytes: Uint8Array;
  try {
    signatureChecks += 1;
    ({ payload: payloadBytes } = await compactVerify(token, key, { algorithms: ['EdDSA'] }));
  } catch (err) {
    if (err instanceof errors.JWSSignatureVerificationFailed) {
      return refuse('BAD_SIGNATURE', `the signature does not match key "${kid}"; the token was altered or forged`);
    }
    return refuse('MALFORMED', `the token is not a valid JWS: ${err instanceof Error ? err.message : String(err)}`);
  }

  // Signed by us but not a shape we issue (an old format, or a bug): refuse rather than guess.
  const payload = parseJsonObject(Buffer.from(payloadBytes));
  if (!payload || !(hasExactlyKeys(payload, ['t', 'i', 'iat']) || hasExactlyKeys(payload, ['t', 'i', 'iat', 'idx']))) {
    return refuse(
      'INVALID_PAYLOAD',
      'the payload must be a JSON object with exactly "t", "i", "iat" and, for a licence, "idx"',
    );
  }
  const type =
    typeof payload.t === 'string' && Object.hasOwn(TYPE_OF_CODE, payload.t) ? TYPE_OF_CODE[payload.t] : undefined;
  if (!type) return refuse('INVALID_PAYLOAD', 'the payload type "t" must be "l" (licence) or "e" (enterprise)');
  const id = payload.i;
  if (typeof id !== 'string') return refuse('INVALID_PAYLOAD', 'the payload id "i" must be a string');
  const problem = idProblem(type, id);
  if (problem) return refuse('INVALID_PAYLOAD', `the payload id is not acceptable: ${problem}`);
  const iat = payload.iat;
  if (typeof iat !== 'number' || !Number.isSafeInteger(iat) || iat < 0) {
    return refuse('INVALID_PAYLOAD', 'the payload "iat" must be a non-negative integer (seconds since 1970)');
  }
  const idx = payload.idx;
  if (idx !== undefined && (type !== 'licence' || typeof idx !== 'number' || !Number.isSafeInteger(idx) || idx < 0)) {
    return refuse('INVALID_PAYLOAD', 'the payload "idx" must be a non-negative integer, and only in a licence token');
  }
  return {
    ok: true,
    target: { type, id, ...(idx !== undefined ? { statusIndex: idx } : {}) },
    kid,
    issuedAt: new Date(iat * 1000),
  };
}
