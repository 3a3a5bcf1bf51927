/**
 * Once-only ingestion: applies an adapter's records to the libraries in batches, each batch in
 * one transaction (a crash leaves the old or the new state, never half a batch). Records are
 * keyed by (source system, source record id) and versioned; re-ingesting the same file changes
 * nothing, an older version never overwrites a newer one, fields owned by another department
 * become conflicts, and bad records are quarantined with their location and reasons.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Adapter, ParsedRecord } from '../../../adapters/adapter.js';
import { AdapterFileError } from '../../../adapters/adapter.js';
import { cacheEnterprise } from '../subjects/index.js';
import { cacheLicence } from '../licences/index.js';
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';
import type { Platform } from '../../platform/context.js';
import type { Database } from '../../platform/db/client.js';
import { isConnectionLoss } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { CanonicalRecord, FieldProblem } from '../../../adapters/canonical.js';
import { applyBatch, inTransaction, type ApplyContext, type Outcome } from './apply.js';
import type { BatchSql } from './sql.js';
import { contentHash, type IngestSource } from './source.js';

export type { IngestSource };

export interface RunReport {
  runId: string;
  adapter: string;
  file: string;
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  conflicting: number;
  rejected: number;
  durationMs: number;
}

export interface IngestOptions {
  batchSize?: number;
  /** Called after every batch with the records done so far. */
  onProgress?: (done: number) => void;
  logger?: Logger;
  /** The file's SHA-256 when the caller hashed it already (while streaming it in, off the hot path). */
  fileSha256?: string;
}

export class IngestError extends Error {
  override name = 'IngestError';
  constructor(
    message: string,
    readonly code: 'BAD_USER_INPUT' | 'FORBIDDEN' | 'NOT_FOUND',
  ) {
    super(message);
  }
}

const locationOf = (r: ParsedRecord) =>
  r.location.line !== undefined ? `line ${r.location.line}` : (r.location.path ?? '?');

interface Item {
  parsed: ParsedRecord;
  record: CanonicalRecord | null;
  problems: FieldProblem[];
}

/** What ingestion runs on; with the pool (a running platform's), enterprise batches skip the ORM. */
export type IngestPlatform = Pick<Platform, 'prisma' | 'cache' | 'config'> & {
  db?: Pick<Database, 'pool' | 'singleSession'>;
};

