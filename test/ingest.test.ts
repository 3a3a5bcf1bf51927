/**
 * Once-only ingestion on a real database: counts that add up, the same file twice, versions,
 * owner conflicts, quarantine and re-submission, provenance, change events, and a killed run.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HOOK_TIMEOUT, inject, itSkipIf } from './helpers/runner.js';
import type { Adapter, Mapped } from '../adapters/adapter.js';
import type { CanonicalRecord } from '../adapters/canonical.js';
import { adapters } from '../adapters/registry.js';
import { childEnv } from '../src/config/index.js';
import { marketRegistryCsv, marketRegistryRow, MARKET_REGISTRY_HEADER } from '../prisma/seed/market-registry-export.js';
import { ingestFile, type IngestSource } from '../src/modules/ingestion/pipeline.js';
import { onCommittedWrite } from '../src/platform/db/client.js';
import { cliSource, resubmitQuarantined } from '../src/modules/ingestion/sources.js';
import { EnterpriseByUsccDocument } from './generated/graphql.js';
import { aDepartment, referenceData } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

const samples = (adapter: string, file: string) =>
  path.join(import.meta.dirname, '..', 'adapters', adapter, 'samples', file);
let hub: TestHub;
let mr: IngestSource;

beforeAll(async () => {
  hub = await startTestHub();
  await referenceData(hub.platform.prisma);
  mr = await cliSource(hub.platform.prisma, adapters['market-registry']!);
}, HOOK_TIMEOUT);
afterAll(() => hub.stop(), HOOK_TIMEOUT);

const ingest = (adapter: Adapter, source: IngestSource, file: string, bytes: Buffer, batchSize = 500) =>
  ingestFile(hub.platform, adapter, source, file, bytes, { batchSize });
const sum = (r: { created: number; updated: number; unchanged: number; conflicting: number; rejected: number }) =>
  r.created + r.updated + r.unchanged + r.conflicting + r.rejected;
/** One CSV line's fields (quoted fields may hold commas and doubled quotes; no line breaks outside quotes). */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}
const changeEvents = (entityId: string) => hub.platform.prisma.changeEvent.count({ where: { entityId } });

