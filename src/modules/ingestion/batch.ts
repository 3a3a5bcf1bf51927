/**
 * What a batch accumulates while its records are applied, and writes once at its end: source
 * records (once-only), field provenance, field conflicts and change-feed events.
 */
import type { Prisma } from '../../generated/prisma/client.js';
import type { ChangeEntity } from '../../generated/prisma/enums.js';
import { recordChanges, type ChangeInput } from '../../platform/outbox.js';
import type { CanonicalRecord, FieldProblem } from '../../../adapters/canonical.js';
import type { Adapter } from '../../../adapters/adapter.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Platform } from '../../platform/context.js';
import type { Logger } from '../../platform/logger.js';
import { contentHash, type IngestSource } from './source.js';

export type Tx = Prisma.TransactionClient;

export type Outcome = 'created' | 'updated' | 'unchanged' | 'conflicting' | 'rejected';

export interface ApplyContext {
  prisma: PrismaClient;
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
  conflicts: Prisma.FieldConflictCreateManyInput[];
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
export async function loadBatchState(tx: Tx, ctx: ApplyContext, sourceRecordIds: string[]): Promise<BatchState> {
  // One array parameter instead of an IN list: Prisma binds every element of an IN list separately.
  const rows = await tx.$queryRaw<{ sourceRecordId: string; sourceVersion: number; contentHash: string }[]>`
    SELECT "sourceRecordId", "sourceVersion", "contentHash" FROM "SourceRecord"
    WHERE "systemId" = ${ctx.source.systemId}::uuid AND "sourceRecordId" = ANY(${sourceRecordIds}::text[])`;
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
  ctx: ApplyContext,
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
    systemId: ctx.source.systemId,
    departmentCode: ctx.source.departmentCode,
    currentValue: json(current ?? null),
    attemptedValue: json(attempted ?? null),
    sourceRecordId: r.sourceRecordId,
    sourceVersion: r.sourceVersion,
  });
}

/** Writes what the batch accumulated; the change-feed events through the outbox writer. */
export async function flushState(tx: Tx, ctx: ApplyContext, s: BatchState): Promise<void> {
  await recordChanges(tx, s.changes);
  if (s.conflicts.length) await tx.fieldConflict.createMany({ data: s.conflicts, skipDuplicates: true });
  if (s.provenance.length) await writeProvenance(tx, ctx, s);
  if (s.sources.size) await writeSourceRecords(tx, ctx, s);
}

async function writeProvenance(tx: Tx, ctx: ApplyContext, s: BatchState): Promise<void> {
  const latest = new Map(s.provenance.map((p) => [`${p.entityType}|${p.entityId}|${p.field}`, p]));
  const rows = [...latest.values()];
  await tx.$executeRaw`
    INSERT INTO "FieldProvenance" ("entityType", "entityId", "field", "systemId", "departmentCode", "sourceRecordId", "sourceVersion", "setAt")
    SELECT t.et::"ChangeEntity", t.eid, t.f, ${ctx.source.systemId}::uuid, ${ctx.source.departmentCode}, t.sid, t.v, now()
    FROM unnest(${rows.map((r) => r.entityType)}::text[], ${rows.map((r) => r.entityId)}::text[], ${rows.map((r) => r.field)}::text[],
                ${rows.map((r) => r.sourceRecordId)}::text[], ${rows.map((r) => r.sourceVersion)}::int[]) AS t(et, eid, f, sid, v)
    ON CONFLICT ("entityType", "entityId", "field") DO UPDATE SET
      "systemId" = EXCLUDED."systemId", "departmentCode" = EXCLUDED."departmentCode",
      "sourceRecordId" = EXCLUDED."sourceRecordId", "sourceVersion" = EXCLUDED."sourceVersion", "setAt" = now()`;
}

async function writeSourceRecords(tx: Tx, ctx: ApplyContext, s: BatchState): Promise<void> {
  const keys = [...s.sources.keys()];
  const rows = [...s.sources.values()];
  await tx.$executeRaw`
    INSERT INTO "SourceRecord" ("systemId", "sourceRecordId", "entityType", "entityId", "sourceVersion", "contentHash", "updatedAt")
    SELECT ${ctx.source.systemId}::uuid, t.sid, t.et::"ChangeEntity", t.eid, t.v, t.h, now()
    FROM unnest(${keys}::text[], ${rows.map((r) => r.entityType)}::text[], ${rows.map((r) => r.entityId)}::text[],
                ${rows.map((r) => r.version)}::int[], ${rows.map((r) => r.hash)}::text[]) AS t(sid, et, eid, v, h)
    ON CONFLICT ("systemId", "sourceRecordId") DO UPDATE SET
      "entityType" = EXCLUDED."entityType", "entityId" = EXCLUDED."entityId",
      "sourceVersion" = EXCLUDED."sourceVersion", "contentHash" = EXCLUDED."contentHash", "updatedAt" = now()`;
}
