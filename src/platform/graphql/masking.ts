/**
 * Masks personal data for callers without the scope to read it (keeps enough to recognise it),
 * in API fields and in change-feed payloads alike.
 */
import type { ChangeEntity } from '../../generated/prisma/enums.js';
import type { Scope } from '../auth/scopes.js';

export function maskIdNumber(id: string): string {
  if (id.length <= 4) return '*'.repeat(id.length);
  if (id.length < 10) return `${id.slice(0, 1)}${'*'.repeat(id.length - 2)}${id.slice(-1)}`;
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(phone.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

interface PersonalField {
  mask: (value: string) => string;
  /** The scope that reads the value unmasked. */
  scope: Scope;
}

/**
 * The personal fields each kind of feed event can carry, with the same masks and scopes as the
 * API's fields of that entity (Enterprise.legalRepresentativeIdNumber, Enterprise.contactPhone).
 * Licences and penalties carry no personal data; case applicants never reach the feed (a
 * concluded case shows up as its LICENCE event, which names the holder enterprise only).
 */
const PERSONAL_FIELDS: Readonly<Record<ChangeEntity, Readonly<Record<string, PersonalField>>>> = {
  ENTERPRISE: {
    legalRepresentativeIdNumber: { mask: maskIdNumber, scope: 'enterprise:read-personal' },
    contactPhone: { mask: maskPhone, scope: 'enterprise:read-personal' },
  },
  LICENCE: {},
  PENALTY: {},
};

/** A field's value masked: a string, or each side of a `{ from, to }` pair; anything else is withheld. */
function maskValue(value: unknown, mask: (v: string) => string): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return mask(value);
  if (typeof value === 'object' && !Array.isArray(value) && ('from' in value || 'to' in value)) {
    const pair = value as { from?: unknown; to?: unknown };
    return { from: maskValue(pair.from, mask), to: maskValue(pair.to, mask) };
  }
  return null;
}

/**
 * A change event's `changes` as a caller with these scopes may see it: personal fields masked
 * unless a scope allows them. The one rule for the `changes` query, subscriptions and webhooks.
 */
export function maskChanges(entityType: ChangeEntity, changes: unknown, scopes: readonly Scope[]): unknown {
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) return changes;
  const personal = PERSONAL_FIELDS[entityType];
  let out: Record<string, unknown> | null = null;
  for (const [field, rule] of Object.entries(personal)) {
    if (!Object.hasOwn(changes, field) || scopes.includes(rule.scope)) continue;
    out ??= { ...(changes as Record<string, unknown>) };
    out[field] = maskValue(out[field], rule.mask);
  }
  return out ?? changes;
}
