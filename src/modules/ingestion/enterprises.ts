/**
 * Enterprise registrations (the bulk of every registry export), applied set-wise: one query for
 * the current rows, one multi-row insert for the new ones, through the subjects module's rules
 * (validation, the row a registration writes, its change-feed event).
 */
import type { Enterprise } from '../../generated/prisma/client.js';
import type { EnterpriseRegistration, FieldProblem } from '../../../adapters/canonical.js';
import { enterpriseChange, enterpriseRow, validateRegistration, type EnterpriseFields } from '../subjects/index.js';
import {
  asReasons,
  change,
  conflict,
  day,
  iso,
  money,
  outcome,
  provenance,
  rejected,
  remember,
  versionCheck,
  type ApplyContext,
  type BatchState,
  type Result,
  type Tx,
} from './batch.js';
import { ENTERPRISE_FIELDS } from './ownership.js';

type Field = (typeof ENTERPRISE_FIELDS)[number];
/** The fields as compared and published: dates as YYYY-MM-DD, amounts with two decimals. */
type EnterpriseValues = Record<Field, string | null>;
type Current = EnterpriseValues & { revision: number };

function enterpriseValues(
  e: Pick<Enterprise, Exclude<Field, 'registeredCapital'>> & {
    registeredCapital: { toFixed(n: number): string } | string;
  },
): EnterpriseValues {
  return {
    name: e.name,
    type: e.type,
    legalRepresentative: e.legalRepresentative,
    legalRepresentativeIdNumber: e.legalRepresentativeIdNumber,
    registeredCapital: money(e.registeredCapital),
    establishedOn: iso(e.establishedOn),
    registrationAuthorityCode: e.registrationAuthorityCode,
    address: e.address,
    street: e.street,
    businessScope: e.businessScope,
    status: e.status,
    contactPhone: e.contactPhone,
  };
}

/** The registration's fields, checked by the same rules as the registerEnterprise mutation. */
function validate(
  r: EnterpriseRegistration,
  departments: Set<string>,
): { fields: EnterpriseFields } | { problems: FieldProblem[] } {
  // The source reference is the record's, not a field of the enterprise (and the USCC was checked by the adapter).
  const valid = validateRegistration({
    ...r,
    sourceRecordId: undefined,
    sourceVersion: undefined,
    establishedOn: day(r.establishedOn),
  });
  const problems = valid.ok ? [] : asReasons(valid.problems);
  if (!departments.has(r.registrationAuthorityCode)) {
    problems.push({
      field: 'registrationAuthorityCode',
      reason: `no department has the code "${r.registrationAuthorityCode}"`,
    });
  }
  return valid.ok && problems.length === 0 ? { fields: valid.value } : { problems };
}

/** The writes a batch of registrations makes, gathered record by record and applied at the end. */
interface Plan {
  current: Map<string, Current>;
  departments: Set<string>;
  creates: Map<string, EnterpriseInsert>;
  updates: Map<string, Partial<EnterpriseFields>>;
}

export async function applyEnterprises(
  tx: Tx,
  ctx: ApplyContext,
  records: EnterpriseRegistration[],
  state: BatchState,
): Promise<Result[]> {
  const usccs = [...new Set(records.map((r) => r.uscc))];
  const rows = await tx.$queryRaw<Enterprise[]>`SELECT * FROM "Enterprise" WHERE "uscc" = ANY(${usccs}::text[])`;
  const codes = [...new Set(records.map((r) => r.registrationAuthorityCode))];
  const plan: Plan = {
    current: new Map(rows.map((e) => [e.uscc, { ...enterpriseValues(e), revision: e.revision }])),
    departments: new Set(
      (await tx.department.findMany({ where: { code: { in: codes } }, select: { code: true } })).map((d) => d.code),
    ),
    creates: new Map(),
    updates: new Map(),
  };
  const results = records.map((r) => planRecord(ctx, r, state, plan));
  await insertEnterprises(tx, [...plan.creates.values()]);
  for (const [uscc, fields] of plan.updates) {
    await tx.enterprise.update({ where: { uscc }, data: { ...fields, revision: { increment: 1 } } });
  }
  // New rows cannot be in the cache (misses are not cached); changed ones must be refreshed.
  for (const u of plan.updates.keys()) ctx.touched!.enterprises.add(u);
  return results;
}

function planRecord(ctx: ApplyContext, r: EnterpriseRegistration, state: BatchState, plan: Plan): Result {
  const seen = versionCheck(state, r);
  if (seen) return seen;
  const valid = validate(r, plan.departments);
  if ('problems' in valid) return rejected(valid.problems);
  const existing = plan.current.get(r.uscc);
  // An enterprise's registration fields are owned by its registration authority (market regulation).
  const owner = existing?.registrationAuthorityCode ?? r.registrationAuthorityCode;
  remember(state, r, 'ENTERPRISE', r.uscc);
  if (!existing) return planCreate(ctx, r, valid.fields, owner, state, plan);
  return planUpdate(ctx, r, valid.fields, { existing, owner }, state, plan);
}

