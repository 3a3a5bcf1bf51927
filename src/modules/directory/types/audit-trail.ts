/**
 * `auditTrail`: the read audit of personal data (who read what, unmasked, for which purpose),
 * newest first, for callers with the scope audit:read. Entries are written by platform/audit.
 */
import type { AuditEntry, Prisma } from '../../../generated/prisma/client.js';
import { assertScope } from '../../../platform/auth/caller.js';
import { badInput } from '../../../platform/errors.js';
import { builder } from '../builder.js';
import { DepartmentType } from './department.js';
import { DepartmentSystemType } from './department-system.js';

const MAX_PAGE = 200;

const AuditEntryType = builder.objectRef<AuditEntry>('AuditEntry').implement({
  description:
    'One unmasked read of personal data. Entries are hash-chained: `hub audit verify` detects edited, inserted or deleted ones.',
  fields: (t) => ({
    seq: t.string({ description: 'Position in the chain; also the cursor.', resolve: (e) => e.seq.toString() }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    department: t.field({
      type: DepartmentType,
      nullable: true,
      resolve: (e, _a, ctx) => (e.departmentCode ? ctx.loaders.departmentByCode.load(e.departmentCode) : null),
    }),
    system: t.prismaField({
      type: DepartmentSystemType,
      nullable: true,
      // findUnique calls of one tick are batched by Prisma into one query.
      resolve: (query, e, _a, ctx) =>
        e.systemId ? ctx.prisma.departmentSystem.findUnique({ ...query, where: { id: e.systemId } }) : null,
    }),
    keyId: t.exposeString('keyId', { nullable: true, description: 'The API key used (its public id).' }),
    entityType: t.exposeString('entityType', { description: 'ENTERPRISE or CASE.' }),
    entityId: t.exposeString('entityId', { description: 'USCC of the enterprise, or id of the case.' }),
    fields: t.exposeStringList('fields', { description: 'The personal fields read unmasked.' }),
    purpose: t.exposeString('purpose', { description: 'The purpose the caller stated (x-purpose).' }),
    requestId: t.exposeString('requestId'),
    prevHash: t.exposeString('prevHash'),
    hash: t.exposeString('hash', { description: 'SHA-256 of prevHash and the canonical content of the entry.' }),
  }),
});

const AuditTrailPage = builder.objectRef<{ entries: AuditEntry[]; hasNextPage: boolean }>('AuditTrailPage').implement({
  fields: (t) => ({
    entries: t.field({ type: [AuditEntryType], resolve: (p) => p.entries }),
    hasNextPage: t.exposeBoolean('hasNextPage'),
    endCursor: t.string({
      nullable: true,
      description: 'Pass as `after` for the next page.',
      resolve: (p) => p.entries.at(-1)?.seq.toString() ?? null,
    }),
  }),
});

const AuditTrailFilter = builder.inputType('AuditTrailFilter', {
  fields: (t) => ({
    departmentCode: t.string({ required: false, description: 'Reads by systems of this department.' }),
    systemId: t.id({ required: false, description: 'Reads by this system.' }),
    entityType: t.string({ required: false, description: 'ENTERPRISE or CASE.' }),
    entityId: t.string({ required: false, description: 'Reads of this record (a USCC or a case id).' }),
    since: t.field({ type: 'DateTime', required: false }),
    until: t.field({ type: 'DateTime', required: false }),
  }),
});

builder.queryFields((t) => ({
  auditTrail: t.field({
    type: AuditTrailPage,
    description: `Who read personal data unmasked, what, when and why; newest first, at most ${MAX_PAGE} a page. Needs the scope audit:read.`,
    args: {
      filter: t.arg({ type: AuditTrailFilter, required: false }),
      first: t.arg.int({ required: false, defaultValue: 50 }),
      after: t.arg.string({ required: false, description: 'endCursor of the previous page.' }),
    },
    resolve: async (_root, args, ctx) => {
      assertScope(ctx.caller, 'audit:read');
      const first = args.first ?? 50;
      if (first < 1 || first > MAX_PAGE)
        throw badInput(`first must be 1 to ${MAX_PAGE}`, {
          problems: [{ field: 'first', message: `1 to ${MAX_PAGE}` }],
        });
      if (args.after && !/^\d{1,19}$/.test(args.after))
        throw badInput('after must be an endCursor', { problems: [{ field: 'after', message: 'not a cursor' }] });
      const f = args.filter;
      const where: Prisma.AuditEntryWhereInput = {
        ...(f?.departmentCode ? { departmentCode: f.departmentCode } : {}),
        ...(f?.systemId ? { systemId: String(f.systemId) } : {}),
        ...(f?.entityType ? { entityType: f.entityType } : {}),
        ...(f?.entityId ? { entityId: f.entityId } : {}),
        ...(f?.since || f?.until
          ? { occurredAt: { ...(f.since ? { gte: f.since } : {}), ...(f.until ? { lt: f.until } : {}) } }
          : {}),
        ...(args.after ? { seq: { lt: BigInt(args.after) } } : {}),
      };
      const rows = await ctx.prisma.auditEntry.findMany({ where, orderBy: { seq: 'desc' }, take: first + 1 });
      return { entries: rows.slice(0, first), hasNextPage: rows.length > first };
    },
  }),
}));
