/**
 * The soak: a mixed load against a hub process for a while (public reads, keyed reads of
 * personal data, writes, QR lookups, an ingestion run every so often, a change-feed subscription
 * open throughout), then the figures: requests, 5xx, p50/p99 per kind, RSS over time, and how
 * far the subscription is behind the feed at the end. `npm run bench -- soak` runs 5 minutes
 * against a hub child process on a fresh database; test/faults runs a 30-second version.
 */
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { SettledMemory } from './processes.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { createApiKey } from '../src/platform/auth/api-keys.js';
import type { Scope } from '../src/platform/auth/scopes.js';
import { makeUscc } from '../src/platform/uscc.js';
import { seedDepartments } from '../prisma/seed/demo.js';
import { seedLicenceTypes } from '../prisma/seed/approvals.js';
import { marketRegistryCsv } from '../prisma/seed/market-registry-export.js';

export interface SoakData {
  usccs: string[];
  writerKey: string;
  readerKey: string;
  ingestKey: string;
  feedKey: string;
  qrToken: string;
  /** Where this soak's generated ingestion records start (unique per run). */
  ingestOffset: number;
}

async function systemKey(prisma: PrismaClient, department: string, name: string, scopes: Scope[]): Promise<string> {
  const system = await prisma.departmentSystem.create({ data: { departmentCode: department, name, scopes } });
  return createApiKey(prisma, system.id);
}

type Gql = (
  query: string,
  variables?: Record<string, unknown>,
  key?: string,
  headers?: Record<string, string>,
) => Promise<{
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
}>;

function gqlAt(url: string): Gql {
  return async (query, variables, key, headers) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let body: Awaited<ReturnType<Gql>>['body'] = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = { errors: [{ extensions: { code: `HTTP ${res.status}` } }] };
    }
    return { status: res.status, body };
  };
}

const REGISTER = `mutation($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { uscc } }`;
const ISSUE = `mutation($input: IssueLicenceInput!) { issueLicence(input: $input) { qr { token } } }`;

/** Keys and records for the soak: enterprises registered through the hub, one licence for QR scans. */
export async function prepareSoak(prisma: PrismaClient, url: string, enterprises = 40): Promise<SoakData> {
  await seedDepartments(prisma);
  await seedLicenceTypes(prisma);
  const tag = `soak-${Date.now()}`;
  const writerKey = await systemKey(prisma, 'MR', `${tag}-writer`, [
    'enterprise:register',
    'enterprise:update',
    'licence:issue',
  ]);
  const readerKey = await systemKey(prisma, 'MR', `${tag}-reader`, ['enterprise:read-personal']);
  const ingestKey = await systemKey(prisma, 'MR', `${tag}-ingest`, ['ingest:write']);
  const feedKey = await systemKey(prisma, 'MR', `${tag}-feed`, ['feed:read']);
  const gql = gqlAt(url);
  const usccs: string[] = [];
  const seed = Date.now() % 1_000_000;
  for (let i = 0; i < enterprises; i++) {
    const uscc = makeUscc(
      `91440105${String(seed * 100 + i)
        .padStart(9, '0')
        .slice(-9)}`,
    );
    const res = await gql(
      REGISTER,
      {
        input: {
          uscc,
          name: `浸泡测试有限公司${seed}-${i}`,
          type: 'LIMITED_LIABILITY_COMPANY',
          legalRepresentative: '陈伟',
          legalRepresentativeIdNumber: '11010519491231002X',
          registeredCapital: '1000000.00',
          establishedOn: '2020-05-20',
          registrationAuthorityCode: 'MR',
          address: '广州市海珠区新港中路1号',
          street: '新港街道',
          businessScope: '软件开发',
          contactPhone: '13800138000',
        },
      },
      writerKey,
    );
    if (res.body.errors) throw new Error(`registering a soak enterprise failed: ${JSON.stringify(res.body.errors)}`);
    usccs.push(uscc);
  }
  const issued = await gql(
    ISSUE,
    {
      input: {
        type: 'FOOD_BUSINESS_LICENCE',
        number: `JY1440105${String(seed).padStart(7, '0').slice(-7)}`,
        holder: usccs[0],
        issuedOn: '2025-01-10',
        validFrom: '2025-01-10',
        scope: '预包装食品销售',
        attributes: [
          { name: 'premises', value: '广州市海珠区新港中路1号首层' },
          { name: 'businessFormat', value: '餐饮服务经营者' },
        ],
      },
    },
    writerKey,
  );
  const qrToken = (issued.body.data?.issueLicence as { qr?: { token?: string } } | undefined)?.qr?.token;
  if (!qrToken) throw new Error(`issuing the soak licence failed: ${JSON.stringify(issued.body.errors)}`);
  return { usccs, writerKey, readerKey, ingestKey, feedKey, qrToken, ingestOffset: 400_000 + (seed % 100) * 1000 };
}