/** Ingests one file's bytes; returns the run report (counts add up to the records in the file). */
export async function ingestFile(
  platform: IngestPlatform,
  adapter: Adapter,
  source: IngestSource,
  file: string,
  bytes: Buffer,
  opts: IngestOptions = {},
): Promise<RunReport> {
  if (source.departmentCode !== adapter.department) {
    throw new IngestError(
      `The ${adapter.name} adapter reads exports of department ${adapter.department}; this system belongs to ${source.departmentCode}`,
      'FORBIDDEN',
    );
  }
  const { prisma } = platform;
  const started = Date.now();
  const fileSha256 = opts.fileSha256 ?? createHash('sha256').update(bytes).digest('hex');
  // An earlier run of the same file that never finished was interrupted (killed, crashed).
  await prisma.ingestionRun.updateMany({
    where: { adapter: adapter.name, fileSha256, status: 'RUNNING' },
    data: { status: 'FAILED', error: 'interrupted before it finished', finishedAt: new Date() },
  });
  const run = await prisma.ingestionRun.create({
    data: { adapter: adapter.name, systemId: source.systemId, file, fileSha256 },
  });
  const counts = { total: 0, created: 0, updated: 0, unchanged: 0, conflicting: 0, rejected: 0 };
  const ctx: ApplyContext = {
    prisma,
    pool: platform.db?.pool,
    copyIn: !platform.db?.singleSession,
    platform,
    adapter,
    source,
    runId: run.id,
    file,
    fileSha256,
    logger: opts.logger,
  };
  const batchSize = opts.batchSize ?? 500;
  // One batch is applied while the next is read: parsing and mapping (JavaScript) overlap the
  // database's work. Batches are still applied one after the other, each after the one before
  // committed (once-only reads what it wrote).
  let applying: Promise<void> | undefined;
  try {
    const flush = async (batch: Item[]) => {
      if (batch.length === 0) return;
      const outcomes = await applyWithIsolation(ctx, batch);
      for (const o of outcomes) counts[o] += 1;
      counts.total += batch.length;
      await prisma.ingestionRun.update({ where: { id: run.id }, data: { ...counts } });
      opts.onProgress?.(counts.total);
    };
    let batch: Item[] = [];
    for (const parsed of adapter.parse(bytes, file)) {
      batch.push(prepare(adapter, parsed));
      if (batch.length >= batchSize) {
        await applying;
        applying = flush(batch);
        // Its failure is met at the next await of it (a handler now keeps it from counting as unhandled).
        applying.catch(() => undefined);
        batch = [];
      } else if (applying && batch.length % 50 === 0) {
        // Lets the batch being applied send its next statement as soon as the last one answered.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await applying;
    applying = undefined;
    await flush(batch);
    await prisma.ingestionRun.update({ where: { id: run.id }, data: { status: 'COMPLETED', finishedAt: new Date() } });
  } catch (err) {
    // A batch being applied when the file turned out unreadable finishes (committed or not) first.
    await applying?.catch(() => undefined);
    const message = err instanceof AdapterFileError ? err.reason : err instanceof Error ? err.message : String(err);
    // With the database gone this may fail too; the next run of the file marks the run FAILED then.
    await prisma.ingestionRun
      .update({ where: { id: run.id }, data: { status: 'FAILED', error: message, finishedAt: new Date() } })
      .catch(() => undefined);
    if (err instanceof AdapterFileError) throw new IngestError(`${file}: ${err.reason}`, 'BAD_USER_INPUT');
    throw err;
  }
  return { runId: run.id, adapter: adapter.name, file, ...counts, durationMs: Date.now() - started };
}

/** A parsed record mapped to its canonical form (or its problems), with its fingerprint taken. */
function prepare(adapter: Adapter, parsed: ParsedRecord): Item {
  const mapped = parsed.problems.length > 0 ? { ok: false as const, problems: parsed.problems } : adapter.map(parsed);
  if (!mapped.ok) return { parsed, record: null, problems: mapped.problems };
  contentHash(mapped.record); // computed here, while the batch before is being applied
  return { parsed, record: mapped.record, problems: [] };
}

/**
 * Applies a batch in one transaction. If the batch fails as a whole (a database constraint no
 * check foresaw), each record is applied alone so that one bad record cannot block the others;
 * the failing one is quarantined with the database's reason.
 */
async function applyWithIsolation(ctx: ApplyContext, items: Item[]): Promise<Outcome[]> {
  try {
    return await applyItems(ctx, items);
  } catch (err) {
    // A lost connection says nothing about the records: the batch rolled back whole, and the run
    // stops (FAILED) so that it can be sent again, rather than quarantining good records.
    if (isConnectionLoss(err)) throw err;
    if (items.length === 1) {
      await quarantine(ctx.prisma, ctx, items[0]!, [
        { field: null, reason: `the database refused the record: ${dbReason(err)}` },
      ]);
      return ['rejected'];
    }
    ctx.logger?.warn({ err: dbReason(err), size: items.length }, 'batch failed; applying its records one by one');
    const out: Outcome[] = [];
    for (const item of items) out.push(...(await applyWithIsolation(ctx, [item])));
    return out;
  }
}

function dbReason(err: unknown): string {
  if (err instanceof Prisma.PrismaClientKnownRequestError)
    return `${err.code} ${err.message.split('\n').at(-1) ?? ''}`.trim();
  return err instanceof Error ? (err.message.split('\n').at(-1) ?? err.message) : String(err);
}

/** After a batch commits: the shared cache holds the new rows (never a stale one). */
async function refreshCache(ctx: ApplyContext): Promise<void> {
  const touched = ctx.touched;
  if (!touched || !ctx.platform) return;
  const { prisma, platform } = ctx;
  if (touched.enterprises.size) {
    for (const e of await prisma.enterprise.findMany({ where: { uscc: { in: [...touched.enterprises] } } }))
      await cacheEnterprise(platform, e);
  }
  if (touched.licences.size) {
    for (const l of await prisma.licence.findMany({ where: { id: { in: [...touched.licences] } } }))
      await cacheLicence(platform, l);
  }
}

async function applyItems(ctx: ApplyContext, items: Item[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array<Outcome>(items.length);
  const valid: { index: number; record: CanonicalRecord; parsed: ParsedRecord }[] = [];
  items.forEach((item, index) => {
    if (item.record) valid.push({ index, record: item.record, parsed: item.parsed });
  });
  await inTransaction(ctx, async (t) => {
    const results = await applyBatch(
      t,
      ctx,
      valid.map((v) => ({ record: v.record, parsed: v.parsed })),
    );
    results.forEach((r, i) => {
      const v = valid[i]!;
      if (r.outcome === 'rejected') items[v.index]!.problems = r.problems;
      outcomes[v.index] = r.outcome;
    });
    const rejected = items.filter((it, i) => !it.record || outcomes[i] === 'rejected');
    await writeQuarantine(t.sql, ctx, rejected);
    items.forEach((it, i) => {
      if (!it.record) outcomes[i] = 'rejected';
    });
  });
  await refreshCache(ctx);
  return outcomes;
}

/** Quarantine entries are keyed by file content and location: a record already kept is not kept twice. */
async function writeQuarantine(sql: BatchSql, ctx: ApplyContext, items: Item[]): Promise<void> {
  if (items.length === 0) return;
  const col = <T>(f: (it: Item) => T) => items.map(f);
  await sql.execute(
    `INSERT INTO "QuarantinedRecord" ("id", "runId", "adapter", "systemId", "file", "fileSha256", "location", "sourceRecordId", "raw", "problems")
     SELECT t.id::uuid, $1::uuid, $2, $3::uuid, $4, $5, t.loc, t.sid, t.raw::jsonb, t.problems::jsonb
     FROM unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) AS t(id, loc, sid, raw, problems)
     ON CONFLICT DO NOTHING`,
    [
      ctx.runId,
      ctx.adapter.name,
      ctx.source.systemId,
      ctx.file,
      ctx.fileSha256,
      col(() => randomUUID()),
      col((it) => locationOf(it.parsed)),
      col((it) => it.parsed.sourceRecordId),
      col((it) => JSON.stringify(it.parsed.raw)),
      col((it) => JSON.stringify(it.problems)),
    ],
  );
}

function quarantineRow(
  ctx: ApplyContext,
  item: Item,
  problems: FieldProblem[],
): Prisma.QuarantinedRecordCreateManyInput {
  return {
    runId: ctx.runId,
    adapter: ctx.adapter.name,
    systemId: ctx.source.systemId,
    file: ctx.file,
    fileSha256: ctx.fileSha256,
    location: locationOf(item.parsed),
    sourceRecordId: item.parsed.sourceRecordId,
    raw: JSON.parse(JSON.stringify(item.parsed.raw)) as Prisma.InputJsonValue,
    problems: JSON.parse(JSON.stringify(problems)) as Prisma.InputJsonValue,
  };
}

async function quarantine(
  prisma: PrismaClient,
  ctx: ApplyContext,
  item: Item,
  problems: FieldProblem[],
): Promise<void> {
  await prisma.quarantinedRecord.createMany({ data: [quarantineRow(ctx, item, problems)], skipDuplicates: true });
}
