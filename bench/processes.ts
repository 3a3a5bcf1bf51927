/**
 * Child processes for fault tests and the soak: a hub (`hub serve`, as in production, so its
 * timing and memory are its own) and a Redis server of its own on a free loopback port, which a
 * test may kill and start again.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { childEnv } from '../src/config/index.js';

const cliPath = path.join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');

/** A free TCP port on loopback (nothing listens on it when this returns). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

export interface RedisProcess {
  url: string;
  port: number;
  /** SIGKILL: the server vanishes without closing anything politely. */
  kill(): Promise<void>;
  /** Starts a fresh server (empty: no persistence) on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** True when a `redis-server` binary is on the PATH. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A Redis server of its own (no persistence) on a free port. */
export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--logfile', ''],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      if (await connects(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not listen on ${port}`);
  };
  const kill = async () => {
    if (!child) return;
    const c = child;
    child = undefined;
    c.kill('SIGKILL');
    await exited(c);
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, kill, restart: start, stop: kill };
}

export interface HubProcess {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  pid: number;
  /** Resident set size of the hub process in bytes (Linux /proc). */
  rss(): number;
  /**
   * RSS and V8 heap in use right after full garbage collections forced through the inspector
   * (only when started with `inspect: true`): memory the process holds on to, without the
   * saw-tooth of garbage not yet collected.
   */
  settledMemory(): Promise<SettledMemory>;
  /** What the hub wrote to stderr (Node prints unhandled rejections and crashes there). */
  stderr(): string;
  /** Structured log lines (pino JSON on stdout) at level `warn` or above. */
  problems(): { level: number; msg: string }[];
  /** Sends `signal` and waits for the exit; resolves with the exit code and how long it took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
  /** Whether the process is still running. */
  running(): boolean;
}

/**
 * Starts `hub serve` in a child process on a free port and waits until it listens. The env
 * overrides the parent's (DATABASE_URL, REDIS_URL, ...); rate limits are off (the load is the
 * test's own), demo seeding off, logs at `info` so the address and warnings can be read.
 */
export async function startHubProcess(
  env: Record<string, string>,
  timeoutMs = 150_000,
  options: { inspect?: boolean } = {},
): Promise<HubProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-process-'));
  // The inspector listens on a loopback port of its own, only for the measuring process.
  const nodeArgs = options.inspect ? ['--inspect=127.0.0.1:0'] : [];
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', cliPath, 'serve'], {
    env: childEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      HUB_SEED_DEMO: 'never',
      RATE_LIMIT_SYSTEM_PER_MINUTE: '0',
      RATE_LIMIT_PUBLIC_PER_MINUTE: '0',
      ...env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let pending = '';
  const problems: { level: number; msg: string }[] = [];
  let resolveUrl: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => (resolveUrl = resolve));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; url?: string };
        if (entry.msg === 'hub listening' && entry.url) resolveUrl(entry.url.replace(/\/graphql$/, ''));
        if ((entry.level ?? 0) >= 40) problems.push({ level: entry.level ?? 0, msg: entry.msg ?? '' });
      } catch {
        // not a log line
      }
    }
  });
  const exit = exited(child);
  let timer: NodeJS.Timeout | undefined;
  const url = await Promise.race([
    listening,
    exit.then(({ code }) => Promise.reject(new Error(`the hub exited (${code}) before listening:\n${stderr}`))),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the hub did not listen within ${timeoutMs} ms:\n${stderr}`)),
        timeoutMs,
      );
    }),
  ])
    .catch((err: unknown) => {
      child.kill('SIGKILL');
      throw err;
    })
    .finally(() => clearTimeout(timer));
  const pid = child.pid ?? 0;
  return {
    url,
    pid,
    rss() {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
      return Number(kb ?? 0) * 1024;
    },
    async settledMemory() {
      const inspector = /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
      if (!inspector) throw new Error('settledMemory needs a hub started with { inspect: true }');
      return inspectorMemory(inspector);
    },
    stderr: () => stderr,
    problems: () => problems,
    running: () => child.exitCode === null && child.signalCode === null,
    async stop(signal = 'SIGTERM') {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const { code } = await exit;
      fs.rmSync(dataDir, { recursive: true, force: true });
      return { code, ms: Date.now() - started };
    },
  };
}

export interface SettledMemory {
  /** Resident set size in bytes after the collections. */
  rss: number;
  /** V8 heap in use in bytes after the collections. */
  heapUsed: number;
}

/**
 * Over the DevTools protocol: two full collections (the second frees what the first's finalizers
 * released), then the process's own `process.memoryUsage()`.
 */
async function inspectorMemory(url: string): Promise<SettledMemory> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(`cannot reach the hub's inspector at ${url}`)), {
      once: true,
    });
  });
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString('utf8')) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      id += 1;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await send('HeapProfiler.collectGarbage');
    await send('HeapProfiler.collectGarbage');
    const answer = (await send('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })) as { result?: { value?: string } };
    const usage = JSON.parse(answer.result?.value ?? '{}') as { rss?: number; heapUsed?: number };
    if (typeof usage.rss !== 'number' || typeof usage.heapUsed !== 'number')
      throw new Error(`the hub's inspector did not return its memory usage: ${JSON.stringify(answer)}`);
    return { rss: usage.rss, heapUsed: usage.heapUsed };
  } finally {
    socket.close();
  }
}
