/**
 * The embedded first start (issue 14): `hub serve` (bin/hub.js, as `npm start` runs it) with
 * DATABASE_URL and REDIS_URL unset on an empty DATA_DIR, timed from the spawn until `/healthz`
 * and `/readyz` answer, with the phases read from the hub's own progress log (opening PGlite,
 * each migration, each demo-data step, the rest until it listens). BENCH_RUNS (default 2) starts
 * per tree; BENCH_COMPARE_TREE=<another checkout> (with its node_modules) alternates that tree's
 * hub with this one, for before/after figures under the same load. A tree that logs fewer phases
 * (an older main) shows them merged.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { childEnv } from '../src/config/index.js';
import { freePort } from './processes.js';

const ROOT = path.resolve(import.meta.dirname, '..');

const LogLine = z
  .object({ time: z.number(), msg: z.string(), ms: z.number().optional(), seed: z.string().optional() })
  .passthrough();
type LogLine = z.infer<typeof LogLine>;

/** What one first start took, in milliseconds; undefined where the tree does not log the phase. */
export interface FirstStart {
  total: number;
  healthz: number;
  /** Node.js, tsx and the hub's modules until the hub says it opens PGlite. */
  load?: number;
  /** PGlite.create: initdb on a first start. */
  pglite?: number;
  /** Load and PGlite together, for a tree that logs only when PGlite has started. */
  loadAndPglite?: number;
  migrations?: number;
  seed?: number;
  seedSteps: { step: string; ms: number }[];
  /** From the seeded demo data until `hub listening`: keys and QR links printed, gateway and modules started. */
  toListening?: number;
  /** From `hub listening` until `/readyz` answered 200. */
  toReady: number;
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/**
 * Starts `hub serve` of `root` on a new empty data folder, waits for /readyz, stops it (SIGTERM,
 * as Ctrl-C). The folder is removed unless `keepDataDir` (the caller removes it then).
 */
export async function firstStart(
  root: string,
  opts: { keepDataDir?: boolean } = {},
): Promise<FirstStart & { output: string; dataDir: string; exitCode: number | null }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-first-start-'));
  const port = await freePort();
  const env = childEnv({
    DATABASE_URL: '',
    REDIS_URL: '',
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    HUB_SEED_DEMO: 'auto',
    LOG_LEVEL: 'info',
    NODE_OPTIONS: '',
  });
  const t0 = Date.now();
  const child = spawn(process.execPath, [path.join(root, 'bin/hub.js'), 'serve'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let ok = false;
  try {
    let healthz: number | undefined;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`hub serve exited (${child.exitCode}):\n${out}`);
      if (healthz === undefined && (await answers(`http://127.0.0.1:${port}/healthz`))) healthz = Date.now() - t0;
      if (healthz !== undefined && (await answers(`http://127.0.0.1:${port}/readyz`))) break;
      if (Date.now() - t0 > 300_000) throw new Error(`not ready within 300 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const total = Date.now() - t0;
    child.kill('SIGTERM');
    const exitCode = await exited;
    ok = true;
    return { ...phases(out, t0, total), total, healthz, output: out, dataDir, exitCode };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    if (!ok || !opts.keepDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The phases, from the hub's JSON log lines (their `time`) and the `ms` fields of its progress lines. */
function phases(out: string, t0: number, total: number): Omit<FirstStart, 'total' | 'healthz'> {
  const lines: LogLine[] = [];
  for (const text of out.split('\n')) {
    if (!text.startsWith('{')) continue;
    const parsed = LogLine.safeParse(JSON.parse(text));
    if (parsed.success) lines.push(parsed.data);
  }
  const at = (msg: string) => lines.find((l) => l.msg === msg);
  const opening = at('opening the embedded PostgreSQL (PGlite)');
  const started = at('embedded PostgreSQL (PGlite) started');
  const perMigration = lines.filter((l) => l.msg === 'migration applied');
  const migrated = at('migrations applied');
  const seeding = at('seeding the demo data');
  const seeded = at('demo data seeded');
  const listening = at('hub listening');
  const r: Omit<FirstStart, 'total' | 'healthz'> = {
    seedSteps: lines
      .filter((l) => l.msg === 'demo data step done')
      .map((l) => ({ step: l.seed ?? '?', ms: l.ms ?? 0 })),
    toReady: listening ? total - (listening.time - t0) : 0,
  };
  if (opening && started?.ms !== undefined) {
    r.load = opening.time - t0;
    r.pglite = started.ms;
  } else if (started) {
    r.loadAndPglite = started.time - t0;
  }
  if (perMigration.length > 0) r.migrations = perMigration.reduce((s, l) => s + (l.ms ?? 0), 0);
  else if (migrated && started) r.migrations = migrated.time - started.time;
  const seedFrom = seeding ?? migrated ?? started;
  if (seeded && seedFrom) r.seed = seeded.time - seedFrom.time;
  if (seeded && listening) r.toListening = listening.time - seeded.time;
  return r;
}

const s = (ms: number | undefined) => (ms === undefined ? '—' : (ms / 1000).toFixed(1));

export async function run(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 2);
  const trees = [
    { label: 'this tree', root: ROOT },
    ...(process.env.BENCH_COMPARE_TREE
      ? [{ label: path.basename(process.env.BENCH_COMPARE_TREE), root: process.env.BENCH_COMPARE_TREE }]
      : []),
  ];
  process.stdout.write(
    `embedded first start (empty DATA_DIR, demo data), ${runs} run(s) per tree, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, ${os.cpus().length} cores\n\n`,
  );
  const rows: { label: string; r: FirstStart }[] = [];
  for (let i = 0; i < runs; i++) {
    for (const t of trees) {
      const r = await firstStart(t.root);
      rows.push({ label: t.label, r });
      process.stdout.write(`${t.label}: ready in ${s(r.total)} s\n`);
    }
  }
  process.stdout.write(
    '\n| tree | load (s) | PGlite initdb (s) | migrations (s) | demo data (s) | to listening (s) | to /readyz (s) | /healthz (s) | total (s) |\n' +
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n',
  );
  for (const { label, r } of rows) {
    const loadCols =
      r.loadAndPglite !== undefined ? `${s(r.loadAndPglite)} (both) | ↤` : `${s(r.load)} | ${s(r.pglite)}`;
    process.stdout.write(
      `| ${label} | ${loadCols} | ${s(r.migrations)} | ${s(r.seed)} | ${s(r.toListening)} | ${s(r.toReady)} | ${s(r.healthz)} | ${s(r.total)} |\n`,
    );
  }
  const steps = rows.filter((x) => x.r.seedSteps.length > 0);
  if (steps.length > 0) {
    process.stdout.write('\ndemo data steps (s), per run of this tree:\n');
    for (const { r } of steps) process.stdout.write(`  ${r.seedSteps.map((x) => `${x.step} ${s(x.ms)}`).join(', ')}\n`);
  }
  process.stdout.write(`\nload average after: ${os.loadavg()[0]!.toFixed(1)}\n`);
}
