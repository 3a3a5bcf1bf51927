/**
 * Who is calling: the public (no key), a department system with its scopes, or an applicant
 * signed in to the online hall (a session cookie; no scopes, only their own records).
 */
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
    }
  | { kind: 'applicant'; accountId: string };

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
