/**
 * Applies canonical records inside one transaction: once-only by source record and version,
 * field ownership, provenance, history events and change-feed events, through the same domain
 * rules as the API. Enterprises (the bulk of every registry export) are applied set-wise
 * (enterprises.ts); licences (licences.ts) and penalties (penalties.ts) record by record; what
 * the batch accumulates is written at its end (batch.ts).
 */
import type { ParsedRecord } from '../../../adapters/adapter.js';
import type {
  CanonicalRecord,
  EnterpriseRegistration,
  LicenceIssue,
  PenaltyDecision,
} from '../../../adapters/canonical.js';
import { flushState, loadBatchState, type ApplyContext, type Result, type Tx } from './batch.js';
import { applyEnterprises } from './enterprises.js';
import { applyLicence } from './licences.js';
import { applyPenalty } from './penalties.js';

export type { ApplyContext, Outcome, Result } from './batch.js';

interface Input {
  record: CanonicalRecord;
  parsed: ParsedRecord;
}

export async function applyBatch(tx: Tx, ctx: ApplyContext, inputs: Input[]): Promise<Result[]> {
  ctx.touched = { enterprises: new Set(), licences: new Set() };
  if (inputs.length === 0) return [];
  const state = await loadBatchState(
    tx,
    ctx,
    inputs.map((i) => i.record.sourceRecordId),
  );
  const results: Result[] = [];
  switch (ctx.adapter.kind) {
    case 'enterprise':
      results.push(
        ...(await applyEnterprises(
          tx,
          ctx,
          inputs.map((i) => i.record as EnterpriseRegistration),
          state,
        )),
      );
      break;
    case 'licence':
      for (const i of inputs) results.push(await applyLicence(tx, ctx, i.record as LicenceIssue, state));
      break;
    default:
      for (const i of inputs) results.push(await applyPenalty(tx, ctx, i.record as PenaltyDecision, state));
  }
  await flushState(tx, ctx, state);
  return results;
}
