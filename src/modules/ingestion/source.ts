/**
 * Where ingested records come from, and how a record's content is fingerprinted for once-only.
 */
import { createHash } from 'node:crypto';
import type { CanonicalRecord } from '../../../adapters/canonical.js';

export interface IngestSource {
  /** The department system the records come from (provenance). */
  systemId: string;
  departmentCode: string;
}

/** The fingerprint of a record's content: the same record sent again is recognised by it. */
export function contentHash(record: CanonicalRecord): string {
  return createHash('sha256').update(JSON.stringify(record)).digest('hex');
}
