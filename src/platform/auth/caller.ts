/**
 * Who is calling: the public (no key) or a department system with its scopes.
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
    };

export const PUBLIC_CALLER: Caller = { kind: 'public' };

export function hasScope(caller: Caller, scope: Scope): boolean {
  return caller.kind === 'system' && caller.scopes.includes(scope);
}

/** Throws UNAUTHENTICATED for the public, FORBIDDEN for a system without the scope. */
export function assertScope(caller: Caller, scope: Scope): asserts caller is Extract<Caller, { kind: 'system' }> {
  if (caller.kind !== 'system') {
    throw unauthenticated(`This operation needs an API key with the scope "${scope}" (Authorization: Bearer <key>)`);
  }
  if (!caller.scopes.includes(scope)) {
    throw forbidden(`The key of "${caller.systemName}" lacks the scope "${scope}"`, { requiredScope: scope });
  }
}
