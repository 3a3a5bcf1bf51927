/**
 * What ingestion leaves for people to see: runs and their counts, quarantined records (listed and
 * re-submitted after correction), conflicts for the owning department, and field provenance.
 */
import { adapters } from '../../../../adapters/registry.js';
import type {
  FieldConflict,
  FieldProvenance,
  IngestionRun,
  QuarantinedRecord,
} from '../../../generated/prisma/client.js';
import { IngestError } from '../pipeline.js';
import { resubmitQuarantined } from '../sources.js';
import { assertScope, type Caller } from '../../../platform/auth/caller.js';
import { badInput, hubError, notFound, unauthenticated } from '../../../platform/errors.js';
import { builder } from '../builder.js';
import { provenanceKey } from '../context.js';

const DepartmentRef = builder
  .externalRef('Department', builder.keyDirective(builder.selection<{ code: string }>('code'), false))
  .implement({ fields: (t) => ({ code: t.exposeString('code') }) });

/** Adapters whose records the caller's department sends. */
function ownAdapters(caller: Extract<Caller, { kind: 'system' }>): string[] {
  return Object.values(adapters)
    .filter((a) => a.department === caller.departmentCode)
    .map((a) => a.name);
}

const RunType = builder.objectRef<IngestionRun>('IngestionRun').implement({
  description: 'One ingestion of one file; the counts add up to `total`.',
  fields: (t) => ({
    id: t.exposeID('id'),
    adapter: t.exposeString('adapter'),
    file: t.exposeString('file'),
    status: t.exposeString('status', {
      description: 'RUNNING, COMPLETED or FAILED (an interrupted run is FAILED when the file is sent again).',
    }),
    total: t.exposeInt('total'),
    created: t.exposeInt('created'),
    updated: t.exposeInt('updated'),
    unchanged: t.exposeInt('unchanged'),
    conflicting: t.exposeInt('conflicting'),
    rejected: t.exposeInt('rejected'),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    error: t.exposeString('error', { nullable: true }),
  }),
});

const ProblemType = builder.objectRef<{ field: string | null; reason: string }>('RecordProblem').implement({
  fields: (t) => ({
    field: t.exposeString('field', {
      nullable: true,
      description: "The source's own field name; null for the whole record.",
    }),
    reason: t.exposeString('reason'),
  }),
});

