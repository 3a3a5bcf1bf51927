/**
 * Applies canonical records inside one transaction: once-only by source record and version,
 * field ownership, provenance, history events and change-feed events, through the same domain
 * rules as the API. Every kind shares the mechanism: the batch's source records are read in one
 * query (batch.ts), each record is checked and planned by its kind's rules, and what the batch
 * accumulated (source records, provenance, conflicts, change events, quarantine) is written
 * set-wise at its end. Enterprises (the bulk of every registry export) are written set-wise too,
 * through a staging table (enterprises.ts); licences (licences.ts) and penalties (penalties.ts)
 * record by record, as their lifecycle rules do.
 */
import type pg from 'pg';
import type { ParsedRecord } from '../../../adapters/adapter.js';
import type {
  CanonicalRecord,
  EnterpriseRegistration,
  LicenceIssue,
  PenaltyDecision,
} from '../../../adapters/canonical.js';
import { isConnectionLoss } from '../../platform/errors.js';
import { flushState, loadBatchState, type ApplyContext, type Result, type Tx } from './batch.js';
import { applyEnterprises } from './enterprises.js';
import { applyLicence } from './licences.js';
import { applyPenalty } from './penalties.js';
import { pgSql, prismaSql, type CopySql } from './sql.js';

export type { ApplyContext, Outcome, Result } from './batch.js';

interface Input {
  record: CanonicalRecord;
  parsed: ParsedRecord;
}

/** The open transaction a batch is applied in: SQL for the shared writers, Prisma for the kinds whose rules need it. */
export interface BatchTx {
  sql: CopySql;
  tx: Tx | null;
}

/**
 * Runs `work` in one transaction: on a node-postgres client of the pool for enterprise batches
 * (the client's COMMIT notifies the commit listeners like any other), on Prisma for the others.
 */
export async function inTransaction<T>(ctx: ApplyContext, work: (t: BatchTx) => Promise<T>): Promise<T> {
  if (ctx.adapter.kind !== 'enterprise' || !ctx.pool) {
    return ctx.prisma.$transaction(async (tx) => work({ sql: prismaSql(tx), tx }), {
      timeout: 120_000,
      maxWait: 30_000,
    });
  }
  return onClient(ctx.pool, (client) => work({ sql: pgSql(client, ctx.copyIn ?? true), tx: null }));
}

async function onClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    if (isConnectionLoss(err)) broken = err instanceof Error ? err : new Error(String(err));
    else {
      // A client that cannot roll back is not given back to the pool for reuse.
      await client.query('ROLLBACK').catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

export async function applyBatch(t: BatchTx, ctx: ApplyContext, inputs: Input[]): Promise<Result[]> {
  ctx.touched = { enterprises: new Set(), licences: new Set() };
  if (inputs.length === 0) return [];
  const state = await loadBatchState(
    t.sql,
    ctx,
    inputs.map((i) => i.record.sourceRecordId),
  );
  const results: Result[] = [];
  const tx = t.tx;
  switch (ctx.adapter.kind) {
    case 'enterprise':
      results.push(
        ...(await applyEnterprises(
          t.sql,
          ctx,
          inputs.map((i) => i.record as EnterpriseRegistration),
          state,
        )),
      );
      break;
    case 'licence':
      for (const i of inputs) results.push(await applyLicence(tx!, ctx, i.record as LicenceIssue, state));
      break;
    default:
      for (const i of inputs) results.push(await applyPenalty(tx!, ctx, i.record as PenaltyDecision, state));
  }
  await flushState(t.sql, ctx, state);
  return results;
}
