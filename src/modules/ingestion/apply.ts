/**
 * Applies canonical records inside one transaction: once-only by source record and version,
 * field ownership, provenance, history events and change-feed events. Enterprises (the bulk of
 * every registry export) are applied set-wise; licences and penalties record by record.
 */
import { randomUUID } from 'node:crypto';
import type { Adapter, ParsedRecord } from '../../../adapters/adapter.js';
import { parseInput, registerSchema } from '../subjects/index.js';
import { attributeProblems, parseAttributeSchema } from '../licences/index.js';
import { applyTransition } from '../licences/index.js';
import { TRANSITIONS } from '../licences/index.js';
import { Prisma, type Enterprise, type Licence, type Penalty } from '../../generated/prisma/client.js';
import type { ChangeEntity, LicenceAction, LicenceStatus } from '../../generated/prisma/enums.js';
import type { Logger } from '../../platform/logger.js';
import type { CanonicalRecord, EnterpriseRegistration, FieldProblem, LicenceIssue, PenaltyDecision } from '../../../adapters/canonical.js';
import { ENTERPRISE_FIELDS, LICENCE_FIELDS, PENALTY_FIELDS } from './ownership.js';
import { lockChangeFeed } from '../../platform/outbox.js';
import { contentHash, type IngestSource } from './source.js';

type Tx = Prisma.TransactionClient;
export type Outcome = 'created' | 'updated' | 'unchanged' | 'conflicting' | 'rejected';

