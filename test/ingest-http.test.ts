/**
 * Ingestion over HTTP (`POST /ingest/<adapter>`) and its GraphQL side: runs, quarantine and
 * re-submission, provenance.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HOOK_TIMEOUT } from './helpers/runner.js';
import {
  IngestionRunsDocument,
  ProvenanceDocument,
  QuarantineDocument,
  ResubmitDocument,
} from './generated/graphql.js';
import { aSystemKey, referenceData } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';
import { marketRegistryCsv } from '../prisma/seed/market-registry-export.js';

const sample = (adapter: string, file: string) =>
  fs.readFileSync(path.join(import.meta.dirname, '..', 'adapters', adapter, 'samples', file));
// Generated records of their own, so this file does not depend on what other test files ingested.
const { csv, rows } = marketRegistryCsv(12, { offset: 88_000 });
const generated = Buffer.from(csv);
let hub: TestHub;
let registry: string;
let registryNoScope: string;
let construction: string;

beforeAll(async () => {
  hub = await startTestHub();
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  registry = (await aSystemKey(prisma, 'MR', ['ingest:write', 'ingest:read'])).key;
  registryNoScope = (await aSystemKey(prisma, 'MR', [])).key;
  construction = (await aSystemKey(prisma, 'HC', ['ingest:write', 'ingest:read'])).key;
}, HOOK_TIMEOUT);
afterAll(() => hub.stop(), HOOK_TIMEOUT);

const post = (adapter: string, body: Buffer, key?: string, file = 'upload.csv') =>
  fetch(`${hub.url}/ingest/${adapter}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      'x-file-name': file,
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: new Uint8Array(body),
  });

describe('POST /ingest/<adapter>', () => {
  it("ingests a department system's file and returns the run report", async () => {
    const res = await post('market-registry', generated, registry, 'generated.csv');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      total: 12,
      created: 12,
      updated: 0,
      unchanged: 0,
      conflicting: 0,
      rejected: 0,
    });
    const again = (await (await post('market-registry', generated, registry, 'generated.csv')).json()) as {
      unchanged: number;
    };
    expect(again.unchanged).toBe(12);
  });

  it('refuses without a key (401), without ingest:write or for another department (403), an unknown adapter (404), an empty or unreadable file (400)', async () => {
    const body = sample('market-registry', 'good.csv');
    const runs = await hub.platform.prisma.ingestionRun.count();
    expect((await post('market-registry', body)).status).toBe(401);
    expect((await post('market-registry', body, 'hub_badkeybadkey_' + 'x'.repeat(43))).status).toBe(401);
    expect((await post('market-registry', body, registryNoScope)).status).toBe(403);
    const other = await post('market-registry', body, construction);
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: { message: string } }).error.message).toMatch(/department MR/);
    expect((await post('no-such-adapter', body, registry)).status).toBe(404);
    expect(await hub.platform.prisma.ingestionRun.count()).toBe(runs);
    expect((await post('market-registry', Buffer.alloc(0), registry)).status).toBe(400);
    const binary = await post(
      'market-registry',
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 1, 2, 3]),
      registry,
      'export.xlsx',
    );
    expect(binary.status).toBe(400);
    const failed = await hub.platform.prisma.ingestionRun.findFirstOrThrow({ where: { file: 'export.xlsx' } });
    expect(failed.status).toBe('FAILED');
  });
});

describe('quarantine, re-submission and provenance through GraphQL', () => {
  it('lists rejected records with reasons; a corrected record re-submitted is applied', async () => {
    await post('market-registry', sample('market-registry', 'bad.csv'), registry, 'bad.csv');
    const list = await hub.gql(QuarantineDocument, { adapter: 'market-registry' }, registry);
    expect(list.errors).toBeUndefined();
    const entries = list.data!.quarantine;
    expect(entries.length).toBeGreaterThan(10);
    const badCheck = entries.find((e) => e.problems.length === 1 && e.problems[0]!.reason.includes('check character'));
    expect(badCheck).toBeDefined();
    // Correct the USCC, as an operator would (to a code no other test uses, so files stay independent).
    const raw = JSON.parse(badCheck!.raw) as Record<string, string>;
    const uscc = raw['统一社会信用代码']!;
    const { makeUscc } = await import('../src/platform/uscc.js');
    raw['统一社会信用代码'] = makeUscc(`${uscc.slice(0, 8)}HTTP${String(Date.now() % 100000).padStart(5, '0')}`);
    raw['记录编号'] = `${raw['记录编号']}-HTTP`;
    const fixed = await hub.gql(ResubmitDocument, { id: badCheck!.id, raw: JSON.stringify(raw) }, registry);
    expect(fixed.errors).toBeUndefined();
    expect(fixed.data?.resubmitQuarantined).toMatchObject({
      resolved: true,
      run: { total: 1, rejected: 0 },
      record: { status: 'RESUBMITTED' },
    });
    // Still wrong: the entry stays open with the new reasons, and no second entry appears.
    const other = entries.find((e) => e.id !== badCheck!.id)!;
    const before = (await hub.gql(QuarantineDocument, { adapter: 'market-registry' }, registry)).data!.quarantine
      .length;
    const still = await hub.gql(ResubmitDocument, { id: other.id }, registry);
    expect(still.data?.resubmitQuarantined.resolved).toBe(false);
    expect(still.data?.resubmitQuarantined.record.status).toBe('OPEN');
    expect((await hub.gql(QuarantineDocument, { adapter: 'market-registry' }, registry)).data!.quarantine.length).toBe(
      before,
    );
    // Another department sees none of it.
    expect((await hub.gql(QuarantineDocument, { adapter: 'market-registry' }, construction)).data?.quarantine).toEqual(
      [],
    );
  });

  it('tells department systems which system set each enterprise field; the public is refused', async () => {
    const uscc = rows[0]!.uscc;
    const res = await hub.gql(ProvenanceDocument, { uscc }, registry);
    expect(res.errors).toBeUndefined();
    expect(res.data?.enterprise?.provenance).toEqual([
      {
        field: '*',
        department: { code: 'MR', name: '海珠区市场监督管理局' },
        sourceRecordId: 'GEN-88000',
        sourceVersion: 1,
      },
    ]);
    const anonymous = await hub.gql(ProvenanceDocument, { uscc });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const runs = await hub.gql(IngestionRunsDocument, {}, registry);
    expect(
      runs.data?.ingestionRuns.some((r) => r.file === 'generated.csv' && r.status === 'COMPLETED' && r.total === 12),
    ).toBe(true);
  });
});
