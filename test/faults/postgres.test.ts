/**
 * PostgreSQL connections cut under the hub (pg_terminate_backend on every backend of the test's
 * database but the test's own, as a restart or failover does) during an ingestion run, case
 * transitions and GraphQL writes: no batch half-applied, no change event lost or doubled, the
 * run sent again ends as an undisturbed run does, and every interrupted write either committed
 * whole or answered SERVICE_UNAVAILABLE with retryable: true.
 */
import pg from 'pg';
import { expect, it } from '@jest/globals';
import { afterAll, beforeAll, describeSkipIf, expectWithMessage, inject } from '../helpers/runner.js';
import { aFoodCaseInput, anEnterprise, anEnterpriseInput, aSystemKey, referenceData } from '../helpers/builders.js';
import { startTestHub, type GqlResult, type TestHub } from '../helpers/hub.js';
import { RegisterEnterpriseDocument, SubmitCaseDocument, UndertakeCaseDocument } from '../generated/graphql.js';
import { marketRegistryCsv } from '../../prisma/seed/market-registry-export.js';
import { seedCatalogue } from '../../prisma/seed/cases.js';

const databaseUrl = inject('databaseUrl');
const reason = inject('databaseEmbedded')
  ? 'needs PostgreSQL (DATABASE_URL): the embedded database has no backends to terminate'
  : '';

