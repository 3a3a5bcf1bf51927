/**
 * Enterprise registrations (the bulk of every registry export), applied set-wise on a
 * node-postgres connection: one query for the current rows, the subjects module's rules in
 * JavaScript (validation, the row a registration writes, its change-feed event), then the new and
 * changed rows COPYed into a staging table of the transaction and applied from it with one
 * INSERT ... SELECT and one UPDATE ... FROM.
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
  ownedChanges,
  provenance,
  rejected,
  remember,
  versionCheck,
  type ApplyContext,
  type BatchState,
  type Result,
} from './batch.js';
import { ENTERPRISE_FIELDS } from './ownership.js';
import type { CopySql } from './sql.js';

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
  /** Enterprises changed by the batch: their revision as read, and the columns changed (as validated). */
  updates: Map<string, { read: number; columns: Partial<EnterpriseFields> }>;
}

/** The current row's values as text, as enterpriseValues gives them (capital exact, with two decimals). */
const CURRENT_COLUMNS = `"uscc", "name", "type"::text AS "type", "legalRepresentative", "legalRepresentativeIdNumber",
  round("registeredCapital", 2)::text AS "registeredCapital", to_char("establishedOn", 'YYYY-MM-DD') AS "establishedOn",
  "registrationAuthorityCode", "address", "street", "businessScope", "status"::text AS "status", "contactPhone", "revision"`;

export async function applyEnterprises(
  sql: CopySql,
  ctx: ApplyContext,
  records: EnterpriseRegistration[],
  state: BatchState,
): Promise<Result[]> {
  const usccs = [...new Set(records.map((r) => r.uscc))];
  const rows = await sql.query<Current & { uscc: string }>(
    `SELECT ${CURRENT_COLUMNS} FROM "Enterprise" WHERE "uscc" = ANY($1::text[])`,
    [usccs],
  );
  const codes = [...new Set(records.map((r) => r.registrationAuthorityCode))];
  const departments = await sql.query<{ code: string }>(
    `SELECT "code" FROM "Department" WHERE "code" = ANY($1::text[])`,
    [codes],
  );
  const plan: Plan = {
    current: new Map(rows.map(({ uscc, ...current }) => [uscc, current])),
    departments: new Set(departments.map((d) => d.code)),
    creates: new Map(),
    updates: new Map(),
  };
  const results = records.map((r) => planRecord(ctx, r, state, plan));
  await writeEnterprises(sql, plan);
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
    conflict(state, r, { entityType: 'ENTERPRISE', entityId: r.uscc, field: '*', owner }, null, incoming);
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
  const at = { entityType: 'ENTERPRISE' as const, entityId: r.uscc, owner };
  const owned = ownedChanges(state, ctx, r, at, ENTERPRISE_FIELDS, existing, incoming);
  if ('result' in owned) return owned.result;
  const differing = owned.changed;
  const changed = Object.fromEntries(differing.map((f) => [f, incoming[f]]));
  const columns = Object.fromEntries(differing.map((f) => [f, fields[f] ?? null])) as Partial<EnterpriseFields>;
  const pending = plan.creates.get(r.uscc);
  if (pending) Object.assign(pending, columns);
  else {
    const update = plan.updates.get(r.uscc);
    if (update) Object.assign(update.columns, columns);
    else plan.updates.set(r.uscc, { read: existing.revision, columns });
  }
  Object.assign(existing, changed, { revision: existing.revision + (pending ? 0 : 1) });
  provenance(state, r, 'ENTERPRISE', r.uscc, differing);
  change(state, ctx, enterpriseChange('UPDATED', r.uscc, existing.revision, changed, null));
  return outcome('updated');
}

// A new enterprise's row as the registration rules build it (capital as its decimal text).
type EnterpriseInsert = ReturnType<typeof enterpriseRow>;

/** The staging table's columns: the row as text, and whether it is new (C) or changed (U). */
const STAGE_COLUMNS = [
  'op',
  'uscc',
  ...ENTERPRISE_FIELDS,
  'sourceSystemId',
  'sourceRecordId',
  'sourceVersion',
  'bumps',
  'changed',
] as const;

/** Column and the SQL type its staged text is cast to. */
const UPDATABLE: readonly (readonly [Field, string])[] = ENTERPRISE_FIELDS.map((f) => [
  f,
  f === 'type'
    ? '"EnterpriseType"'
    : f === 'status'
      ? '"EnterpriseStatus"'
      : f === 'registeredCapital'
        ? 'numeric'
        : f === 'establishedOn'
          ? 'date'
          : 'text',
]);

const text = (v: unknown): string | null =>
  v === undefined || v === null
    ? null
    : v instanceof Date
      ? v.toISOString().slice(0, 10)
      : typeof v === 'string'
        ? v
        : JSON.stringify(v);

/**
 * COPY the batch's new and changed rows into a staging table that lives until the commit, then
 * apply them set-wise: one INSERT ... SELECT for the new ones, one UPDATE ... FROM for the changed
 * ones (only the columns the batch changed, so a concurrent change of another column stays; one
 * revision per record of the batch that changed the row, as its change events say).
 */
async function writeEnterprises(sql: CopySql, plan: Plan): Promise<void> {
  if (plan.creates.size === 0 && plan.updates.size === 0) return;
  const rows: (string | null)[][] = [];
  for (const c of plan.creates.values()) {
    const row: Record<string, unknown> = { ...c, op: 'C' };
    rows.push(STAGE_COLUMNS.map((k) => text(row[k])));
  }
  for (const [uscc, { read, columns }] of plan.updates) {
    const bumps = plan.current.get(uscc)!.revision - read;
    const row: Record<string, unknown> = { ...columns, op: 'U', uscc, bumps, changed: Object.keys(columns).join(',') };
    rows.push(STAGE_COLUMNS.map((k) => text(row[k])));
  }
  await sql.execute(
    `CREATE TEMP TABLE ingest_enterprise (${STAGE_COLUMNS.map((c) => `"${c}" text`).join(', ')}) ON COMMIT DROP`,
  );
  await sql.copy('ingest_enterprise', STAGE_COLUMNS, rows);
  if (plan.creates.size > 0) {
    await sql.execute(`
      INSERT INTO "Enterprise" ("uscc", "name", "type", "legalRepresentative", "legalRepresentativeIdNumber", "registeredCapital",
        "establishedOn", "registrationAuthorityCode", "address", "street", "businessScope", "status", "contactPhone",
        "sourceSystemId", "sourceRecordId", "sourceVersion", "updatedAt")
      SELECT s."uscc", s."name", s."type"::"EnterpriseType", s."legalRepresentative", s."legalRepresentativeIdNumber",
        s."registeredCapital"::numeric, s."establishedOn"::date, s."registrationAuthorityCode", s."address", s."street",
        s."businessScope", s."status"::"EnterpriseStatus", s."contactPhone", s."sourceSystemId"::uuid, s."sourceRecordId",
        s."sourceVersion"::int, now()
      FROM ingest_enterprise s WHERE s."op" = 'C'`);
  }
  if (plan.updates.size > 0) {
    await sql.execute(`
      UPDATE "Enterprise" e SET ${UPDATABLE.map(
        ([f, type]) => `"${f}" = CASE WHEN '${f}' = ANY(s."fields") THEN s."${f}"::${type} ELSE e."${f}" END`,
      ).join(', ')},
        "revision" = e."revision" + s."bumps"::int, "updatedAt" = now()
      FROM (SELECT *, string_to_array("changed", ',') AS "fields" FROM ingest_enterprise) s
      WHERE s."op" = 'U' AND e."uscc" = s."uscc"`);
  }
}
