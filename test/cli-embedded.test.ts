/**
 * One process opens an embedded data folder: a hub serving it holds a lock file, and `hub`
 * commands run beside it use its database through its loopback port (a key they create works
 * at once), or refuse with what to do. Starts its own embedded database, also when DATABASE_URL is set.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll } from './helpers/runner.js';
import { childEnv } from '../src/config/index.js';
import { createHubServer, type HubServer } from '../src/gateway/server.js';
import { startPlatform, type RunningPlatform } from '../src/platform/bootstrap.js';
import { acquireDataDirLock, lockFilePath, readDataDirLock } from '../src/platform/db/data-dir-lock.js';
import { createLogger } from '../src/platform/logger.js';
import { aDepartment } from './helpers/builders.js';
import { testConfig } from './helpers/hub.js';

const cliPath = path.join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');

/** Runs `hub <args>` in a child process on the embedded database of `dataDir`. */
function hubCli(dataDir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = childEnv({ DATABASE_URL: '', REDIS_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  const child = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('hub commands beside a hub serving the embedded database', () => {
  let dataDir: string;
  let platform: RunningPlatform;
  let server: HubServer;
  let url: string;
  let dept: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-cli-embedded-'));
    platform = await startPlatform(testConfig({ DATABASE_URL: undefined, DATA_DIR: dataDir }), {
      logger: createLogger('silent'),
      embedded: { command: 'serve', serving: true },
    });
    server = await createHubServer(platform);
    url = await server.listen(0, '127.0.0.1');
    dept = (await aDepartment(platform.prisma)).code;
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
    await platform?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const viewer = async (key: string) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ viewer { authenticated scopes department { code } } }' }),
    });
    return {
      status: res.status,
      body: (await res.json()) as { data?: { viewer?: { authenticated: boolean; scopes: string[] } } },
    };
  };

  it('records the serving hub (pid, port, start time) in the lock file', () => {
    const lock = readDataDirLock(dataDir);
    expect(lock).toMatchObject({ pid: process.pid, command: 'serve', serving: true });
    expect(platform.databaseUrl).toContain(`:${lock?.port}/`);
    expect(Number.isNaN(Date.parse(lock?.startedAt ?? ''))).toBe(false);
  });

  it('`keys create` uses the running hub’s database: the new key works at once, without a restart', async () => {
    const run = await hubCli(dataDir, [
      'keys',
      'create',
      '--department',
      dept,
      '--system',
      'beside-the-hub',
      '--scopes',
      'directory:read',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const key = run.stdout.trim().split('\n').at(-1) ?? '';
    expect(key).toMatch(/^hub_/);
    const res = await viewer(key);
    expect(res.status).toBe(200);
    expect(res.body.data?.viewer).toMatchObject({ authenticated: true, scopes: ['directory:read'] });
    // The command did not take the folder over.
    expect(readDataDirLock(dataDir)?.pid).toBe(process.pid);
  }, 120_000);

  it('a second `serve` on the same folder refuses and says what to do', async () => {
    const run = await hubCli(dataDir, ['serve']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`already used by \`hub serve\` (pid ${process.pid}`);
    expect(run.stderr).toContain('DATABASE_URL');
    expect(readDataDirLock(dataDir)?.pid).toBe(process.pid);
  }, 120_000);
});

describe('the data folder lock', () => {
  it('refuses a command while a non-serving command holds the folder, saying to wait', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-cli-lock-'));
    // This test process stands in for a long `hub ingest` that opened the folder itself.
    const taken = acquireDataDirLock(dir, { command: 'ingest market-registry', serving: false });
    if (!('held' in taken)) throw new Error('expected to take a fresh lock');
    try {
      const run = await hubCli(dir, ['keys', 'create', '--department', 'MR']);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(`in use by \`hub ingest market-registry\` (pid ${process.pid}`);
      expect(run.stderr).toContain('wait for it to finish');
      expect(fs.existsSync(path.join(dir, 'pgdata'))).toBe(false); // no second engine was opened
    } finally {
      taken.held.release();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('takes over a lock left by a process that is gone, and removes its own on release', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-cli-lock-'));
    const gone = spawn(process.execPath, ['-e', '']);
    const deadPid = gone.pid ?? 0;
    await new Promise((r) => gone.once('exit', r));
    fs.writeFileSync(
      lockFilePath(dir),
      JSON.stringify({ pid: deadPid, port: 1, startedAt: new Date().toISOString(), command: 'serve', serving: true }),
    );
    const taken = acquireDataDirLock(dir, { command: 'serve', serving: true });
    expect('held' in taken).toBe(true);
    expect(readDataDirLock(dir)).toMatchObject({ pid: process.pid, port: null });
    // A live holder is not taken over.
    expect(acquireDataDirLock(dir, { command: 'seed', serving: false })).toMatchObject({
      holder: { pid: process.pid },
    });
    if ('held' in taken) taken.held.release();
    expect(fs.existsSync(lockFilePath(dir))).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