describeSkipIf(reason !== '', reason)('PostgreSQL connections cut under load', () => {
  let hub: TestHub;
  let admin: pg.Client;
  let ingestKey: string;
  let windowKey: string;
  let handlerKey: string;
  let registerKey: string;

  beforeAll(async () => {
    hub = await startTestHub({ DB_POOL_SIZE: '6' });
    admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    const prisma = hub.platform.prisma;
    await referenceData(prisma);
    await seedCatalogue(prisma);
    ingestKey = (await aSystemKey(prisma, 'MR', ['ingest:write'])).key;
    windowKey = (await aSystemKey(prisma, 'GSC', ['case:accept'])).key;
    handlerKey = (await aSystemKey(prisma, 'MR', ['case:handle', 'case:read'])).key;
    registerKey = (await aSystemKey(prisma, 'MR', ['enterprise:register'])).key;
  });
  afterAll(async () => {
    await admin?.end();
    await hub?.stop();
  });

  /** Terminates every other backend of this database every `everyMs` until stopped; returns how many. */
  function terminator(everyMs: number) {
    let running = true;
    let killed = 0;
    const done = (async () => {
      while (running) {
        const { rowCount } = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
        );
        killed += rowCount ?? 0;
        await new Promise((r) => setTimeout(r, everyMs));
      }
    })();
    return {
      async stop() {
        running = false;
        await done;
        return killed;
      },
    };
  }

  const ingest = async (csv: string, file: string) => {
    const res = await fetch(`${hub.url}/ingest/market-registry`, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'x-file-name': file,
        authorization: `Bearer ${ingestKey}`,
      },
      body: csv,
    });
    return {
      status: res.status,
      body: (await res.json()) as { created?: number; error?: { code?: string; retryable?: boolean } },
    };
  };

  /** What a run leaves: per record, its revision, source version and change events; quarantine. */
  async function footprint(usccs: string[], file: string) {
    const prisma = hub.platform.prisma;
    const rows = await prisma.enterprise.findMany({ where: { uscc: { in: usccs } }, orderBy: { uscc: 'asc' } });
    const events = await prisma.changeEvent.groupBy({
      by: ['entityId', 'action'],
      where: { entityType: 'ENTERPRISE', entityId: { in: usccs } },
      _count: { _all: true },
    });
    return {
      stored: rows.length,
      revisions: [...new Set(rows.map((r) => r.revision))],
      versions: [...new Set(rows.map((r) => r.sourceVersion))],
      eventsPerRecord: [...new Set(events.map((e) => `${e.action}×${e._count._all}`))],
      recordsWithEvents: new Set(events.map((e) => e.entityId)).size,
      quarantined: await prisma.quarantinedRecord.count({ where: { file } }),
    };
  }

  it('an ingestion run cut by terminated backends applies whole batches only, and sent again ends as an undisturbed run', async () => {
    const base = 600_000 + (Date.now() % 50) * 2000;
    const disturbed = marketRegistryCsv(1000, { offset: base });
    const calm = marketRegistryCsv(1000, { offset: base + 1000 });

    const cut = terminator(150);
    const first = await ingest(disturbed.csv, 'cut.csv');
    const killed = await cut.stop();
    const usccs = disturbed.rows.map((r) => r.uscc);
    const after = await footprint(usccs, 'cut.csv');
    process.stdout.write(
      `ingestion under pg_terminate_backend: ${killed} backends terminated, answer ${first.status}, ${after.stored} of 1000 stored\n`,
    );
    expect(killed).toBeGreaterThan(0);
    if (first.status !== 200) {
      expect(first).toMatchObject({ status: 503, body: { error: { code: 'SERVICE_UNAVAILABLE', retryable: true } } });
    }
    // Whole batches (500 records each, one transaction) or nothing, each with its change event.
    expectWithMessage(after.stored % 500, `${after.stored} records stored`).toBe(0);
    expect(after.recordsWithEvents).toBe(after.stored);
    expect(after.quarantined).toBe(0);

    // Sent again until it goes through (a retry can be cut too): the same end state as a calm run.
    let again = await ingest(disturbed.csv, 'cut.csv');
    for (let i = 0; again.status === 503 && i < 3; i++) again = await ingest(disturbed.csv, 'cut.csv');
    expect(again.status).toBe(200);
    expect(await ingest(calm.csv, 'calm.csv')).toMatchObject({ status: 200, body: { created: 1000 } });
    const expected = await footprint(
      calm.rows.map((r) => r.uscc),
      'calm.csv',
    );
    expect(await footprint(usccs, 'cut.csv')).toEqual(expected);
    expect(expected).toMatchObject({ stored: 1000, revisions: [1], eventsPerRecord: ['CREATED×1'] });
  }, 120_000);

  it('case transitions and GraphQL writes cut mid-flight: committed whole or SERVICE_UNAVAILABLE, retryable; once each after retries', async () => {
    const prisma = hub.platform.prisma;
    const holder = await anEnterprise(prisma);
    const cases: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await hub.gql(
        SubmitCaseDocument,
        {
          input: aFoodCaseInput(holder),
        },
        windowKey,
        { 'x-purpose': 'case handling' },
      );
      expect(res.errors).toBeUndefined();
      cases.push(res.data!.submitCase.case.id);
    }
    const before = new Map(
      (await prisma.case.findMany({ where: { id: { in: cases } } })).map((c) => [c.id, { revision: c.revision }]),
    );
    const eventsBefore = await prisma.caseEvent.count({ where: { caseId: { in: cases } } });
    const notificationsBefore = await prisma.notification.count({ where: { caseId: { in: cases } } });
    const inputs = Array.from({ length: 10 }, () => anEnterpriseInput('MR'));

    const outcomes: string[] = [];
    const classify = (res: GqlResult<unknown>) => {
      const e = res.errors?.[0];
      const code = e ? `${e.extensions?.code}${e.extensions?.retryable === true ? ' retryable' : ''}` : 'ok';
      outcomes.push(code);
      return code;
    };
    const send = {
      undertake: (id: string) =>
        hub.gql(UndertakeCaseDocument, { id, reason: '分派' }, handlerKey, { 'x-purpose': 'case handling' }),
      register: (input: (typeof inputs)[number]) => hub.gql(RegisterEnterpriseDocument, { input }, registerKey),
    };
    const ops: (() => Promise<GqlResult<unknown>>)[] = [
      ...cases.map((id) => () => send.undertake(id)),
      ...inputs.map((input) => () => send.register(input)),
    ];
    // Every operation once while connections are being cut...
    const cut = terminator(40);
    const first = await Promise.all(ops.map(async (op) => classify(await op())));
    const killed = await cut.stop();
    // ...then the ones told to retry, sent again until they are done (a retry after a commit
    // whose answer was lost meets that commit: CONFLICT).
    const finals = await Promise.all(
      ops.map(async (op, i) => {
        let code = first[i]!;
        for (let n = 0; code === 'SERVICE_UNAVAILABLE retryable' && n < 5; n++) code = classify(await op());
        return code;
      }),
    );
    const counts = outcomes.reduce<Record<string, number>>((m, c) => ({ ...m, [c]: (m[c] ?? 0) + 1 }), {});
    process.stdout.write(
      `writes under pg_terminate_backend: ${killed} backends terminated, answers ${JSON.stringify(counts)}\n`,
    );
    expect(counts['SERVICE_UNAVAILABLE retryable'] ?? 0).toBeGreaterThan(0);
    // Only two answers are allowed: done, or "retry". CONFLICT is a retry meeting its own earlier commit.
    for (const code of Object.keys(counts)) expect(['ok', 'SERVICE_UNAVAILABLE retryable', 'CONFLICT']).toContain(code);
    for (const f of finals) expect(['ok', 'CONFLICT']).toContain(f);

    // Every case moved exactly once: one revision, one case event (and its notifications) more.
    for (const c of await prisma.case.findMany({ where: { id: { in: cases } } })) {
      expect(c.state).toBe('UNDERTAKEN');
      expect(c.revision).toBe(before.get(c.id)!.revision + 1);
    }
    expect(await prisma.caseEvent.count({ where: { caseId: { in: cases } } })).toBe(eventsBefore + cases.length);
    const notificationsAfter = await prisma.notification.count({ where: { caseId: { in: cases } } });
    expect((notificationsAfter - notificationsBefore) % cases.length).toBe(0);
    // Every enterprise registered once, with exactly one CREATED change event.
    const usccs = inputs.map((i) => i.uscc);
    expect(await prisma.enterprise.count({ where: { uscc: { in: usccs } } })).toBe(usccs.length);
    const events = await prisma.changeEvent.findMany({ where: { entityType: 'ENTERPRISE', entityId: { in: usccs } } });
    expect(events.map((e) => e.entityId).sort()).toEqual([...usccs].sort());
  }, 120_000);
});