export interface SoakOptions {
  durationMs: number;
  /** RSS after this long is the reference for the end. */
  warmupMs: number;
  ingestEveryMs: number;
  /** Records per ingestion run. */
  ingestRecords: number;
  /** Concurrent request loops. */
  concurrency: number;
  /** The newest change-event cursor in the database (the feed's head). */
  feedHead: () => Promise<bigint>;
  rss: () => number;
  /**
   * Memory after forced full collections (the hub started with its inspector), taken once after
   * the warm-up and once shortly before the load stops: the fair measure of growth.
   */
  settledMemory?: () => Promise<SettledMemory>;
  /** How long to wait at the end for the subscription to catch up. */
  catchUpMs?: number;
}

type Kind = 'public read' | 'keyed read' | 'write' | 'qr lookup' | 'ingestion';

export interface SoakReport {
  requests: number;
  byKind: Record<Kind, { n: number; p50: number; p99: number; max: number }>;
  /** Requests answered with a 5xx status. */
  serverErrors: number;
  /** GraphQL errors in 2xx answers, by code. */
  errorCodes: Record<string, number>;
  ingestionRuns: number;
  rss: { atMs: number; mb: number }[];
  rssAfterWarmupMb: number;
  rssEndMb: number;
  /** After forced collections, under load: after the warm-up and near the end (when measured). */
  settled?: { afterWarmup: SettledMemory; end: SettledMemory };
  subscriptionEvents: number;
  /** Feed head minus the subscription's last cursor after the load stopped (0 = caught up). */
  lagAtEnd: bigint;
}