describe('market-registry registrations', () => {
  it('creates every good record once; the same file again (or its GB 18030 copy) changes nothing', async () => {
    const registry = adapters['market-registry']!;
    const file = fs.readFileSync(samples('market-registry', 'good.csv'));
    const usccs = file
      .toString('utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]!);
    // The README's ingestion example (test/readme.test.ts) sends this same sample into the shared
    // test database, before or while this runs: what it stored first is unchanged here, the rest created.
    const before = await hub.platform.prisma.enterprise.count({ where: { uscc: { in: usccs } } });
    const first = await ingest(registry, mr, 'good.csv', file);
    expect(first).toMatchObject({ total: 12, rejected: 0, updated: 0, conflicting: 0 });
    expect(first.created + first.unchanged).toBe(12);
    expect(first.created).toBeLessThanOrEqual(12 - before);
    expect(await hub.platform.prisma.enterprise.count({ where: { uscc: { in: usccs } } })).toBe(12);
    expect(sum(first)).toBe(first.total);
    const e = await hub.platform.prisma.enterprise.findUniqueOrThrow({ where: { uscc: '91440105MA9UL1PE00' } });
    expect(e).toMatchObject({
      name: '广州市沙园建筑工程有限公司',
      street: '沙园街道',
      registrationAuthorityCode: 'MR',
      sourceRecordId: 'MR-2023-000150',
    });
    expect(e.registeredCapital.toFixed(2)).toBe('20000000.00');
    expect(await changeEvents('91440105MA9UL1PE00')).toBe(1);

    const again = await ingest(registry, mr, 'good.csv', fs.readFileSync(samples('market-registry', 'good.csv')));
    expect(again).toMatchObject({ total: 12, created: 0, updated: 0, unchanged: 12 });
    const gb = await ingest(
      registry,
      mr,
      'good.gb18030.csv',
      fs.readFileSync(samples('market-registry', 'good.gb18030.csv')),
    );
    expect(gb).toMatchObject({ total: 12, unchanged: 12 });
    expect(await changeEvents('91440105MA9UL1PE00')).toBe(1);
    // Readers through the gateway see the ingested record.
    const read = await hub.gql(EnterpriseByUsccDocument, { uscc: '91440105MA9UL1PE00' });
    expect(read.data?.enterprise?.registrationAuthority.code).toBe('MR');
  });

  it('quarantines every bad record with file, location and reason, once, and the counts add up', async () => {
    const registry = adapters['market-registry']!;
    const bytes = fs.readFileSync(samples('market-registry', 'bad.csv'));
    const report = await ingest(registry, mr, 'bad.csv', bytes);
    expect(sum(report)).toBe(report.total);
    expect(report.rejected).toBeGreaterThanOrEqual(15);
    // Quarantine entries are keyed by file content and location: whoever sent this file first, each
    // bad record is kept exactly once.
    const sha = createHash('sha256').update(bytes).digest('hex');
    const q = await hub.platform.prisma.quarantinedRecord.findMany({
      where: { adapter: 'market-registry', fileSha256: sha },
    });
    expect(q).toHaveLength(report.rejected);
    for (const row of q) {
      expect(row.location).toMatch(/^line \d+$/);
      expect((row.problems as unknown[]).length).toBeGreaterThan(0);
    }
    expect(q.some((r) => JSON.stringify(r.problems).includes('check character'))).toBe(true);
    const again = await ingest(registry, mr, 'bad.csv', bytes);
    expect(again.rejected).toBe(report.rejected);
    expect(
      await hub.platform.prisma.quarantinedRecord.count({
        where: { adapter: 'market-registry', fileSha256: q[0]!.fileSha256 },
      }),
    ).toBe(report.rejected);
  });

  it('stores backslashes, tabs, line breaks and a literal \\N exactly as sent (the staging COPY escapes them)', async () => {
    const registry = adapters['market-registry']!;
    const row = marketRegistryRow(0, { offset: 7_000_000 + (process.pid % 100_000), nameSuffix: '\\N\\分店' });
    const scope = '预包装食品销售\t零售\n批发；路径 C:\\data\\N；"引号"';
    const address = '广州市海珠区\\N路1号 首层'; // (the adapter folds whitespace in addresses)
    // The row's line, with the address and business scope (fields 9 and 11) replaced, CSV-quoted.
    const fields = parseCsvLine(row.line);
    fields[8] = address;
    fields[10] = scope;
    const line = fields.map((f) => `"${f.replace(/"/g, '""')}"`).join(',');
    const result = await ingest(registry, mr, 'escapes.csv', Buffer.from(`${MARKET_REGISTRY_HEADER}\n${line}\n`));
    expect(result).toMatchObject({ total: 1, created: 1, rejected: 0 });
    const stored = await hub.platform.prisma.enterprise.findUniqueOrThrow({ where: { uscc: row.uscc } });
    expect({ name: stored.name, address: stored.address, businessScope: stored.businessScope }).toEqual({
      name: row.name,
      address,
      businessScope: scope,
    });
    // Sent again: the same values, so nothing changes.
    const again = await ingest(registry, mr, 'escapes.csv', Buffer.from(`${MARKET_REGISTRY_HEADER}\n${line}\n`));
    expect(again).toMatchObject({ total: 1, unchanged: 1 });
  });

  it('applies a newer version, never an older one, and records field provenance', async () => {
    const registry = adapters['market-registry']!;
    const v2 = marketRegistryCsv(3, { offset: 500, version: 2 });
    expect(await ingest(registry, mr, 'v2.csv', Buffer.from(v2.csv))).toMatchObject({ created: 3 });
    const v3 = marketRegistryCsv(3, { offset: 500, version: 3, nameSuffix: '新' });
    expect(await ingest(registry, mr, 'v3.csv', Buffer.from(v3.csv))).toMatchObject({ updated: 3 });
    const v1 = marketRegistryCsv(3, { offset: 500, version: 1, nameSuffix: '旧' });
    expect(await ingest(registry, mr, 'v1.csv', Buffer.from(v1.csv))).toMatchObject({ unchanged: 3, updated: 0 });
    const uscc = v3.rows[0]!.uscc;
    const e = await hub.platform.prisma.enterprise.findUniqueOrThrow({ where: { uscc } });
    expect(e.name).toBe(v3.rows[0]!.name);
    expect(e.revision).toBe(2);
    const prov = await hub.platform.prisma.fieldProvenance.findMany({
      where: { entityType: 'ENTERPRISE', entityId: uscc },
    });
    expect(prov.find((p) => p.field === 'name')).toMatchObject({
      sourceVersion: 3,
      departmentCode: 'MR',
      systemId: mr.systemId,
    });
    expect(prov.find((p) => p.field === '*')).toMatchObject({ sourceVersion: 2 });
    const events = await hub.platform.prisma.changeEvent.findMany({
      where: { entityId: uscc },
      orderBy: { seq: 'asc' },
    });
    expect(events.map((ev) => ev.action)).toEqual(['CREATED', 'UPDATED']);
    expect(events[1]!.changes).toMatchObject({ name: v3.rows[0]!.name });
    // The same version with different content is refused, not silently applied.
    const conflictingV3 = marketRegistryCsv(1, { offset: 500, version: 3, nameSuffix: '改' });
    expect(await ingest(registry, mr, 'v3b.csv', Buffer.from(conflictingV3.csv))).toMatchObject({ rejected: 1 });
  });

  it("records a write of another registration authority's enterprise as a conflict for the owner, without applying it", async () => {
    const prisma = hub.platform.prisma;
    const cityAmr = await aDepartment(prisma, 'MARKET_REGULATION');
    const row = marketRegistryRow(0, { offset: 900 });
    const ingestedName = row.name;
    // The enterprise was registered by another market-regulation department.
    const registry = adapters['market-registry']!;
    await ingest(registry, mr, 'seed.csv', Buffer.from(`${MARKET_REGISTRY_HEADER}\n${row.line}\n`));
    await prisma.enterprise.update({
      where: { uscc: row.uscc },
      data: { registrationAuthorityCode: cityAmr.code, name: '城市局登记的名称有限公司' },
    });
    const changed = marketRegistryRow(0, { offset: 900, version: 2 });
    const report = await ingest(registry, mr, 'later.csv', Buffer.from(`${MARKET_REGISTRY_HEADER}\n${changed.line}\n`));
    expect(report).toMatchObject({ conflicting: 1, updated: 0 });
    expect((await prisma.enterprise.findUniqueOrThrow({ where: { uscc: row.uscc } })).name).toBe(
      '城市局登记的名称有限公司',
    );
    const conflicts = await prisma.fieldConflict.findMany({ where: { entityId: row.uscc } });
    expect(conflicts.map((c) => c.field).sort()).toEqual(['name', 'registrationAuthorityCode']);
    expect(conflicts.find((c) => c.field === 'name')).toMatchObject({
      ownerDepartmentCode: cityAmr.code,
      departmentCode: 'MR',
      attemptedValue: ingestedName,
    });
  });
});

describe('a batch that changes one enterprise twice', () => {
  it('applies both versions in order: the stored revision is the last change event’s', async () => {
    const prisma = hub.platform.prisma;
    const registry = adapters['market-registry']!;
    const v1 = marketRegistryRow(0, { offset: 950, version: 1 });
    await ingest(registry, mr, 'twice-v1.csv', Buffer.from(`${MARKET_REGISTRY_HEADER}\n${v1.line}\n`));
    const v2 = marketRegistryRow(0, { offset: 950, version: 2, nameSuffix: '二' });
    const v3 = marketRegistryRow(0, { offset: 950, version: 3, nameSuffix: '三' });
    const report = await ingest(
      registry,
      mr,
      'twice-v2-v3.csv',
      Buffer.from(`${MARKET_REGISTRY_HEADER}\n${v2.line}\n${v3.line}\n`),
    );
    expect(report).toMatchObject({ total: 2, updated: 2 });
    const e = await prisma.enterprise.findUniqueOrThrow({ where: { uscc: v1.uscc } });
    const events = await prisma.changeEvent.findMany({ where: { entityId: v1.uscc }, orderBy: { seq: 'asc' } });
    expect(events.map((ev) => [ev.action, ev.revision])).toEqual([
      ['CREATED', 1],
      ['UPDATED', 2],
      ['UPDATED', 3],
    ]);
    expect(e).toMatchObject({ name: v3.name, revision: 3 });
  });

  it('a record the database refuses is quarantined with its reason; the rest of its batch is applied', async () => {
    const prisma = hub.platform.prisma;
    const registry = adapters['market-registry']!;
    const first = marketRegistryRow(0, { offset: 980 });
    await ingest(registry, mr, 'refused-1.csv', Buffer.from(`${MARKET_REGISTRY_HEADER}\n${first.line}\n`));
    // The same source record now names another enterprise: no check foresees it, the unique
    // (source system, source record) of Enterprise refuses it.
    const moved = marketRegistryRow(0, { offset: 981, version: 2 });
    const movedLine = moved.line.replace('GEN-981', 'GEN-980');
    const good = marketRegistryRow(0, { offset: 982 });
    const report = await ingest(
      registry,
      mr,
      'refused-2.csv',
      Buffer.from(`${MARKET_REGISTRY_HEADER}\n${movedLine}\n${good.line}\n`),
    );
    expect(report).toMatchObject({ total: 2, created: 1, rejected: 1 });
    expect(await prisma.enterprise.count({ where: { uscc: { in: [moved.uscc, good.uscc] } } })).toBe(1);
    expect(await changeEvents(good.uscc)).toBe(1);
    expect(await changeEvents(moved.uscc)).toBe(0);
    const q = await prisma.quarantinedRecord.findFirstOrThrow({ where: { runId: report.runId } });
    expect(q).toMatchObject({ location: 'line 2', sourceRecordId: 'GEN-980' });
    expect(JSON.stringify(q.problems)).toContain('the database refused the record');
  });

  it('without the pool (as from a GraphQL context) the same batches apply on a Prisma transaction', async () => {
    const { prisma, cache, config } = hub.platform;
    const registry = adapters['market-registry']!;
    const v1 = marketRegistryCsv(2, { offset: 990 });
    const v2 = marketRegistryCsv(2, { offset: 990, version: 2, nameSuffix: '改' });
    const run = (file: string, csv: string) =>
      ingestFile({ prisma, cache, config }, registry, mr, file, Buffer.from(csv));
    expect(await run('nopool-1.csv', v1.csv)).toMatchObject({ created: 2 });
    expect(await run('nopool-2.csv', v2.csv)).toMatchObject({ updated: 2 });
    expect(await run('nopool-2.csv', v2.csv)).toMatchObject({ unchanged: 2 });
    const e = await prisma.enterprise.findUniqueOrThrow({ where: { uscc: v2.rows[0]!.uscc } });
    expect(e).toMatchObject({ name: v2.rows[0]!.name, revision: 2 });
    expect(await changeEvents(e.uscc)).toBe(2);
  });

  it('tells the commit listeners (the response cache) what each batch wrote', async () => {
    const seen: string[][] = [];
    const stop = onCommittedWrite(async (tables) => {
      seen.push([...tables].sort());
      await Promise.resolve();
    });
    try {
      const rows = marketRegistryCsv(2, { offset: 960 });
      expect(await ingest(adapters['market-registry']!, mr, 'listened.csv', Buffer.from(rows.csv))).toMatchObject({
        created: 2,
      });
    } finally {
      stop();
    }
    expect(
      seen.some((t) => ['ChangeEvent', 'Enterprise', 'FieldProvenance', 'SourceRecord'].every((x) => t.includes(x))),
    ).toBe(true);
  });
});

describe('licences and penalties', () => {
  it('quarantines a permit whose holder is not registered, and applies it when re-submitted after registration', async () => {
    const permits = adapters['construction-permits']!;
    const hc = await cliSource(hub.platform.prisma, permits);
    const report = await ingest(
      permits,
      hc,
      'good.json',
      fs.readFileSync(samples('construction-permits', 'good.json')),
    );
    expect(sum(report)).toBe(report.total);
    const missing = await hub.platform.prisma.quarantinedRecord.findMany({ where: { runId: report.runId } });
    expect(missing.length).toBe(report.rejected);
    const waiting = missing.find((m) => JSON.stringify(m.problems).includes('must be registered first'));
    expect(waiting).toBeDefined();
    const needed = JSON.stringify(waiting!.problems).match(/USCC (\w{18})/)![1]!;
    // Register the holder, then re-submit the stored record unchanged.
    await hub.platform.prisma.enterprise.create({
      data: {
        uscc: needed,
        name: '补登记建筑有限公司',
        type: 'LIMITED_LIABILITY_COMPANY',
        legalRepresentative: '王强',
        legalRepresentativeIdNumber: '11010519491231002X',
        registeredCapital: '1000000',
        establishedOn: new Date('2020-01-01'),
        registrationAuthorityCode: 'MR',
        address: '海珠区',
        street: '新港街道',
        businessScope: '建筑',
      },
    });
    const { resolved, report: again } = await resubmitQuarantined(hub.platform, waiting!.id, null);
    expect(resolved).toBe(true);
    expect(again.created).toBe(1);
    expect((await hub.platform.prisma.quarantinedRecord.findUniqueOrThrow({ where: { id: waiting!.id } })).status).toBe(
      'RESUBMITTED',
    );
    expect(
      await hub.platform.prisma.licence.count({ where: { holderUscc: needed, typeCode: 'CONSTRUCTION_PERMIT' } }),
    ).toBeGreaterThan(0);
    const second = await ingest(
      permits,
      hc,
      'good.json',
      fs.readFileSync(samples('construction-permits', 'good.json')),
    );
    expect(second.created).toBe(0);
  });

  it('applies penalty decisions once, suspending or revoking the licences they name', async () => {
    const le = adapters['law-enforcement-penalties']!;
    const source = await cliSource(hub.platform.prisma, le);
    const bytes = fs.readFileSync(samples('law-enforcement-penalties', 'good.xml'));
    const report = await ingest(le, source, 'good.xml', bytes);
    expect(sum(report)).toBe(report.total);
    expect(report.total).toBe(9);
    const again = await ingest(le, source, 'good.xml', bytes);
    expect(again.created + again.updated).toBe(0);
    const created = await hub.platform.prisma.penalty.findMany({ where: { sourceSystemId: source.systemId } });
    expect(created).toHaveLength(report.created);
    for (const p of created.filter((x) => x.licenceId)) {
      const licence = await hub.platform.prisma.licence.findUniqueOrThrow({
        where: { id: p.licenceId! },
        include: { events: true },
      });
      expect(['SUSPENDED', 'REVOKED']).toContain(licence.status);
      expect(licence.events.some((ev) => ev.penaltyId === p.id)).toBe(true);
    }
  });

  it('refuses an adapter run by a system of another department', async () => {
    const permits = adapters['construction-permits']!;
    await expect(
      ingest(permits, mr, 'good.json', fs.readFileSync(samples('construction-permits', 'good.json'))),
    ).rejects.toThrow(/department HC/);
  });
});

describe('an interrupted run', () => {
  // Needs a second process writing while this one reads: PGlite serves one connection at a time,
  // so this runs against real PostgreSQL (as in CI) and is skipped on the embedded database.
  const itOnPostgres = itSkipIf(inject('databaseEmbedded'), 'the embedded database serves one process at a time');
  itOnPostgres(
    'killed mid-file, then run again, ends as one uninterrupted run: no duplicates, nothing missing',
    async () => {
      const n = 3000;
      const { csv, rows } = marketRegistryCsv(n, { offset: 20_000 });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-kill-'));
      const file = path.join(dir, 'big.csv');
      fs.writeFileSync(file, csv);
      const env = childEnv({ DATABASE_URL: inject('databaseUrl'), REDIS_URL: '', DATA_DIR: dir, LOG_LEVEL: 'silent' });
      const cli = path.join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', cli, 'ingest', 'market-registry', file, '--batch', '100'],
        { env, stdio: 'ignore' },
      );
      const prisma = hub.platform.prisma;
      const usccs = rows.map((r) => r.uscc);
      const done = () => prisma.enterprise.count({ where: { uscc: { in: usccs } } });
      for (let i = 0; i < 600 && (await done()) < 300; i++) await new Promise((r) => setTimeout(r, 100));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const partial = await done();
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(n);
      expect(partial % 100).toBe(0); // whole batches only: each is one transaction

      const rerun = await ingestFile(hub.platform, adapters['market-registry']!, mr, file, fs.readFileSync(file), {
        batchSize: 100,
      });
      expect(rerun).toMatchObject({ total: n, created: n - partial, unchanged: partial, rejected: 0 });
      expect(await done()).toBe(n);
      expect(
        await prisma.sourceRecord.count({
          where: { systemId: mr.systemId, sourceRecordId: { in: rows.map((_, i) => `GEN-${20_000 + i}`) } },
        }),
      ).toBe(n);
      expect(await prisma.changeEvent.count({ where: { entityType: 'ENTERPRISE', entityId: { in: usccs } } })).toBe(n);
      const runs = await prisma.ingestionRun.findMany({ where: { file }, orderBy: { startedAt: 'asc' } });
      expect(runs.map((r) => r.status)).toEqual(['FAILED', 'COMPLETED']);
    },
    120_000,
  );
});

