/**
 * Read audit: an unmasked read of personal data needs a stated purpose and leaves a hash-chained
 * audit entry (caller, record, fields, purpose, time, request id) before the answer leaves; the
 * chain check names the first edited, inserted or deleted entry.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll } from '../helpers/runner.js';
import { serveSubgraph } from '../../src/gateway/subgraph-server.js';
import { subgraphs } from '../../src/gateway/subgraphs.js';
import { startPlatform, type RunningPlatform } from '../../src/platform/bootstrap.js';
import { createLogger } from '../../src/platform/logger.js';
import { verifyAuditChain } from '../../src/platform/audit/verify.js';
import { anEnterprise, aSystemKey, referenceData, uniqueCode } from '../helpers/builders.js';
import { startTestHub, testConfig, type TestHub } from '../helpers/hub.js';

const SECRET = 'test-internal-secret-0123456789abcdef0123456789';
// Request ids unique per run: the database outlives a run.
const REQ1 = uniqueCode('req-audit-');
const REQ_BATCH = uniqueCode('req-batch-');
const REQ_REMOTE = uniqueCode('req-remote-');
let hub: TestHub;
let personal: string;
let personalSystemId: string;
let auditor: string;
let plain: string;
let usccs: string[];

beforeAll(async () => {
  hub = await startTestHub();
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  const p = await aSystemKey(prisma, 'GSC', ['enterprise:read-personal']);
  personal = p.key;
  personalSystemId = p.system.id;
  auditor = (await aSystemKey(prisma, 'GSC', ['audit:read'])).key;
  plain = (await aSystemKey(prisma, 'GSC', [])).key;
  usccs = [];
  for (let i = 0; i < 3; i++) usccs.push((await anEnterprise(prisma)).uscc);
});
afterAll(() => hub.stop());

const READ = `query ($uscc: USCC!) { enterprise(uscc: $uscc) { uscc legalRepresentativeIdNumber contactPhone } }`;
type Read = { enterprise: { uscc: string; legalRepresentativeIdNumber: string; contactPhone: string | null } | null };

const entriesFor = (entityId: string) =>
  hub.platform.prisma.auditEntry.findMany({ where: { entityType: 'ENTERPRISE', entityId }, orderBy: { seq: 'asc' } });

describe('unmasked reads of personal data', () => {
  it('are refused without a stated purpose (FORBIDDEN, PURPOSE_REQUIRED) and leave no entry; masked reads need none', async () => {
    const uscc = usccs[0]!;
    const res = await hub.gql<Read, { uscc: string }>(READ, { uscc }, personal);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PURPOSE_REQUIRED' });
    expect(res.data?.enterprise ?? null).toBeNull();
    const masked = await hub.gql<Read, { uscc: string }>(READ, { uscc }, plain);
    expect(masked.errors).toBeUndefined();
    expect(masked.data?.enterprise?.legalRepresentativeIdNumber).toContain('*');
    expect(await entriesFor(uscc)).toHaveLength(0);
  });

  it('with a purpose, answer unmasked and record who, what, why, when and which request, before answering', async () => {
    const uscc = usccs[1]!;
    const res = await hub.gql<Read, { uscc: string }>(READ, { uscc }, personal, {
      'x-purpose': encodeURIComponent('办件 GSC-2025-0001 核验法定代表人'),
      'x-request-id': REQ1,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.enterprise?.legalRepresentativeIdNumber).not.toContain('*');
    // The response has arrived: the entry is already committed.
    const [entry, ...more] = await entriesFor(uscc);
    expect(more).toHaveLength(0);
    expect(entry).toMatchObject({
      systemId: personalSystemId,
      departmentCode: 'GSC',
      entityType: 'ENTERPRISE',
      entityId: uscc,
      fields: ['contactPhone', 'legalRepresentativeIdNumber'],
      purpose: '办件 GSC-2025-0001 核验法定代表人',
      requestId: REQ1,
    });
    expect(Date.now() - entry!.occurredAt.getTime()).toBeLessThan(60_000);
  });

  it('batch the reads of one request into one write: one entry per record, consecutive, one timestamp', async () => {
    const query = `{ a: enterprise(uscc: "${usccs[0]}") { legalRepresentativeIdNumber } b: enterprise(uscc: "${usccs[2]}") { legalRepresentativeIdNumber contactPhone } }`;
    const res = await hub.gql(query, {}, personal, {
      'x-purpose': encodeURIComponent('批量核验'),
      'x-request-id': REQ_BATCH,
    });
    expect(res.errors).toBeUndefined();
    const rows = await hub.platform.prisma.auditEntry.findMany({
      where: { requestId: REQ_BATCH },
      orderBy: { seq: 'asc' },
    });
    expect(rows.map((r) => r.entityId).sort()).toEqual([usccs[0], usccs[2]].sort());
    expect(rows[1]!.seq - rows[0]!.seq).toBe(1n);
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
    expect(rows[0]!.occurredAt.getTime()).toBe(rows[1]!.occurredAt.getTime());
  });

  it('auditTrail lists entries, newest first, filtered, for audit:read only', async () => {
    const uscc = usccs[1]!;
    const query = `query ($id: String) { auditTrail(filter: { entityType: "ENTERPRISE", entityId: $id }, first: 10) { entries { seq entityId fields purpose requestId system { id } department { code } hash } hasNextPage endCursor } }`;
    const refused = await hub.gql(query, { id: uscc }, personal);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const res = await hub.gql<
      {
        auditTrail: {
          entries: {
            entityId: string;
            purpose: string;
            requestId: string;
            system: { id: string };
            department: { code: string };
          }[];
          hasNextPage: boolean;
        };
      },
      { id: string }
    >(query, { id: uscc }, auditor);
    expect(res.errors).toBeUndefined();
    expect(res.data?.auditTrail.entries).toEqual([
      expect.objectContaining({
        entityId: uscc,
        requestId: REQ1,
        system: { id: personalSystemId },
        department: { code: 'GSC' },
      }),
    ]);
    expect(res.data?.auditTrail.hasNextPage).toBe(false);
  });
});

describe('the audit chain', () => {
  const run = promisify(execFile);
  const cli = async (): Promise<{ code: number; out: string }> => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-audit-cli-'));
    try {
      // Only what the command needs: the database, a scratch data folder (QR keys), quiet logs.
      const r = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'audit', 'verify'], {
        env: { DATABASE_URL: hub.platform.config.databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      });
      return { code: 0, out: r.stdout };
    } catch (err) {
      const e = err as { code: number; stderr: string };
      return { code: e.code, out: e.stderr };
    }
  };

  it('verifies intact, and names the first edited, deleted or inserted entry', async () => {
    const prisma = hub.platform.prisma;
    await hub.gql(READ, { uscc: usccs[2]! }, personal, { 'x-purpose': 'chain test' });
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true });
    const rows = await prisma.auditEntry.findMany({ orderBy: { seq: 'asc' } });
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const victim = rows[1]!;

    // Edited: the purpose of one entry is rewritten.
    await prisma.$executeRaw`UPDATE "AuditEntry" SET "purpose" = 'routine' WHERE "seq" = ${victim.seq}`;
    expect(await verifyAuditChain(prisma)).toMatchObject({
      ok: false,
      brokenSeq: victim.seq,
      reason: expect.stringMatching(/edited/),
    });
    const byCli = await cli();
    expect(byCli.code).toBe(1);
    expect(byCli.out).toContain(`broken at entry ${victim.seq}`);
    await prisma.$executeRaw`UPDATE "AuditEntry" SET "purpose" = ${victim.purpose} WHERE "seq" = ${victim.seq}`;
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true });

    // Deleted: the entry after it no longer links.
    await prisma.auditEntry.delete({ where: { seq: victim.seq } });
    expect(await verifyAuditChain(prisma)).toMatchObject({
      ok: false,
      brokenSeq: rows[2]!.seq,
      reason: expect.stringMatching(/deleted/),
    });
    await prisma.auditEntry.create({ data: victim });
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true });

    // Inserted: a forged entry before the first one.
    await prisma.auditEntry.create({
      data: { ...victim, seq: 0n, purpose: 'forged', prevHash: '0'.repeat(64), hash: 'f'.repeat(64) },
    });
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, brokenSeq: 0n });
    await prisma.auditEntry.delete({ where: { seq: 0n } });
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true });
  }, 60_000);
});

describe('remote subgraphs', () => {
  let subgraphPlatform: RunningPlatform;
  let served: { url: string; stop(): Promise<void> };
  let gateway: TestHub;
  beforeAll(async () => {
    subgraphPlatform = await startPlatform(testConfig({ SUBGRAPH_SHARED_SECRET: SECRET }), {
      migrate: false,
      logger: createLogger('silent'),
    });
    served = await serveSubgraph(subgraphPlatform, subgraphs.subjects, 0, '127.0.0.1');
    gateway = await startTestHub({ SUBGRAPH_SHARED_SECRET: SECRET, SUBGRAPH_URLS: `subjects=${served.url}` });
  });
  afterAll(async () => {
    await gateway.stop();
    await served.stop();
    await subgraphPlatform.close();
  });

  it('carry the purpose and request id in the signed gateway token, and audit there', async () => {
    const uscc = usccs[0]!;
    const refused = await gateway.gql<Read, { uscc: string }>(READ, { uscc }, personal);
    expect(refused.errors?.[0]?.extensions?.reason).toBe('PURPOSE_REQUIRED');
    const res = await gateway.gql<Read, { uscc: string }>(READ, { uscc }, personal, {
      'x-purpose': encodeURIComponent('远程核验'),
      'x-request-id': REQ_REMOTE,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.enterprise?.legalRepresentativeIdNumber).not.toContain('*');
    const rows = await hub.platform.prisma.auditEntry.findMany({ where: { requestId: REQ_REMOTE } });
    expect(rows).toEqual([
      expect.objectContaining({ entityId: uscc, purpose: '远程核验', systemId: personalSystemId }),
    ]);
  });
});
