/**
 * What a batch accumulates while its records are applied, and writes once at its end: source
 * records (once-only), field provenance, field conflicts and change-feed events.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Prisma } from '../../generated/prisma/client.js';
import type { ChangeEntity } from '../../generated/prisma/enums.js';
import { recordChangesWith, type ChangeInput } from '../../platform/outbox.js';
import type { CanonicalRecord, FieldProblem } from '../../../adapters/canonical.js';
import type { Adapter } from '../../../adapters/adapter.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Platform } from '../../platform/context.js';
import type { Logger } from '../../platform/logger.js';
import { contentHash, type IngestSource } from './source.js';
import type { BatchSql } from './sql.js';

export type Tx = Prisma.TransactionClient;

export type Outcome = 'created' | 'updated' | 'unchanged' | 'conflicting' | 'rejected';

export interface ApplyContext {
  prisma: PrismaClient;
  /** The pool behind prisma: enterprise batches are applied on one of its clients (see apply.ts). */
  pool?: pg.Pool;
  /** False on PGlite's wire server, which takes no COPY FROM STDIN. */
  copyIn?: boolean;
  /** For the cache after commit. */
  platform?: Pick<Platform, 'prisma' | 'cache' | 'config'>;
  adapter: Adapter;
  source: IngestSource;
  runId: string;
  file: string;
  fileSha256: string;
  logger?: Logger;
  /** Filled by applyBatch: entities changed by the batch, for the cache after commit. */
  touched?: { enterprises: Set<string>; licences: Set<string> };
}

export interface Result {
  outcome: Outcome;
  problems: FieldProblem[];
}

interface SourceState {
  version: number;
  hash: string;
}

export interface BatchState {
  prev: Map<string, SourceState>;
  sources: Map<string, { entityType: ChangeEntity; entityId: string; version: number; hash: string }>;
  changes: ChangeInput[];
  provenance: {
    entityType: ChangeEntity;
    entityId: string;
    field: string;
    sourceRecordId: string;
    sourceVersion: number;
  }[];
  conflicts: Conflict[];
}

interface Conflict {
  entityType: ChangeEntity;
  entityId: string;
  field: string;
  ownerDepartmentCode: string;
  currentValue: unknown;
  attemptedValue: unknown;
  sourceRecordId: string;
  sourceVersion: number;
}

export const day = (iso: string | null) => (iso === null ? null : new Date(`${iso}T00:00:00.000Z`));
export const iso = (d: Date | null) => (d === null ? null : d.toISOString().slice(0, 10));
export const money = (v: { toFixed(n: number): string } | string | null) =>
  v === null ? null : typeof v === 'string' ? Number(v).toFixed(2) : v.toFixed(2);
export const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;
export const rejected = (problems: FieldProblem[]): Result => ({ outcome: 'rejected', problems });
export const outcome = (o: Result['outcome']): Result => ({ outcome: o, problems: [] });
/** The domain rules' problems ({ field, message }) as quarantine reasons. */
export const asReasons = (problems: { field: string | null; message: string }[]): FieldProblem[] =>
  problems.map((p) => ({ field: p.field, reason: p.message }));

/** What this system sent before for the batch's records, in one query. */
export async function loadBatchState(sql: BatchSql, ctx: ApplyContext, sourceRecordIds: string[]): Promise<BatchState> {
  // One array parameter instead of an IN list: Prisma binds every element of an IN list separately.
  const rows = await sql.query<{ sourceRecordId: string; sourceVersion: number; contentHash: string }>(
    `SELECT "sourceRecordId", "sourceVersion", "contentHash" FROM "SourceRecord"
     WHERE "systemId" = $1::uuid AND "sourceRecordId" = ANY($2::text[])`,
    [ctx.source.systemId, sourceRecordIds],
  );
  const prev = new Map(rows.map((s) => [s.sourceRecordId, { version: s.sourceVersion, hash: s.contentHash }]));
  return { prev, sources: new Map(), changes: [], provenance: [], conflicts: [] };
}

/** Once-only check against what this system sent before: a result if the record is not applied. */
export function versionCheck(state: BatchState, r: CanonicalRecord): Result | null {
  const prev = state.prev.get(r.sourceRecordId);
  if (!prev) return null;
  if (prev.version > r.sourceVersion) return outcome('unchanged'); // an older version never overwrites a newer one
  if (prev.version === r.sourceVersion) {
    return prev.hash === contentHash(r)
      ? outcome('unchanged')
      : rejected([
          {
            field: 'sourceVersion',
            reason: `version ${r.sourceVersion} was already applied with different content; send it as a new version`,
          },
        ]);
  }
  return null;
}

export function remember(state: BatchState, r: CanonicalRecord, entityType: ChangeEntity, entityId: string): void {
  const hash = contentHash(r);
  state.sources.set(r.sourceRecordId, { entityType, entityId, version: r.sourceVersion, hash });
  state.prev.set(r.sourceRecordId, { version: r.sourceVersion, hash });
}

/** Queues a change-feed event; ingested events name their adapter and file. */
export function change(state: BatchState, ctx: ApplyContext, c: Omit<ChangeInput, 'actor'>): void {
  state.changes.push({
    ...c,
    actor: ctx.source,
    changes: { ...c.changes, source: { adapter: ctx.adapter.name, file: ctx.file } },
  });
}

export function provenance(
  state: BatchState,
  r: CanonicalRecord,
  entityType: ChangeEntity,
  entityId: string,
  fields: readonly string[],
): void {
  for (const field of fields)
    state.provenance.push({
      entityType,
      entityId,
      field,
      sourceRecordId: r.sourceRecordId,
      sourceVersion: r.sourceVersion,
    });
}