export interface ApplyContext {
  prisma: import('../../generated/prisma/client.js').PrismaClient;
  /** For the cache after commit. */
  platform?: Pick<import('../../platform/context.js').Platform, 'prisma' | 'cache' | 'config'>;
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

interface Input {
  record: CanonicalRecord;
  parsed: ParsedRecord;
}

const day = (iso: string | null) => (iso === null ? null : new Date(`${iso}T00:00:00.000Z`));
const iso = (d: Date | null) => (d === null ? null : d.toISOString().slice(0, 10));
const money = (v: { toFixed(n: number): string } | string | null) =>
  v === null ? null : typeof v === 'string' ? Number(v).toFixed(2) : v.toFixed(2);
const rejected = (problems: FieldProblem[]): Result => ({ outcome: 'rejected', problems });
const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;

interface SourceState {
  version: number;
  hash: string;
}

/** Once-only check against what this system sent before. */
function versionCheck(prev: SourceState | undefined, version: number, hash: string): Result | null {
  if (!prev) return null;
  if (prev.version > version) return { outcome: 'unchanged', problems: [] }; // an older version never overwrites a newer one
  if (prev.version === version) {
    return prev.hash === hash
      ? { outcome: 'unchanged', problems: [] }
      : rejected([{ field: 'sourceVersion', reason: `version ${version} was already applied with different content; send it as a new version` }]);
  }
  return null;
}

export async function applyBatch(tx: Tx, ctx: ApplyContext, inputs: Input[]): Promise<Result[]> {
  ctx.touched = { enterprises: new Set(), licences: new Set() };
  if (inputs.length === 0) return [];
  const ids = inputs.map((i) => i.record.sourceRecordId);
  const prev = new Map(
    // One array parameter instead of an IN list: Prisma binds every element of an IN list separately.
    (
      await tx.$queryRaw<{ sourceRecordId: string; sourceVersion: number; contentHash: string }[]>`
        SELECT "sourceRecordId", "sourceVersion", "contentHash" FROM "SourceRecord"
        WHERE "systemId" = ${ctx.source.systemId}::uuid AND "sourceRecordId" = ANY(${ids}::text[])`
    ).map((s) => [s.sourceRecordId, { version: s.sourceVersion, hash: s.contentHash }]),
  );
  const state: BatchState = { prev, sources: new Map(), changes: [], provenance: [], conflicts: [] };
  let results: Result[];
  switch (ctx.adapter.kind) {
    case 'enterprise':
      results = await applyEnterprises(tx, ctx, inputs as (Input & { record: EnterpriseRegistration })[], state);
      break;
    case 'licence':
      results = [];
      for (const i of inputs as (Input & { record: LicenceIssue })[]) results.push(await applyLicence(tx, ctx, i.record, state));
      break;
    default:
      results = [];
      for (const i of inputs as (Input & { record: PenaltyDecision })[]) results.push(await applyPenalty(tx, ctx, i.record, state));
  }
  await flushState(tx, ctx, state);
  return results;
}

interface BatchState {
  prev: Map<string, SourceState>;
  sources: Map<string, { entityType: ChangeEntity; entityId: string; version: number; hash: string }>;
  changes: Prisma.ChangeEventCreateManyInput[];
  provenance: { entityType: ChangeEntity; entityId: string; field: string; sourceRecordId: string; sourceVersion: number }[];
  conflicts: Prisma.FieldConflictCreateManyInput[];
}

function remember(state: BatchState, r: CanonicalRecord, entityType: ChangeEntity, entityId: string): void {
  const hash = contentHash(r);
  state.sources.set(r.sourceRecordId, { entityType, entityId, version: r.sourceVersion, hash });
  state.prev.set(r.sourceRecordId, { version: r.sourceVersion, hash });
}

function change(state: BatchState, ctx: ApplyContext, entityType: ChangeEntity, entityId: string, action: string, changes: Record<string, unknown>, revision: number | null): void {
  state.changes.push({
    entityType,
    entityId,
    action,
    revision,
    systemId: ctx.source.systemId,
    departmentCode: ctx.source.departmentCode,
    changes: json({ ...changes, source: { adapter: ctx.adapter.name, file: ctx.file } }),
  });
}

function conflict(
  state: BatchState,
  ctx: ApplyContext,
  r: CanonicalRecord,
  entityType: ChangeEntity,
  entityId: string,
  field: string,
  owner: string,
  current: unknown,
  attempted: unknown,
): void {
  state.conflicts.push({
    entityType,
    entityId,
    field,
    ownerDepartmentCode: owner,
    systemId: ctx.source.systemId,
    departmentCode: ctx.source.departmentCode,
    currentValue: json(current ?? null),
    attemptedValue: json(attempted ?? null),
    sourceRecordId: r.sourceRecordId,
    sourceVersion: r.sourceVersion,
  });
}

async function flushState(tx: Tx, ctx: ApplyContext, s: BatchState): Promise<void> {
  if (s.changes.length) {
    await lockChangeFeed(tx);
    // One statement with array parameters: Prisma's createMany serialises every value separately,
    // which costs more than the insert itself for large batches.
    const c = s.changes;
    await tx.$executeRaw`
      INSERT INTO "ChangeEvent" ("entityType", "entityId", "action", "revision", "systemId", "departmentCode", "changes")
      SELECT t.et::"ChangeEntity", t.eid, t.a, t.r, t.sid::uuid, t.d, t.c::jsonb
      FROM unnest(${c.map((x) => x.entityType)}::text[], ${c.map((x) => x.entityId)}::text[], ${c.map((x) => x.action)}::text[],
                  ${c.map((x) => x.revision ?? null)}::int[], ${c.map((x) => x.systemId ?? null)}::text[], ${c.map((x) => x.departmentCode ?? null)}::text[],
                  ${c.map((x) => JSON.stringify(x.changes))}::text[]) WITH ORDINALITY AS t(et, eid, a, r, sid, d, c, n)
      ORDER BY t.n`;
  }
  if (s.conflicts.length) await tx.fieldConflict.createMany({ data: s.conflicts, skipDuplicates: true });
  if (s.provenance.length) {
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
  if (s.sources.size) {
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
}

// ---------------------------------------------------------------------------------------------
// Enterprises

type EnterpriseValues = Record<(typeof ENTERPRISE_FIELDS)[number], string | null>;

function enterpriseValues(e: Enterprise): EnterpriseValues {
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

function recordValues(r: EnterpriseRegistration): EnterpriseValues {
  return {
    name: r.name,
    type: r.type,
    legalRepresentative: r.legalRepresentative,
    legalRepresentativeIdNumber: r.legalRepresentativeIdNumber,
    registeredCapital: money(r.registeredCapital),
    establishedOn: r.establishedOn,
    registrationAuthorityCode: r.registrationAuthorityCode,
    address: r.address,
    street: r.street,
    businessScope: r.businessScope,
    status: r.status,
    contactPhone: r.contactPhone,
  };
}

function toColumns(v: Partial<EnterpriseValues>): Prisma.EnterpriseUncheckedUpdateInput {
  const out: Record<string, unknown> = { ...v };
  if (v.establishedOn !== undefined) out.establishedOn = day(v.establishedOn);
  return out as Prisma.EnterpriseUncheckedUpdateInput;
}

async function applyEnterprises(tx: Tx, ctx: ApplyContext, inputs: (Input & { record: EnterpriseRegistration })[], state: BatchState): Promise<Result[]> {
  // An enterprise's registration fields are owned by its registration authority (market regulation).
  const ownerOf = (registrationAuthorityCode: string) => registrationAuthorityCode;
  const usccs = [...new Set(inputs.map((i) => i.record.uscc))];
  const current = new Map<string, EnterpriseValues & { revision: number }>(
    (await tx.$queryRaw<Enterprise[]>`SELECT * FROM "Enterprise" WHERE "uscc" = ANY(${usccs}::text[])`).map((e) => [
      e.uscc,
      { ...enterpriseValues(e), revision: e.revision },
    ]),
  );
  const departments = new Set(
    (await tx.department.findMany({ where: { code: { in: [...new Set(inputs.map((i) => i.record.registrationAuthorityCode))] } }, select: { code: true } })).map((d) => d.code),
  );
  const creates = new Map<string, Prisma.EnterpriseCreateManyInput>();
  const updates = new Map<string, Partial<EnterpriseValues>>();
  const results: Result[] = [];
  for (const { record: r } of inputs) {
    const hash = contentHash(r);
    const seen = versionCheck(state.prev.get(r.sourceRecordId), r.sourceVersion, hash);
    if (seen) {
      results.push(seen);
      continue;
    }
    const problems: FieldProblem[] = [];
    try {
      parseInput(registerSchema, { ...recordValues(r), establishedOn: day(r.establishedOn), registeredCapital: r.registeredCapital });
    } catch (err) {
      const list = (err as { extensions?: { problems?: { field: string | null; message: string }[] } }).extensions?.problems ?? [];
      problems.push(...list.map((p) => ({ field: p.field, reason: p.message })));
    }
    if (!departments.has(r.registrationAuthorityCode)) {
      problems.push({ field: 'registrationAuthorityCode', reason: `no department has the code "${r.registrationAuthorityCode}"` });
    }
    if (problems.length) {
      results.push(rejected(problems));
      continue;
    }
    const incoming = recordValues(r);
    const existing = current.get(r.uscc);
    const owner = ownerOf(existing?.registrationAuthorityCode ?? r.registrationAuthorityCode);
    const isOwner = owner === ctx.source.departmentCode;
    if (!existing) {
      if (!isOwner) {
        conflict(state, ctx, r, 'ENTERPRISE', r.uscc, '*', owner, null, incoming);
        remember(state, r, 'ENTERPRISE', r.uscc);
        results.push({ outcome: 'conflicting', problems: [] });
        continue;
      }
      creates.set(r.uscc, {
        uscc: r.uscc,
        ...(toColumns(incoming) as Omit<Prisma.EnterpriseCreateManyInput, 'uscc'>),
        sourceSystemId: ctx.source.systemId,
        sourceRecordId: r.sourceRecordId,
        sourceVersion: r.sourceVersion,
      });
      current.set(r.uscc, { ...incoming, revision: 1 });
      state.provenance.push({ entityType: 'ENTERPRISE', entityId: r.uscc, field: '*', sourceRecordId: r.sourceRecordId, sourceVersion: r.sourceVersion });
      change(state, ctx, 'ENTERPRISE', r.uscc, 'CREATED', { ...incoming, uscc: r.uscc }, 1);
      remember(state, r, 'ENTERPRISE', r.uscc);
      results.push({ outcome: 'created', problems: [] });
      continue;
    }
    const changed: Partial<EnterpriseValues> = {};
    let conflicts = 0;
    for (const f of ENTERPRISE_FIELDS) {
      if (incoming[f] === existing[f]) continue;
      if (isOwner) changed[f] = incoming[f];
      else {
        conflict(state, ctx, r, 'ENTERPRISE', r.uscc, f, owner, existing[f], incoming[f]);
        conflicts += 1;
      }
    }
    remember(state, r, 'ENTERPRISE', r.uscc);
    if (Object.keys(changed).length === 0) {
      results.push({ outcome: conflicts ? 'conflicting' : 'unchanged', problems: [] });
      continue;
    }
    const pending = creates.get(r.uscc);
    if (pending) Object.assign(pending, toColumns(changed));
    else updates.set(r.uscc, { ...updates.get(r.uscc), ...changed });
    Object.assign(existing, changed, { revision: existing.revision + (pending ? 0 : 1) });
    for (const f of Object.keys(changed)) {
      state.provenance.push({ entityType: 'ENTERPRISE', entityId: r.uscc, field: f, sourceRecordId: r.sourceRecordId, sourceVersion: r.sourceVersion });
    }
    change(state, ctx, 'ENTERPRISE', r.uscc, 'UPDATED', changed, existing.revision);
    results.push({ outcome: conflicts ? 'conflicting' : 'updated', problems: [] });
  }
  if (creates.size) {
    const c = [...creates.values()];
    const col = <K extends keyof Prisma.EnterpriseCreateManyInput>(k: K) => c.map((x) => (x[k] === undefined || x[k] === null ? null : String(x[k] instanceof Date ? (x[k] as Date).toISOString().slice(0, 10) : x[k])));
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
  for (const [uscc, fields] of updates) {
    await tx.enterprise.update({ where: { uscc }, data: { ...toColumns(fields), revision: { increment: 1 } } });
  }
  // New rows cannot be in the cache (misses are not cached); changed ones must be refreshed.
  for (const u of updates.keys()) ctx.touched!.enterprises.add(u);
  return results;
}

// ---------------------------------------------------------------------------------------------
// Licences

/** The lifecycle action that takes a licence from one status to another, if any (from TRANSITIONS). */
function actionFor(from: LicenceStatus, to: LicenceStatus): LicenceAction | undefined {
  const found = Object.entries(TRANSITIONS).find(([, t]) => t.from.includes(from) && t.to === to);
  return found?.[0] as LicenceAction | undefined;
}

function licenceValues(l: Pick<Licence, 'holderUscc' | 'issuedOn' | 'validFrom' | 'validUntil' | 'scope' | 'attributes' | 'status'>) {
  return {
    holderUscc: l.holderUscc,
    issuedOn: iso(l.issuedOn),
    validFrom: iso(l.validFrom),
    validUntil: iso(l.validUntil),
    scope: l.scope,
    attributes: JSON.stringify(l.attributes),
    status: l.status,
  };
}

async function applyLicence(tx: Tx, ctx: ApplyContext, r: LicenceIssue, state: BatchState): Promise<Result> {
  const hash = contentHash(r);
  const seen = versionCheck(state.prev.get(r.sourceRecordId), r.sourceVersion, hash);
  if (seen) return seen;
  const type = await tx.licenceType.findUnique({ where: { code: r.typeCode } });
  if (!type) return rejected([{ field: 'typeCode', reason: `no licence type has the code "${r.typeCode}"` }]);
  const problems: FieldProblem[] = [];
  const holder = await tx.enterprise.findUnique({ where: { uscc: r.holderUscc }, select: { uscc: true } });
  if (!holder) problems.push({ field: 'holderUscc', reason: `no enterprise has the USCC ${r.holderUscc}; it must be registered first (re-submit this record after)` });
  if (r.validUntil && r.validUntil < r.validFrom) problems.push({ field: 'validUntil', reason: 'is before validFrom' });
  problems.push(...attributeProblems(parseAttributeSchema(type.attributeSchema), r.attributes).map((p) => ({ field: p.field, reason: p.message })));
  if (problems.length) return rejected(problems);
  const existing = await tx.licence.findUnique({ where: { typeCode_number: { typeCode: r.typeCode, number: r.number } } });
  const incoming = {
    holderUscc: r.holderUscc,
    issuedOn: r.issuedOn,
    validFrom: r.validFrom,
    validUntil: r.validUntil,
    scope: r.scope,
    attributes: JSON.stringify(r.attributes),
    status: r.status,
  };
  const owner = type.issuingDepartmentCode;
  if (owner !== ctx.source.departmentCode) {
    const entityId = existing?.id ?? `${r.typeCode}:${r.number}`;
    for (const f of existing ? LICENCE_FIELDS.filter((f) => licenceValues(existing)[f] !== incoming[f]) : ['*']) {
      conflict(state, ctx, r, 'LICENCE', entityId, f, owner, existing ? licenceValues(existing)[f as (typeof LICENCE_FIELDS)[number]] : null, f === '*' ? incoming : incoming[f as (typeof LICENCE_FIELDS)[number]]);
    }
    remember(state, r, 'LICENCE', entityId);
    return { outcome: 'conflicting', problems: [] };
  }
  if (!existing) {
    const id = randomUUID();
    const created = await tx.licence.create({
      data: {
        id,
        typeCode: r.typeCode,
        number: r.number,
        holderUscc: r.holderUscc,
        issuingDepartmentCode: owner,
        issuedOn: day(r.issuedOn)!,
        validFrom: day(r.validFrom)!,
        validUntil: day(r.validUntil),
        scope: r.scope,
        attributes: r.attributes,
        status: r.status,
        sourceSystemId: ctx.source.systemId,
        sourceRecordId: r.sourceRecordId,
        sourceVersion: r.sourceVersion,
        events: { create: { action: 'ISSUED', toStatus: r.status, reason: `ingested from ${ctx.file}`, actorSystemId: ctx.source.systemId, actorDepartmentCode: owner } },
      },
    });
    state.provenance.push({ entityType: 'LICENCE', entityId: id, field: '*', sourceRecordId: r.sourceRecordId, sourceVersion: r.sourceVersion });
    change(state, ctx, 'LICENCE', id, 'CREATED', { ...incoming, attributes: r.attributes, typeCode: r.typeCode, number: r.number }, created.revision);
    remember(state, r, 'LICENCE', id);
    return { outcome: 'created', problems: [] };
  }
  const before = licenceValues(existing);
  const changed = LICENCE_FIELDS.filter((f) => before[f] !== incoming[f]);
  remember(state, r, 'LICENCE', existing.id);
  if (changed.length === 0) return { outcome: 'unchanged', problems: [] };
  let action: LicenceAction = 'AMENDED';
  if (changed.includes('status')) {
    const a = actionFor(existing.status, r.status);
    if (!a) {
      return rejected([{ field: 'status', reason: `a ${existing.status} licence cannot become ${r.status} (allowed from ${existing.status}: ${Object.entries(TRANSITIONS).filter(([, t]) => t.from.includes(existing.status)).map(([, t]) => t.to).join(', ') || 'none'})` }]);
    }
    action = a;
  }
  const updated = await tx.licence.update({
    where: { id: existing.id },
    data: {
      holderUscc: r.holderUscc,
      issuedOn: day(r.issuedOn)!,
      validFrom: day(r.validFrom)!,
      validUntil: day(r.validUntil),
      scope: r.scope,
      attributes: r.attributes,
      status: r.status,
      revision: { increment: 1 },
      events: {
        create: {
          action,
          fromStatus: existing.status,
          toStatus: r.status,
          reason: `ingested from ${ctx.file} (version ${r.sourceVersion})`,
          actorSystemId: ctx.source.systemId,
          actorDepartmentCode: owner,
          changes: json(Object.fromEntries(changed.map((f) => [f, { from: before[f], to: incoming[f] }]))),
        },
      },
    },
  });
  for (const f of changed) state.provenance.push({ entityType: 'LICENCE', entityId: existing.id, field: f, sourceRecordId: r.sourceRecordId, sourceVersion: r.sourceVersion });
  change(state, ctx, 'LICENCE', existing.id, action, Object.fromEntries(changed.map((f) => [f, f === 'attributes' ? r.attributes : incoming[f]])), updated.revision);
  ctx.touched!.licences.add(existing.id);
  return { outcome: 'updated', problems: [] };
}

// ---------------------------------------------------------------------------------------------
// Penalties

function penaltyValues(p: Pick<Penalty, 'enterpriseUscc' | 'facts' | 'legalBasis' | 'kinds' | 'fineAmount' | 'confiscatedAmount' | 'decidedOn' | 'publicityUntil' | 'suspensionUntil'>) {
  return {
    enterpriseUscc: p.enterpriseUscc,
    facts: p.facts,
    legalBasis: p.legalBasis,
    kinds: [...p.kinds].sort().join(','),
    fineAmount: money(p.fineAmount),
    confiscatedAmount: money(p.confiscatedAmount),
    decidedOn: iso(p.decidedOn),
    publicityUntil: iso(p.publicityUntil),
    suspensionUntil: iso(p.suspensionUntil),
  };
}

async function applyPenalty(tx: Tx, ctx: ApplyContext, r: PenaltyDecision, state: BatchState): Promise<Result> {
  const hash = contentHash(r);
  const seen = versionCheck(state.prev.get(r.sourceRecordId), r.sourceVersion, hash);
  if (seen) return seen;
  const problems: FieldProblem[] = [];
  const enterprise = await tx.enterprise.findUnique({ where: { uscc: r.enterpriseUscc }, select: { uscc: true } });
  if (!enterprise) problems.push({ field: 'enterpriseUscc', reason: `no enterprise has the USCC ${r.enterpriseUscc}` });
  const licenceAction = r.kinds.includes('LICENCE_REVOCATION') ? 'REVOKED' : r.kinds.includes('LICENCE_SUSPENSION') ? 'SUSPENDED' : null;
  const licence = r.licence ? await tx.licence.findUnique({ where: { typeCode_number: { typeCode: r.licence.typeCode, number: r.licence.number } } }) : null;
  if (r.licence && !licence) problems.push({ field: 'licence', reason: `no ${r.licence.typeCode} licence numbered ${r.licence.number}` });
  if (licence && licence.holderUscc !== r.enterpriseUscc) problems.push({ field: 'licence', reason: `the licence is held by ${licence.holderUscc}` });
  if (problems.length) return rejected(problems);
  const incoming = penaltyValues({
    enterpriseUscc: r.enterpriseUscc,
    facts: r.facts,
    legalBasis: r.legalBasis,
    kinds: r.kinds,
    fineAmount: r.fineAmount === null ? null : new Prisma.Decimal(r.fineAmount),
    confiscatedAmount: r.confiscatedAmount === null ? null : new Prisma.Decimal(r.confiscatedAmount),
    decidedOn: day(r.decidedOn)!,
    publicityUntil: day(r.publicityUntil),
    suspensionUntil: day(r.suspensionUntil),
  });
  const existing = await tx.penalty.findUnique({ where: { decisionNumber: r.decisionNumber } });
  const data = {
    enterpriseUscc: r.enterpriseUscc,
    facts: r.facts,
    legalBasis: r.legalBasis,
    kinds: r.kinds,
    fineAmount: r.fineAmount,
    confiscatedAmount: r.confiscatedAmount,
    decidedOn: day(r.decidedOn)!,
    publicityUntil: day(r.publicityUntil),
    suspensionUntil: day(r.suspensionUntil),
  };
  if (!existing) {
    const id = randomUUID();
    if (licenceAction && licence) {
      const rule = TRANSITIONS[licenceAction];
      if (!rule.from.includes(licence.status)) {
        return rejected([{ field: 'licence', reason: `the licence is ${licence.status}; it cannot be ${licenceAction.toLowerCase()}` }]);
      }
    }
    const created = await tx.penalty.create({
      data: { id, decisionNumber: r.decisionNumber, decidingDepartmentCode: ctx.source.departmentCode, licenceId: licence?.id ?? null, ...data, sourceSystemId: ctx.source.systemId, sourceRecordId: r.sourceRecordId, sourceVersion: r.sourceVersion },
    });
    change(state, ctx, 'PENALTY', id, 'CREATED', { decisionNumber: r.decisionNumber, ...incoming }, created.revision);
    if (licenceAction && licence) {
      // The same transition as a penalty decided through the API: history event and change feed.
      await applyTransition(tx, { licenceId: licence.id, action: licenceAction, reason: `行政处罚决定 ${r.decisionNumber}`, actor: ctx.source, penaltyId: id });
      ctx.touched!.licences.add(licence.id);
    }
    state.provenance.push({ entityType: 'PENALTY', entityId: id, field: '*', sourceRecordId: r.sourceRecordId, sourceVersion: r.sourceVersion });
    remember(state, r, 'PENALTY', id);
    return { outcome: 'created', problems: [] };
  }
  const before = penaltyValues(existing);
  const changed = PENALTY_FIELDS.filter((f) => before[f] !== incoming[f]);
  remember(state, r, 'PENALTY', existing.id);
  if (existing.decidingDepartmentCode !== ctx.source.departmentCode) {
    for (const f of changed) conflict(state, ctx, r, 'PENALTY', existing.id, f, existing.decidingDepartmentCode, before[f], incoming[f]);
    return { outcome: changed.length ? 'conflicting' : 'unchanged', problems: [] };
  }
  if (changed.length === 0) return { outcome: 'unchanged', problems: [] };
  const updated = await tx.penalty.update({ where: { id: existing.id }, data: { ...data, revision: { increment: 1 } } });
  for (const f of changed) state.provenance.push({ entityType: 'PENALTY', entityId: existing.id, field: f, sourceRecordId: r.sourceRecordId, sourceVersion: r.sourceVersion });
  change(state, ctx, 'PENALTY', existing.id, 'UPDATED', Object.fromEntries(changed.map((f) => [f, incoming[f]])), updated.revision);
  return { outcome: 'updated', problems: [] };
}
