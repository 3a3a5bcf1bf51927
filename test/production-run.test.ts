/**
 * `npm start` as an operator runs it: the compiled hub when `npm run build` made a current build,
 * the TypeScript sources through tsx otherwise; and SIGTERM sent to the PID of `npm start` alone
 * (what a process manager or a container runtime does) stops everything it started: the port
 * closes and no process of its group is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { freePort } from '../bench/processes.js';
import { childEnv } from '../src/config/index.js';
import { projectRoot } from '../src/platform/db/migrate.js';
import { expectWithMessage, inject, itSkipIf, withinMs } from './helpers/runner.js';

const STOP_DEADLINE_MS = 20_000; // the hub's own grace period is 15 s

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/** PIDs of live (not zombie) processes whose process group is `pgid`, read from /proc. */
function processGroup(pgid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') out.push(Number(name));
  }
  return out;
}

/** Whether a build exists that `npm start` would run: dist/BUILD newer than every source it compiles. */
function currentBuild(): boolean {
  const stamp = path.join(projectRoot, 'dist', 'BUILD');
  if (!fs.existsSync(stamp) || !fs.existsSync(path.join(projectRoot, 'dist/src/cli/main.js'))) return false;
  const built = fs.statSync(stamp).mtimeMs;
  let newest = 0;
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
        newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const dir of ['src', 'adapters', 'prisma/seed']) walk(path.join(projectRoot, dir));
  return newest <= built;
}

interface Started {
  npm: ChildProcess;
  port: number;
  output: () => string;
}

const started: Started[] = [];

/** `npm start` in `cwd` on the run's database, in a process group of its own (so cleanup can end it all). */
async function npmStart(cwd: string): Promise<Started> {
  const port = await freePort();
  const env = childEnv({
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl') ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    HUB_SEED_DEMO: 'never',
    LOG_LEVEL: 'info',
    NODE_OPTIONS: '', // not Jest's --experimental-vm-modules
  });
  const npm = spawn('npm', ['start'], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  npm.stdout.on('data', (d: Buffer) => (out += d.toString()));
  npm.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const s = { npm, port, output: () => out };
  started.push(s);
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (npm.exitCode !== null) throw new Error(`npm start exited (${npm.exitCode}) before it was ready:\n${out}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return s;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`npm start was not ready within 150 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** SIGTERM to npm's PID only; resolves with how long until npm exited, the port closed and the group was empty. */
async function stopByPid(s: Started): Promise<{ ms: number; left: number[]; portOpen: boolean; exit: number | null }> {
  const pgid = s.npm.pid!;
  expectWithMessage(processGroup(pgid).length, 'processes of npm start before SIGTERM').toBeGreaterThanOrEqual(2);
  const exited = new Promise<number | null>((r) => s.npm.once('exit', (code) => r(code)));
  const t0 = Date.now();
  process.kill(pgid, 'SIGTERM');
  const exit = await withinMs(exited, STOP_DEADLINE_MS, () => null);
  for (;;) {
    const left = processGroup(pgid);
    const open = await portOpen(s.port);
    if ((left.length === 0 && !open) || Date.now() - t0 > STOP_DEADLINE_MS) {
      return { ms: Date.now() - t0, left, portOpen: open, exit };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterEach(() => {
  // A failed test must not leave a hub behind: end the whole group it started.
  for (const s of started.splice(0)) {
    try {
      process.kill(-s.npm.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

describe('npm start', () => {
  itSkipIf(!currentBuild(), 'no current build: `npm run build` first (.ci/run does)')(
    'runs the compiled hub when a build exists, and SIGTERM to its PID stops everything',
    async () => {
      const s = await npmStart(projectRoot);
      expectWithMessage(s.output(), 'the hub says it runs the build').toMatch(/"msg":"hub listening"/);
      expect(s.output()).toContain('"code":"compiled"');
      const r = await stopByPid(s);
      expectWithMessage(r.left, `processes left ${r.ms} ms after SIGTERM:\n${s.output()}`).toEqual([]);
      expectWithMessage(r.portOpen, 'port still open after SIGTERM').toBe(false);
      expectWithMessage(r.exit, `npm start's exit code:\n${s.output()}`).toBe(0);
      expect(s.output()).toContain('SIGTERM: stopping');
    },
    200_000,
  );

  it('runs the TypeScript sources through tsx without a build, and SIGTERM to its PID stops everything', async () => {
    // The project as a fresh clone has it, without dist/: package.json and the launcher copied,
    // everything else linked.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-start-'));
    try {
      fs.copyFileSync(path.join(projectRoot, 'package.json'), path.join(dir, 'package.json'));
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.copyFileSync(path.join(projectRoot, 'bin/hub.js'), path.join(dir, 'bin/hub.js'));
      for (const name of ['src', 'prisma', 'adapters', 'schema', 'node_modules', 'tsconfig.json']) {
        fs.symlinkSync(path.join(projectRoot, name), path.join(dir, name));
      }
      const s = await npmStart(dir);
      expect(s.output()).toContain('"code":"sources"');
      const r = await stopByPid(s);
      expectWithMessage(r.left, `processes left ${r.ms} ms after SIGTERM:\n${s.output()}`).toEqual([]);
      expectWithMessage(r.portOpen, 'port still open after SIGTERM').toBe(false);
      expectWithMessage(r.exit, `npm start's exit code:\n${s.output()}`).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 200_000);
});