export function conflict(
  state: BatchState,
  r: CanonicalRecord,
  at: { entityType: ChangeEntity; entityId: string; field: string; owner: string },
  current: unknown,
  attempted: unknown,
): void {
  state.conflicts.push({
    entityType: at.entityType,
    entityId: at.entityId,
    field: at.field,
    ownerDepartmentCode: at.owner,
    currentValue: current ?? null,
    attemptedValue: attempted ?? null,
    sourceRecordId: r.sourceRecordId,
    sourceVersion: r.sourceVersion,
  });
}

/**
 * The ownership rule shared by every kind of record: when the record belongs to another
 * department, each field this write would change becomes a conflict for the owner (and nothing is
 * applied); else the fields that differ, to be applied (none: the record is unchanged).
 */
export function ownedChanges<F extends string>(
  state: BatchState,
  ctx: ApplyContext,
  r: CanonicalRecord,
  at: { entityType: ChangeEntity; entityId: string; owner: string },
  fields: readonly F[],
  before: Record<F, string | null>,
  incoming: Record<F, string | null>,
): { changed: F[] } | { result: Result } {
  const changed = fields.filter((f) => before[f] !== incoming[f]);
  if (at.owner !== ctx.source.departmentCode) {
    for (const f of changed) conflict(state, r, { ...at, field: f }, before[f], incoming[f]);
    return { result: outcome(changed.length ? 'conflicting' : 'unchanged') };
  }
  return changed.length ? { changed } : { result: outcome('unchanged') };
}

/** Writes what the batch accumulated; the change-feed events through the outbox writer. */
export async function flushState(sql: BatchSql, ctx: ApplyContext, s: BatchState): Promise<void> {
  await recordChangesWith((text, values) => sql.execute(text, values), s.changes);
  if (s.conflicts.length) await writeConflicts(sql, ctx, s);
  if (s.provenance.length) await writeProvenance(sql, ctx, s);
  if (s.sources.size) await writeSourceRecords(sql, ctx, s);
}

async function writeConflicts(sql: BatchSql, ctx: ApplyContext, s: BatchState): Promise<void> {
  const rows = s.conflicts;
  const col = <T>(f: (c: Conflict) => T) => rows.map(f);
  await sql.execute(
    `INSERT INTO "FieldConflict" ("id", "entityType", "entityId", "field", "ownerDepartmentCode", "systemId", "departmentCode",
       "currentValue", "attemptedValue", "sourceRecordId", "sourceVersion")
     SELECT t.id::uuid, t.et::"ChangeEntity", t.eid, t.f, t.o, $1::uuid, $2, t.cv::jsonb, t.av::jsonb, t.sid, t.v
     FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::int[])
          AS t(id, et, eid, f, o, cv, av, sid, v)
     ON CONFLICT DO NOTHING`,
    [
      ctx.source.systemId,
      ctx.source.departmentCode,
      col(() => randomUUID()),
      col((c) => c.entityType),
      col((c) => c.entityId),
      col((c) => c.field),
      col((c) => c.ownerDepartmentCode),
      col((c) => JSON.stringify(c.currentValue)),
      col((c) => JSON.stringify(c.attemptedValue)),
      col((c) => c.sourceRecordId),
      col((c) => c.sourceVersion),
    ],
  );
}

async function writeProvenance(sql: BatchSql, ctx: ApplyContext, s: BatchState): Promise<void> {
  const latest = new Map(s.provenance.map((p) => [`${p.entityType}|${p.entityId}|${p.field}`, p]));
  const rows = [...latest.values()];
  await sql.execute(
    `INSERT INTO "FieldProvenance" ("entityType", "entityId", "field", "systemId", "departmentCode", "sourceRecordId", "sourceVersion", "setAt")
     SELECT t.et::"ChangeEntity", t.eid, t.f, $1::uuid, $2, t.sid, t.v, now()
     FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[]) AS t(et, eid, f, sid, v)
     ON CONFLICT ("entityType", "entityId", "field") DO UPDATE SET
       "systemId" = EXCLUDED."systemId", "departmentCode" = EXCLUDED."departmentCode",
       "sourceRecordId" = EXCLUDED."sourceRecordId", "sourceVersion" = EXCLUDED."sourceVersion", "setAt" = now()`,
    [
      ctx.source.systemId,
      ctx.source.departmentCode,
      rows.map((r) => r.entityType),
      rows.map((r) => r.entityId),
      rows.map((r) => r.field),
      rows.map((r) => r.sourceRecordId),
      rows.map((r) => r.sourceVersion),
    ],
  );
}

async function writeSourceRecords(sql: BatchSql, ctx: ApplyContext, s: BatchState): Promise<void> {
  const keys = [...s.sources.keys()];
  const rows = [...s.sources.values()];
  await sql.execute(
    `INSERT INTO "SourceRecord" ("systemId", "sourceRecordId", "entityType", "entityId", "sourceVersion", "contentHash", "updatedAt")
     SELECT $1::uuid, t.sid, t.et::"ChangeEntity", t.eid, t.v, t.h, now()
     FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[]) AS t(sid, et, eid, v, h)
     ON CONFLICT ("systemId", "sourceRecordId") DO UPDATE SET
       "entityType" = EXCLUDED."entityType", "entityId" = EXCLUDED."entityId",
       "sourceVersion" = EXCLUDED."sourceVersion", "contentHash" = EXCLUDED."contentHash", "updatedAt" = now()`,
    [
      ctx.source.systemId,
      keys,
      rows.map((r) => r.entityType),
      rows.map((r) => r.entityId),
      rows.map((r) => r.version),
      rows.map((r) => r.hash),
    ],
  );
}
