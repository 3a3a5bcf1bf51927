/**
 * HTTP paths measured from outside: autocannon runs in its own process against a hub started as
 * a child process (`hub serve`), next to the baselines of the same run, served by another child
 * (bench/http-baselines.ts): node:http answering a fixed body, and node:http + pg running the
 * SQL of the licenceByNumber read. Needs DATABASE_URL (a PostgreSQL server: a fresh database is
 * created on it and dropped after); uses REDIS_URL when set. BENCH_SECONDS (default 5) per round,
 * BENCH_CONNECTIONS (default 8); each case runs two rounds and keeps the better. The hub runs
 * twice: as configured, and with the response cache off; BENCH_COMPARE_TREE=<another checkout>
 * (with its node_modules) adds that tree's hub the same two ways, for before/after figures in one run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../src/config/index.js';
import { startPlatform } from '../src/platform/bootstrap.js';
import { createLogger } from '../src/platform/logger.js';
import { qrCodeLink } from '../src/platform/qr/link.js';
import { seedDemo } from '../prisma/seed/demo.js';
import { freshDatabase } from './fresh-database.js';
import { freePort } from './processes.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);

const AutocannonResult = z.object({
  requests: z.object({ average: z.number(), total: z.number() }),
  latency: z.object({ p50: z.number(), p99: z.number() }),
  errors: z.number(),
  timeouts: z.number(),
  non2xx: z.number(),
});
type Result = z.infer<typeof AutocannonResult>;

interface Case {
  name: string;
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
}

/** One autocannon run in a process of its own. */
function autocannon(c: Case, extra: string[] = []): Promise<Result> {
  const args = [
    path.join(ROOT, 'node_modules/autocannon/autocannon.js'),
    '--json',
    '-c',
    String(connections),
    '-d',
    String(seconds),
    '-m',
    c.method ?? 'GET',
    ...Object.entries({ ...(c.body ? { 'content-type': 'application/json' } : {}), ...c.headers }).flatMap(([k, v]) => [
      '-H',
      `${k}=${v}`,
    ]),
    ...(c.body ? ['-b', c.body] : []),
    ...extra,
    c.url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}`));
      try {
        resolve(AutocannonResult.parse(JSON.parse(out)));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

/** Checks the answer once (no errors), then two rounds; the better one counts. */
async function bench(c: Case): Promise<Result> {
  const res = await fetch(c.url, {
    method: c.method ?? 'GET',
    headers: { ...(c.body ? { 'content-type': 'application/json' } : {}), ...c.headers },
    ...(c.body ? { body: c.body } : {}),
  });
  const text = await res.text();
  if (!res.ok || text.includes('"errors"')) throw new Error(`${c.name}: ${res.status} ${text.slice(0, 300)}`);
  let best: Result | undefined;
  for (let round = 0; round < 2; round++) {
    const r = await autocannon(c);
    if (r.errors + r.timeouts + r.non2xx > 0) throw new Error(`${c.name}: ${r.errors} errors, ${r.non2xx} non-2xx`);
    if (!best || r.requests.average > best.requests.average) best = r;
  }
  process.stderr.write(`${c.name}: ${best!.requests.average.toFixed(0)} req/s\n`);
  return best!;
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the hub exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the hub did not become ready within 120 s');
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * A hub of this tree, in its own process, on the given database, started as `npm start` starts
 * it (bin/hub.js): the compiled build when `npm run build` made a current one, else the sources
 * through tsx, which is slower; `mode` says which ran.
 */
async function startHub(
  root: string,
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; mode: 'compiled build' | 'sources (tsx)' }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, 'bin/hub.js'), 'serve'], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', HUB_SEED_DEMO: 'never', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    process.stderr.write(d);
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child);
  // The launcher says so when dist/ is older than the sources.
  const compiled = fs.existsSync(path.join(root, 'dist/src/cli/main.js')) && !stderr.includes('dist/ is older');
  return { url, child, mode: compiled ? 'compiled build' : 'sources (tsx)' };
}

interface Fixtures {
  key: string;
  licence: { typeCode: string; number: string; holderUscc: string };
  token: string;
  item: string;
}

function hubCases(base: string, f: Fixtures): Case[] {
  const url = `${base}/graphql`;
  return [
    { name: '/healthz', url: `${base}/healthz` },
    { name: '{ __typename }', url, method: 'POST', body: gql('{ __typename }') },
    { name: 'departments { code name }', url, method: 'POST', body: gql('{ departments { code name } }') },
    {
      name: 'licenceByNumber',
      url,
      method: 'POST',
      body: gql(
        'query($t: String!, $n: String!) { licenceByNumber(type: $t, number: $n) { number status validUntil type { name } } }',
        { t: f.licence.typeCode, n: f.licence.number },
      ),
    },
    {
      name: 'qrLookup (warm)',
      url,
      method: 'POST',
      body: gql('query($t: String!) { qrLookup(token: $t) { licence { number status validUntil type { name } } } }', {
        t: f.token,
      }),
    },
    {
      name: 'serviceItem',
      url,
      method: 'POST',
      body: gql('query($c: String!) { serviceItem(code: $c) { code name } }', { c: f.item }),
    },
    {
      name: 'enterprise (scoped key)',
      url,
      method: 'POST',
      headers: { authorization: `Bearer ${f.key}` },
      body: gql('query($u: USCC!) { enterprise(uscc: $u) { uscc name status penalties { decisionNumber } } }', {
        u: f.licence.holderUscc,
      }),
    },
  ];
}

const gql = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

export async function run(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('npm run bench -- http needs DATABASE_URL (a PostgreSQL server)');
  const db = await freshDatabase(serverUrl, 'hub_bench_http');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-http-'));
  const hubEnv: Record<string, string> = {
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    CACHE_PREFIX: `bench-http:${Date.now()}:`,
    RATE_LIMIT_PUBLIC_PER_MINUTE: '0',
    RATE_LIMIT_SYSTEM_PER_MINUTE: '0',
  };
  const children: ChildProcess[] = [];
  try {
    // Migrate and seed from this process, then let it go: the servers run in their own.
    const config = loadConfig({ ...process.env, ...hubEnv, LOG_LEVEL: 'silent' });
    const platform = await startPlatform(config, { logger: createLogger('silent') });
    const seeded = await seedDemo(platform.prisma);
    const key = seeded.keys.find((k) => k.system === 'market-registry')?.key;
    if (!key) throw new Error('the demo seed made no market-registry key');
    const licence = await platform.prisma.licence.findFirstOrThrow({
      where: { status: 'VALID' },
      orderBy: { number: 'asc' },
    });
    const { token } = await qrCodeLink(
      platform.qr,
      config.publicUrl,
      { type: 'licence', id: licence.id },
      licence.createdAt,
    );
    const item = await platform.prisma.serviceItem.findFirstOrThrow({ orderBy: { code: 'asc' } });
    await platform.close();

    const baselines = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/http-baselines.ts'), db.url], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(baselines);
    const [basePort, expressPort] = await new Promise<string[]>((resolve) =>
      baselines.stdout.once('data', (d: Buffer) => resolve(d.toString().trim().split(' '))),
    );
    const base = `http://127.0.0.1:${basePort}`;
    const hello = await bench({ name: 'node:http hello', url: `${base}/hello` });
    const pgCase: Case = {
      name: 'node:http + pg (licenceByNumber SQL)',
      url: `${base}/licence?type=${encodeURIComponent(licence.typeCode)}&number=${encodeURIComponent(licence.number)}`,
    };
    const pgRead = await bench(pgCase);
    // The baselines stay up (idle) for the half-load latency comparison below.

    // The hub as configured (response cache on), then without the response cache (every read
    // executes), and optionally another tree's hub (BENCH_COMPARE_TREE, e.g. the main branch).
    const variants: { label: string; root: string; env: Record<string, string> }[] = [
      { label: 'cached', root: ROOT, env: {} },
      { label: 'uncached', root: ROOT, env: { RESPONSE_CACHE_TTL_SECONDS: '0' } },
      ...(process.env.BENCH_COMPARE_TREE
        ? [
            { label: path.basename(process.env.BENCH_COMPARE_TREE), root: process.env.BENCH_COMPARE_TREE, env: {} },
            {
              label: `${path.basename(process.env.BENCH_COMPARE_TREE)} uncached`,
              root: process.env.BENCH_COMPARE_TREE,
              env: { RESPONSE_CACHE_TTL_SECONDS: '0' },
            },
          ]
        : []),
    ];
    const columns: { label: string; results: Map<string, Result>; notes: string[] }[] = [];
    let cases: Case[] = [];
    const modes: string[] = [];
    for (const v of variants) {
      const hub = await startHub(v.root, { ...hubEnv, ...v.env });
      children.push(hub.child);
      modes.push(`${v.label}: ${hub.mode}`);
      const rssAtRest = rssMb(hub.child.pid!);
      cases = hubCases(hub.url, { key, licence, token, item: item.code });
      const results = new Map<string, Result>();
      for (const c of cases) results.set(c.name, await bench(c));
      const rssUnderLoad = rssMb(hub.child.pid!);
      // qrLookup at half its own rate: the latency a scanning desk sees when the hub is not saturated.
      const qr = cases.find((c) => c.name.startsWith('qrLookup'))!;
      const half = Math.max(1, Math.floor(results.get(qr.name)!.requests.average / 2));
      const halfLoad = await autocannon(qr, ['-R', String(half)]);
      // The same fixed rate against the hub's /healthz, the node:http + pg baseline, node:http
      // hello and a bare Express hello: the tail the load generator, the machine and the HTTP
      // framework give any server at that rate.
      const atHalf = (c: Case) => autocannon(c, ['-R', String(half)]);
      const health = await atHalf(cases.find((c) => c.name === '/healthz')!);
      const pg = await atHalf(pgCase);
      const bare = await atHalf({ name: 'node:http hello', url: `${base}/hello` });
      const bareExpress = await atHalf({ name: 'Express hello', url: `http://127.0.0.1:${expressPort}/hello` });
      await stop(hub.child);
      columns.push({
        label: v.label,
        results,
        notes: [
          `${v.label}: qrLookup at half load (${half} req/s): p50 ${halfLoad.latency.p50} ms, p99 ${halfLoad.latency.p99} ms ` +
            `(same rate, p99: the hub's /healthz ${health.latency.p99} ms, node:http + pg ${pg.latency.p99} ms, ` +
            `node:http hello ${bare.latency.p99} ms, a bare Express hello ${bareExpress.latency.p99} ms); ` +
            `RSS ${rssAtRest.toFixed(0)} MB at rest, ${rssUnderLoad.toFixed(0)} MB after the read load`,
        ],
      });
    }

    const ratio = (a: number, b: number) => (a / b).toFixed(3);
    const header = columns.map(
      (c) => `${c.label} req/s | ${c.label} p99 ms | ${c.label} vs pg | ${c.label} vs /healthz`,
    );
    const lines = [
      `connections: ${connections}, ${seconds} s per round, better of two rounds; cache: ${process.env.REDIS_URL ? 'Redis' : 'memory'}; hubs ran: ${modes.join(', ')} (npm run build first to measure what npm start runs)`,
      `node:http hello: ${hello.requests.average.toFixed(0)} req/s; node:http + pg (licenceByNumber SQL): ${pgRead.requests.average.toFixed(0)} req/s (p99 ${pgRead.latency.p99} ms)`,
      '',
      `| path | ${header.join(' | ')} |`,
      `|---|${columns.map(() => '---|---|---|---|').join('')}`,
      ...cases.map((c) => {
        const cells = columns.map((col) => {
          const r = col.results.get(c.name)!;
          const health = col.results.get('/healthz')!;
          return `${r.requests.average.toFixed(0)} | ${r.latency.p99} | ${ratio(r.requests.average, pgRead.requests.average)} | ${ratio(r.requests.average, health.requests.average)}`;
        });
        return `| ${c.name} | ${cells.join(' | ')} |`;
      }),
      '',
      ...columns.flatMap((c) => c.notes),
    ];
    process.stdout.write(`\n${lines.join('\n')}\n`);
  } finally {
    for (const c of children) await stop(c);
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