// ---------------------------------------------------------------------------------------------
// Every adapter, on its own sample file (after the tests above, in this order).

const sampleOf = (a: Adapter) => samples(a.name, `good.${a.format}`);

/** The adapter with every record's version moved by `delta` and one text field changed. */
function variant(adapter: Adapter, delta: number, mark: string): Adapter {
  const change = (r: CanonicalRecord): CanonicalRecord => {
    const v = r.sourceVersion + delta;
    if (r.kind === 'enterprise') return { ...r, sourceVersion: v, address: `${r.address}${mark}` };
    if (r.kind === 'licence') return { ...r, sourceVersion: v, scope: `${r.scope}${mark}` };
    return { ...r, sourceVersion: v, facts: `${r.facts}${mark}` };
  };
  return {
    ...adapter,
    map: (p): Mapped<CanonicalRecord> => {
      const m = adapter.map(p);
      return m.ok ? { ok: true, record: change(m.record) } : m;
    },
  };
}

/** The text field the variants change, as stored. */
async function markedField(kind: CanonicalRecord['kind'], source: IngestSource): Promise<string[]> {
  const p = hub.platform.prisma;
  const ids = await entitiesOf(source);
  if (kind === 'enterprise')
    return (await p.enterprise.findMany({ where: { uscc: { in: ids } }, orderBy: { uscc: 'asc' } })).map(
      (e) => e.address,
    );
  if (kind === 'licence')
    return (await p.licence.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } })).map((l) => l.scope);
  return (await p.penalty.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } })).map((x) => x.facts);
}

