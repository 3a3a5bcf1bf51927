/**
 * Where ingested records come from, and how a record's content is fingerprinted for once-only
 * (once per record object: mapped records are not changed after mapping).
 */
import { createHash } from 'node:crypto';
import type { CanonicalRecord } from '../../../adapters/canonical.js';

export interface IngestSource {
  /** The department system the records come from (provenance). */
  systemId: string;
  departmentCode: string;
}

const hashes = new WeakMap<CanonicalRecord, string>();

/** The fingerprint of a record's content: the same record sent again is recognised by it. */
export function contentHash(record: CanonicalRecord): string {
  let hash = hashes.get(record);
  if (hash === undefined) {
    hash = createHash('sha256').update(JSON.stringify(record)).digest('hex');
    hashes.set(record, hash);
  }
  return hash;
}