const QuarantinedType = builder.objectRef<QuarantinedRecord>('QuarantinedRecord').implement({
  description: 'A rejected record, kept with where it was and why, until it is corrected and re-submitted.',
  fields: (t) => ({
    id: t.exposeID('id'),
    adapter: t.exposeString('adapter'),
    file: t.exposeString('file'),
    location: t.exposeString('location', {
      description: '"line N" (CSV) or a path such as $.permits[3] or /penalties/penalty[2].',
    }),
    sourceRecordId: t.exposeString('sourceRecordId', { nullable: true }),
    raw: t.string({ description: 'The record as the source wrote it (JSON).', resolve: (q) => JSON.stringify(q.raw) }),
    problems: t.field({
      type: [ProblemType],
      resolve: (q) => q.problems as { field: string | null; reason: string }[],
    }),
    status: t.exposeString('status', { description: 'OPEN, RESUBMITTED or DISCARDED.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const ConflictType = builder.objectRef<FieldConflict>('FieldConflict').implement({
  description: 'A write of a field owned by another department: not applied, kept for the owner to see.',
  fields: (t) => ({
    id: t.exposeID('id'),
    entityType: t.exposeString('entityType'),
    entityId: t.exposeString('entityId'),
    field: t.exposeString('field'),
    owner: t.field({ type: DepartmentRef, resolve: (c) => ({ code: c.ownerDepartmentCode }) }),
    attemptedBy: t.field({ type: DepartmentRef, resolve: (c) => ({ code: c.departmentCode }) }),
    currentValue: t.string({
      nullable: true,
      resolve: (c) => (c.currentValue === null ? null : JSON.stringify(c.currentValue)),
    }),
    attemptedValue: t.string({
      nullable: true,
      resolve: (c) => (c.attemptedValue === null ? null : JSON.stringify(c.attemptedValue)),
    }),
    sourceRecordId: t.exposeString('sourceRecordId', { nullable: true }),
    sourceVersion: t.exposeInt('sourceVersion', { nullable: true }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
  }),
});

const FieldSourceType = builder.objectRef<FieldProvenance>('FieldSource').implement({
  description:
    'Which system set a field, when, and from which source record. Field "*" covers every field set when the record was created.',
  fields: (t) => ({
    field: t.exposeString('field'),
    department: t.field({ type: DepartmentRef, resolve: (p) => ({ code: p.departmentCode }) }),
    systemId: t.exposeID('systemId', { nullable: true }),
    sourceRecordId: t.exposeString('sourceRecordId', { nullable: true }),
    sourceVersion: t.exposeInt('sourceVersion', { nullable: true }),
    setAt: t.expose('setAt', { type: 'DateTime' }),
  }),
});

function assertSystem(caller: Caller): asserts caller is Extract<Caller, { kind: 'system' }> {
  if (caller.kind !== 'system') throw unauthenticated('Provenance is for department systems: send an API key');
}

builder
  .externalRef('Enterprise', builder.selection<{ uscc: string }>('uscc'), (ref) => ref)
  .implement({
    fields: (t) => ({
      uscc: t.expose('uscc', { type: 'USCC' }),
      provenance: t.field({
        type: [FieldSourceType],
        description: 'Which system set each field of this enterprise (department systems only).',
        resolve: (e, _a, ctx) => {
          assertSystem(ctx.caller);
          return ctx.loaders.provenance.load(provenanceKey('ENTERPRISE', e.uscc));
        },
      }),
    }),
  });

builder
  .externalRef('Licence', builder.selection<{ id: string }>('id'), (ref) => ref)
  .implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      provenance: t.field({
        type: [FieldSourceType],
        description: 'Which system set each field of this licence (department systems only).',
        resolve: (l, _a, ctx) => {
          assertSystem(ctx.caller);
          return ctx.loaders.provenance.load(provenanceKey('LICENCE', String(l.id)));
        },
      }),
    }),
  });

builder.queryFields((t) => ({
  ingestionRuns: t.field({
    type: [RunType],
    description: "Recent ingestion runs of the caller's department's adapters, newest first. Needs ingest:read.",
    args: { adapter: t.arg.string({ required: false }), first: t.arg.int({ required: false }) },
    resolve: (_r, args, ctx) => {
      assertScope(ctx.caller, 'ingest:read');
      const own = ownAdapters(ctx.caller);
      return ctx.prisma.ingestionRun.findMany({
        where: { adapter: args.adapter ? { in: own.filter((a) => a === args.adapter) } : { in: own } },
        orderBy: { startedAt: 'desc' },
        take: Math.min(args.first ?? 20, 200),
      });
    },
  }),
  quarantine: t.field({
    type: [QuarantinedType],
    description: "Quarantined records of the caller's department's adapters, oldest first. Needs ingest:read.",
    args: {
      adapter: t.arg.string({ required: false }),
      status: t.arg.string({ required: false, description: 'OPEN (default), RESUBMITTED or DISCARDED' }),
      first: t.arg.int({ required: false }),
    },
    resolve: (_r, args, ctx) => {
      assertScope(ctx.caller, 'ingest:read');
      const own = ownAdapters(ctx.caller);
      const status = (args.status ?? 'OPEN') as QuarantinedRecord['status'];
      if (!['OPEN', 'RESUBMITTED', 'DISCARDED'].includes(status))
        throw badInput('status is OPEN, RESUBMITTED or DISCARDED');
      return ctx.prisma.quarantinedRecord.findMany({
        where: { status, adapter: args.adapter ? { in: own.filter((a) => a === args.adapter) } : { in: own } },
        orderBy: { createdAt: 'asc' },
        take: Math.min(args.first ?? 100, 1000),
      });
    },
  }),
  fieldConflicts: t.field({
    type: [ConflictType],
    description:
      "Writes of fields owned by the caller's department that were not applied, newest first. Needs ingest:read.",
    args: { first: t.arg.int({ required: false }) },
    resolve: (_r, args, ctx) => {
      assertScope(ctx.caller, 'ingest:read');
      return ctx.prisma.fieldConflict.findMany({
        where: { ownerDepartmentCode: ctx.caller.departmentCode, resolvedAt: null },
        orderBy: { occurredAt: 'desc' },
        take: Math.min(args.first ?? 100, 1000),
      });
    },
  }),
}));

const ResubmitResult = builder
  .objectRef<{ resolved: boolean; run: IngestionRun; record: QuarantinedRecord }>('ResubmitResult')
  .implement({
    fields: (t) => ({
      resolved: t.exposeBoolean('resolved', {
        description: 'True when the corrected record was applied; else `record.problems` has the new reasons.',
      }),
      run: t.field({ type: RunType, resolve: (r) => r.run }),
      record: t.field({ type: QuarantinedType, resolve: (r) => r.record }),
    }),
  });

builder.mutationFields((t) => ({
  resubmitQuarantined: t.field({
    type: ResubmitResult,
    description:
      "Re-submits a quarantined record of the caller's department, corrected (`raw`: the record as JSON with the source's field names) or as stored. Needs ingest:write.",
    args: { id: t.arg.id({ required: true }), raw: t.arg.string({ required: false }) },
    resolve: async (_r, args, ctx) => {
      assertScope(ctx.caller, 'ingest:write');
      const q = await ctx.prisma.quarantinedRecord.findUnique({ where: { id: String(args.id) } });
      if (!q || !ownAdapters(ctx.caller).includes(q.adapter))
        throw notFound(`No quarantined record of your department has the id ${String(args.id)}`);
      let raw: Record<string, unknown> | null = null;
      if (args.raw) {
        try {
          raw = JSON.parse(args.raw) as Record<string, unknown>;
        } catch {
          throw badInput('raw must be a JSON object with the source record fields');
        }
      }
      try {
        const { report, resolved } = await resubmitQuarantined(ctx, q.id, raw);
        return {
          resolved,
          run: await ctx.prisma.ingestionRun.findUniqueOrThrow({ where: { id: report.runId } }),
          record: await ctx.prisma.quarantinedRecord.findUniqueOrThrow({ where: { id: q.id } }),
        };
      } catch (err) {
        if (err instanceof IngestError) throw hubError(err.code, err.message);
        throw err;
      }
    },
  }),
}));