/** The hub records this system's source records map to. */
async function entitiesOf(source: IngestSource): Promise<string[]> {
  return (await hub.platform.prisma.sourceRecord.findMany({ where: { systemId: source.systemId } })).map(
    (r) => r.entityId,
  );
}

/** Registers the holders the licence and penalty samples name, as production would have them. */
async function ensureSampleHolders(): Promise<void> {
  const prisma = hub.platform.prisma;
  // Holders referenced by the licence and penalty samples exist, as they would in production.
  const usccs = new Set<string>();
  for (const a of Object.values(adapters)) {
    if (a.kind === 'enterprise') continue;
    for (const p of a.parse(fs.readFileSync(sampleOf(a)), 'x')) {
      const m = a.map(p);
      if (m.ok)
        usccs.add(
          m.record.kind === 'licence'
            ? m.record.holderUscc
            : m.record.kind === 'penalty'
              ? m.record.enterpriseUscc
              : m.record.uscc,
        );
    }
  }
  for (const uscc of usccs) {
    await prisma.enterprise.upsert({
      where: { uscc },
      create: {
        uscc,
        name: `样例主体${uscc.slice(-6)}`,
        type: 'LIMITED_LIABILITY_COMPANY',
        legalRepresentative: '陈伟',
        legalRepresentativeIdNumber: '11010519491231002X',
        registeredCapital: '1000000',
        establishedOn: new Date('2015-01-01'),
        registrationAuthorityCode: 'MR',
        address: '广州市海珠区',
        street: '新港街道',
        businessScope: '经营',
      },
      update: {},
    });
  }
}