function planCreate(
  ctx: ApplyContext,
  r: EnterpriseRegistration,
  fields: EnterpriseFields,
  owner: string,
  state: BatchState,
  plan: Plan,
): Result {
  const incoming = enterpriseValues({ ...fields, contactPhone: fields.contactPhone ?? null });
  if (owner !== ctx.source.departmentCode) {
    conflict(state, ctx, r, { entityType: 'ENTERPRISE', entityId: r.uscc, field: '*', owner }, null, incoming);
    return outcome('conflicting');
  }
  plan.creates.set(
    r.uscc,
    enterpriseRow(r.uscc, fields, {
      systemId: ctx.source.systemId,
      recordId: r.sourceRecordId,
      version: r.sourceVersion,
    }),
  );
  plan.current.set(r.uscc, { ...incoming, revision: 1 });
  provenance(state, r, 'ENTERPRISE', r.uscc, ['*']);
  change(state, ctx, enterpriseChange('CREATED', r.uscc, 1, incoming, null));
  return outcome('created');
}

function planUpdate(
  ctx: ApplyContext,
  r: EnterpriseRegistration,
  fields: EnterpriseFields,
  { existing, owner }: { existing: Current; owner: string },
  state: BatchState,
  plan: Plan,
): Result {
  const incoming = enterpriseValues({ ...fields, contactPhone: fields.contactPhone ?? null });
  const differing = ENTERPRISE_FIELDS.filter((f) => incoming[f] !== existing[f]);
  if (owner !== ctx.source.departmentCode) {
    for (const f of differing)
      conflict(
        state,
        ctx,
        r,
        { entityType: 'ENTERPRISE', entityId: r.uscc, field: f, owner },
        existing[f],
        incoming[f],
      );
    return outcome(differing.length ? 'conflicting' : 'unchanged');
  }
  if (differing.length === 0) return outcome('unchanged');
  const changed = Object.fromEntries(differing.map((f) => [f, incoming[f]]));
  const columns = Object.fromEntries(differing.map((f) => [f, fields[f] ?? null])) as Partial<EnterpriseFields>;
  const pending = plan.creates.get(r.uscc);
  if (pending) Object.assign(pending, columns);
  else plan.updates.set(r.uscc, { ...plan.updates.get(r.uscc), ...columns });
  Object.assign(existing, changed, { revision: existing.revision + (pending ? 0 : 1) });
  provenance(state, r, 'ENTERPRISE', r.uscc, differing);
  change(state, ctx, enterpriseChange('UPDATED', r.uscc, existing.revision, changed, null));
  return outcome('updated');
}

// A new enterprise's row as the registration rules build it (capital as its decimal text).
type EnterpriseInsert = ReturnType<typeof enterpriseRow>;

/** One multi-row insert: Prisma's createMany binds every value separately, which dominates large batches. */
async function insertEnterprises(tx: Tx, rows: EnterpriseInsert[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <K extends keyof EnterpriseInsert>(k: K) =>
    rows.map((x) => {
      const v = x[k];
      return v === undefined || v === null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
    });
  await tx.$executeRaw`
    INSERT INTO "Enterprise" ("uscc", "name", "type", "legalRepresentative", "legalRepresentativeIdNumber", "registeredCapital", "establishedOn",
      "registrationAuthorityCode", "address", "street", "businessScope", "status", "contactPhone", "sourceSystemId", "sourceRecordId", "sourceVersion", "updatedAt")
    SELECT t.u, t.n, t.ty::"EnterpriseType", t.lr, t.lri, t.rc::numeric, t.eo::date, t.ra, t.ad, t.st, t.bs, t.s::"EnterpriseStatus", t.cp,
      t.sid::uuid, t.srid, t.sv::int, now()
    FROM unnest(${col('uscc')}::text[], ${col('name')}::text[], ${col('type')}::text[], ${col('legalRepresentative')}::text[],
                ${col('legalRepresentativeIdNumber')}::text[], ${col('registeredCapital')}::text[], ${col('establishedOn')}::text[],
                ${col('registrationAuthorityCode')}::text[], ${col('address')}::text[], ${col('street')}::text[], ${col('businessScope')}::text[],
                ${col('status')}::text[], ${col('contactPhone')}::text[], ${col('sourceSystemId')}::text[], ${col('sourceRecordId')}::text[],
                ${col('sourceVersion')}::text[]) AS t(u, n, ty, lr, lri, rc, eo, ra, ad, st, bs, s, cp, sid, srid, sv)`;
}