const PUBLIC = `query($u: USCC!) { enterprise(uscc: $u) { uscc name status registrationAuthority { name } } }`;
const KEYED = `query($u: USCC!) { enterprise(uscc: $u) { uscc name legalRepresentativeIdNumber contactPhone } }`;
const UPDATE = `mutation($u: USCC!, $input: UpdateEnterpriseInput!) { updateEnterprise(uscc: $u, input: $input) { revision } }`;
const QR = `query($t: String!) { qrLookup(token: $t) { target } }`;
const SUBSCRIPTION = `subscription($after: String) { changeEvents(after: $after) { cursor } }`;

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Runs the mixed load against `url` and returns the figures. */
export async function runSoak(url: string, data: SoakData, o: SoakOptions): Promise<SoakReport> {
  const gql = gqlAt(url);
  const times: Record<Kind, number[]> = {
    'public read': [],
    'keyed read': [],
    write: [],
    'qr lookup': [],
    ingestion: [],
  };
  const errorCodes: Record<string, number> = {};
  let serverErrors = 0;
  const started = Date.now();
  const deadline = started + o.durationMs;

  // The subscription: from the head at the start, every event after it.
  const startHead = await o.feedHead();
  let lastCursor = startHead;
  let subscriptionEvents = 0;
  const ws = createWsClient({
    url: `${url.replace(/^http/, 'ws')}/graphql/ws`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${data.feedKey}` },
    retryAttempts: 5,
  });
  const unsubscribe = ws.subscribe<{ changeEvents: { cursor: string } }>(
    { query: SUBSCRIPTION, variables: { after: String(startHead) } },
    {
      next: (r) => {
        const cursor = r.data?.changeEvents.cursor;
        if (cursor) {
          subscriptionEvents += 1;
          lastCursor = BigInt(cursor);
        }
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );

  const timed = async (kind: Kind, op: () => Promise<{ status: number; codes: string[] }>) => {
    const t = performance.now();
    const { status, codes } = await op();
    times[kind].push(performance.now() - t);
    if (status >= 500) serverErrors += 1;
    for (const c of codes) errorCodes[c] = (errorCodes[c] ?? 0) + 1;
  };
  const codesOf = (r: Awaited<ReturnType<Gql>>) => ({
    status: r.status,
    codes: (r.body.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE'),
  });
  let n = 0;
  const pick = <T>(list: readonly T[]): T => list[n++ % list.length]!;

  // The mix: 4 public reads, 3 keyed reads, 2 writes, 2 QR lookups in 11; each loop starts elsewhere in it.
  const MIX: Exclude<Kind, 'ingestion'>[] = [
    'public read',
    'keyed read',
    'write',
    'qr lookup',
    'public read',
    'keyed read',
    'public read',
    'write',
    'qr lookup',
    'keyed read',
    'public read',
  ];
  const loop = async (worker: number) => {
    for (let i = worker * 3; Date.now() < deadline; i++) {
      const kind = MIX[i % MIX.length]!;
      if (kind === 'public read') await timed(kind, async () => codesOf(await gql(PUBLIC, { u: pick(data.usccs) })));
      else if (kind === 'keyed read')
        await timed(kind, async () =>
          codesOf(await gql(KEYED, { u: pick(data.usccs) }, data.readerKey, { 'x-purpose': 'soak test' })),
        );
      else if (kind === 'write')
        await timed(kind, async () =>
          codesOf(await gql(UPDATE, { u: pick(data.usccs), input: { street: `新港街道${i % 7}` } }, data.writerKey)),
        );
      else await timed(kind, async () => codesOf(await gql(QR, { t: data.qrToken })));
    }
  };

  let ingestionRuns = 0;
  const ingestOnce = async () => {
    ingestionRuns += 1;
    const { csv } = marketRegistryCsv(o.ingestRecords, {
      offset: data.ingestOffset,
      version: ingestionRuns,
      nameSuffix: `（第${ingestionRuns}版）`,
    });
    await timed('ingestion', async () => {
      const res = await fetch(`${url}/ingest/market-registry`, {
        method: 'POST',
        headers: {
          'content-type': 'application/octet-stream',
          'x-file-name': `soak-${ingestionRuns}.csv`,
          authorization: `Bearer ${data.ingestKey}`,
        },
        body: csv,
      });
      const body = (await res.json()) as { error?: { code?: string } };
      return { status: res.status, codes: body.error?.code ? [body.error.code] : [] };
    });
  };
  // One run at every tick (the first at once), whether or not the previous one has finished.
  const runs: Promise<void>[] = [];
  const ingestions = (async () => {
    for (let at = started; at < deadline; at += o.ingestEveryMs) {
      const wait = at - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      runs.push(ingestOnce());
    }
    await Promise.all(runs);
  })();

  const rss: { atMs: number; mb: number }[] = [];
  let rssAfterWarmupMb = 0;
  const sampler = setInterval(() => {
    const atMs = Date.now() - started;
    const mb = o.rss() / 2 ** 20;
    rss.push({ atMs, mb });
    if (rssAfterWarmupMb === 0 && atMs >= o.warmupMs) rssAfterWarmupMb = mb;
  }, 1000);

  // Settled memory, both samples under the same load: after the warm-up, and near the end.
  const settledAt = async (atMs: number) => {
    const wait = started + atMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    return o.settledMemory!();
  };
  const settled = o.settledMemory
    ? (async () => {
        const afterWarmup = await settledAt(o.warmupMs);
        const end = await settledAt(o.durationMs - Math.min(5000, o.durationMs / 10));
        return { afterWarmup, end };
      })()
    : Promise.resolve(undefined);

  const [settledMemory] = await Promise.all([
    settled,
    ...Array.from({ length: o.concurrency }, (_, w) => loop(w)),
    ingestions,
  ]);
  clearInterval(sampler);
  const rssEndMb = o.rss() / 2 ** 20;
  rss.push({ atMs: Date.now() - started, mb: rssEndMb });

  // The load stopped: the subscription must reach the feed's head.
  const catchUpUntil = Date.now() + (o.catchUpMs ?? 10_000);
  let lagAtEnd = (await o.feedHead()) - lastCursor;
  while (lagAtEnd > 0n && Date.now() < catchUpUntil) {
    await new Promise((r) => setTimeout(r, 200));
    lagAtEnd = (await o.feedHead()) - lastCursor;
  }
  unsubscribe();
  await ws.dispose();

  const byKind = Object.fromEntries(
    (Object.keys(times) as Kind[]).map((k) => {
      const sorted = [...times[k]].sort((a, b) => a - b);
      return [
        k,
        { n: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? 0 },
      ];
    }),
  ) as SoakReport['byKind'];
  return {
    requests: Object.values(times).reduce((s, t) => s + t.length, 0),
    byKind,
    serverErrors,
    errorCodes,
    ingestionRuns,
    rss,
    rssAfterWarmupMb: rssAfterWarmupMb || rss[0]?.mb || rssEndMb,
    rssEndMb,
    settled: settledMemory,
    subscriptionEvents,
    lagAtEnd,
  };
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const growthPercent = (from: number, to: number) =>
  `${to >= from ? '+' : ''}${(((to - from) / from) * 100).toFixed(1)}%`;

/** Growth of settled RSS from after the warm-up to the end, as a fraction (0.2 = 20%). */
export function settledGrowth(r: SoakReport): { rss: number; heapUsed: number } | undefined {
  if (!r.settled) return undefined;
  const { afterWarmup, end } = r.settled;
  return {
    rss: (end.rss - afterWarmup.rss) / afterWarmup.rss,
    heapUsed: (end.heapUsed - afterWarmup.heapUsed) / afterWarmup.heapUsed,
  };
}

/** The figures as printed text. */
export function formatSoak(r: SoakReport, durationMs: number): string {
  const lines = [
    `requests: ${r.requests} in ${(durationMs / 1000).toFixed(0)} s (${((r.requests / durationMs) * 1000).toFixed(0)}/s), 5xx: ${r.serverErrors}, ingestion runs: ${r.ingestionRuns}`,
    `GraphQL error codes: ${JSON.stringify(r.errorCodes)}`,
    '| kind | requests | p50 ms | p99 ms | max ms |',
    '|---|---|---|---|---|',
    ...Object.entries(r.byKind).map(
      ([k, s]) => `| ${k} | ${s.n} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.max.toFixed(0)} |`,
    ),
    `RSS MB over time: ${r.rss
      .filter((_, i, all) => i % Math.max(1, Math.floor(all.length / 12)) === 0 || i === all.length - 1)
      .map((s) => `${(s.atMs / 1000).toFixed(0)}s=${s.mb.toFixed(0)}`)
      .join(' ')}`,
    `RSS after warm-up ${r.rssAfterWarmupMb.toFixed(0)} MB, at the end ${r.rssEndMb.toFixed(0)} MB (${(((r.rssEndMb - r.rssAfterWarmupMb) / r.rssAfterWarmupMb) * 100).toFixed(1)}%)`,
    ...(r.settled
      ? [
          `after forced collections, under load: RSS ${mb(r.settled.afterWarmup.rss)} MB after warm-up, ${mb(r.settled.end.rss)} MB near the end (${growthPercent(r.settled.afterWarmup.rss, r.settled.end.rss)}); V8 heap in use ${mb(r.settled.afterWarmup.heapUsed)} MB, then ${mb(r.settled.end.heapUsed)} MB (${growthPercent(r.settled.afterWarmup.heapUsed, r.settled.end.heapUsed)})`,
        ]
      : []),
    `subscription: ${r.subscriptionEvents} events received, lag at the end ${r.lagAtEnd}`,
  ];
  return lines.join('\n');
}

/**
 * `npm run bench -- soak`: 5 minutes (SOAK_SECONDS) against a hub child process on a fresh
 * database of DATABASE_URL's server, with REDIS_URL's Redis; an ingestion run every minute.
 */
export async function run(): Promise<void> {
  const { loadConfig } = await import('../src/config/index.js');
  const { freshDatabase } = await import('./fresh-database.js');
  const { migrateDeploy } = await import('../src/platform/db/migrate.js');
  const { createDatabase } = await import('../src/platform/db/client.js');
  const { startHubProcess } = await import('./processes.js');
  const config = loadConfig();
  if (!config.databaseUrl) {
    process.stderr.write('the soak needs DATABASE_URL (a PostgreSQL server; it makes a fresh database there)\n');
    process.exit(2);
  }
  const seconds = Number(process.env.SOAK_SECONDS ?? 300);
  const fresh = await freshDatabase(config.databaseUrl, 'hub_soak');
  await migrateDeploy(fresh.url);
  const db = createDatabase(fresh.url, 2);
  const hub = await startHubProcess({ DATABASE_URL: fresh.url, REDIS_URL: config.redisUrl ?? '' }, undefined, {
    inspect: true,
  });
  try {
    const data = await prepareSoak(db.prisma, hub.url);
    const durationMs = seconds * 1000;
    process.stderr.write(`soak: ${seconds} s against ${hub.url} (pid ${hub.pid})\n`);
    const report = await runSoak(hub.url, data, {
      durationMs,
      warmupMs: Math.min(60_000, durationMs / 5),
      ingestEveryMs: 60_000,
      ingestRecords: 500,
      concurrency: 8,
      feedHead: () => feedHead(db.prisma),
      rss: () => hub.rss(),
      settledMemory: () => hub.settledMemory(),
    });
    process.stdout.write(`${formatSoak(report, durationMs)}\n`);
    const growth = settledGrowth(report)!;
    process.stdout.write(
      `memory: RSS at the end within 20% of RSS after warm-up (both after forced collections): ${growth.rss <= 0.2 ? 'met' : 'NOT MET'} (${(growth.rss * 100).toFixed(1)}%)\n`,
    );
    process.stdout.write(
      `unhandled rejections / crashes on stderr: ${/Unhandled|unhandledRejection/i.test(hub.stderr()) ? 'YES' : 'none'}\n`,
    );
  } finally {
    const stopped = await hub.stop();
    process.stdout.write(`stopped with SIGTERM in ${stopped.ms} ms (exit ${stopped.code})\n`);
    await db.close();
    await fresh.drop();
  }
}

/** The newest change-event seq (0 when the feed is empty). */
export async function feedHead(prisma: PrismaClient): Promise<bigint> {
  const [row] = await prisma.$queryRaw<
    { head: bigint }[]
  >`SELECT COALESCE(max(seq), 0)::bigint AS head FROM "ChangeEvent"`;
  return row?.head ?? 0n;
}