// Licences before penalties: penalty decisions name licences.
const order = ['market-registry', 'construction-permits', 'fire-safety', 'law-enforcement-penalties'];

describe.each(order)('every adapter through the pipeline: %s', (name) => {
  it('applies its sample once; newer versions update, older ones never overwrite; other departments conflict', async () => {
    const adapter = adapters[name]!;
    await ensureSampleHolders();
    const source = await cliSource(hub.platform.prisma, adapter, `${name}-pipeline-test`);
    const bytes = fs.readFileSync(sampleOf(adapter));
    const ingest = (a: Adapter, file: string) => ingestFile(hub.platform, a, source, file, bytes);

    const first = await ingest(adapter, 'good');
    expect(sum(first)).toBe(first.total);
    // Earlier tests in this file may have applied the same sample through another system.
    const applied = first.total - first.rejected - first.conflicting;
    expect(applied).toBeGreaterThan(0);

    const again = await ingest(adapter, 'good (again)');
    expect(again).toMatchObject({
      created: 0,
      updated: 0,
      conflicting: 0,
      unchanged: first.total - first.rejected,
      rejected: first.rejected,
    });

    const newer = await ingest(variant(adapter, 1, '（新）'), 'newer');
    expect(newer.updated).toBe(applied);
    const newerValues = await markedField(adapter.kind, source);
    expect(newerValues.length).toBeGreaterThan(0);
    expect(newerValues.every((v) => v.endsWith('（新）'))).toBe(true);

    const older = await ingest(variant(adapter, 0, '（旧）'), 'older');
    expect(older).toMatchObject({ created: 0, updated: 0 });
    expect(await markedField(adapter.kind, source)).toEqual(newerValues);

    // Another department now owns what this system sends: its next version is a conflict.
    const prisma = hub.platform.prisma;
    if (adapter.kind === 'licence') {
      const types = [
        ...new Set(
          (await prisma.licence.findMany({ where: { id: { in: await entitiesOf(source) } } })).map((l) => l.typeCode),
        ),
      ];
      await prisma.licenceType.updateMany({ where: { code: { in: types } }, data: { issuingDepartmentCode: 'GSC' } });
      try {
        const stolen = await ingest(variant(adapter, 2, '（越权）'), 'not owner');
        expect(stolen.conflicting).toBe(applied);
        expect(stolen.updated).toBe(0);
      } finally {
        await prisma.licenceType.updateMany({
          where: { code: { in: types } },
          data: { issuingDepartmentCode: adapter.department },
        });
      }
    } else if (adapter.kind === 'penalty') {
      await prisma.penalty.updateMany({
        where: { id: { in: await entitiesOf(source) } },
        data: { decidingDepartmentCode: 'MR' },
      });
      const stolen = await ingest(variant(adapter, 2, '（越权）'), 'not owner');
      expect(stolen.conflicting).toBe(applied);
    } else {
      await prisma.enterprise.updateMany({
        where: { uscc: { in: await entitiesOf(source) } },
        data: { registrationAuthorityCode: 'GSC' },
      });
      const stolen = await ingest(variant(adapter, 2, '（越权）'), 'not owner');
      expect(stolen.conflicting).toBe(applied);
    }
    expect(await markedField(adapter.kind, source)).toEqual(newerValues);
    expect(await prisma.fieldConflict.count({ where: { systemId: source.systemId } })).toBeGreaterThanOrEqual(applied);
  });
});
