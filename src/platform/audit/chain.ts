/**
 * The read audit's hash chain: each entry's hash covers the previous entry's hash and its own
 * canonical content, so editing, inserting or deleting an entry breaks every link after it.
 */
import { createHash } from 'node:crypto';

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an entry records; every field is covered by its hash. */
export interface AuditContent {
  seq: bigint;
  occurredAt: Date;
  systemId: string | null;
  departmentCode: string | null;
  keyId: string | null;
  entityType: string;
  entityId: string;
  fields: readonly string[];
  purpose: string;
  requestId: string;
}

/** A fixed-order JSON array: no key order or whitespace can make two spellings of one entry. */
export function canonicalContent(e: AuditContent): string {
  return JSON.stringify([
    e.seq.toString(),
    e.occurredAt.toISOString(),
    e.systemId,
    e.departmentCode,
    e.keyId,
    e.entityType,
    e.entityId,
    [...e.fields],
    e.purpose,
    e.requestId,
  ]);
}

export function entryHash(prevHash: string, e: AuditContent): string {
  return createHash('sha256').update(prevHash).update(canonicalContent(e)).digest('hex');
}
