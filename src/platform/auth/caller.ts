/**
 * Who is calling: the public (no key), a department system with its scopes, or an applicant
 * signed in to the online hall (a session cookie; no scopes, only their own records), and what
 * the request says about itself (its id, and the purpose it states for reading personal data).
 */
import { randomUUID } from 'node:crypto';
import { forbidden, unauthenticated } from '../errors.js';
import type { Scope } from './scopes.js';

export type Caller =
  | { kind: 'public' }
  | {
      kind: 'system';
      systemId: string;
      systemName: string;
      departmentCode: string;
      scopes: readonly Scope[];
      keyId: string;
      /** The purpose the request states (header x-purpose); unmasked personal data is read only with one. */
      purpose?: string | undefined;
      /** The request's id (header x-request-id, or generated), recorded in the read audit. */
      requestId?: string | undefined;
    }
  | { kind: 'applicant'; accountId: string };

/** Header a caller states its purpose in; needed to read personal data unmasked. */
export const PURPOSE_HEADER = 'x-purpose';
export const REQUEST_ID_HEADER = 'x-request-id';
/** Longest purpose kept; a purpose is a sentence (a case number, a legal basis), not a document. */
export const PURPOSE_MAX_LENGTH = 500;
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * HTTP header values are bytes (Latin-1), so a purpose in Chinese travels percent-encoded as UTF-8
 * (encodeURIComponent); plain ASCII passes unchanged, and a stray "%" is kept as written.
 */
function decodePurpose(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The caller of one request: a fresh object (the key verifier's is shared and cached) carrying
 * the request's id and stated purpose. A malformed request id is replaced, never trusted.
 */
export function requestCaller(
  caller: Caller,
  headers: { purpose?: string | undefined; requestId?: string | undefined },
): Caller {
  if (caller.kind !== 'system') return caller;
  const purpose = decodePurpose(headers.purpose)?.trim().slice(0, PURPOSE_MAX_LENGTH);
  const requestId = headers.requestId && REQUEST_ID_RE.test(headers.requestId) ? headers.requestId : randomUUID();
  return { ...caller, purpose: purpose || undefined, requestId };
}

export const PUBLIC_CALLER: Caller = { kind: 'public' };

export function hasScope(caller: Caller, scope: Scope): boolean {
  return caller.kind === 'system' && caller.scopes.includes(scope);
}

/**
 * The one scope check of resolvers, services and routes: throws UNAUTHENTICATED for the public,
 * FORBIDDEN naming the scope for a system without it (routes map the code to an HTTP status).
 */
export function assertScope(caller: Caller, scope: Scope): asserts caller is Extract<Caller, { kind: 'system' }> {
  if (caller.kind !== 'system') {
    throw unauthenticated(`This operation needs an API key with the scope "${scope}" (Authorization: Bearer <key>)`);
  }
  if (!hasScope(caller, scope)) {
    throw forbidden(`The key of "${caller.systemName}" lacks the scope "${scope}"`, { requiredScope: scope });
  }
}
