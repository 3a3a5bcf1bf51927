/**
 * The embedded default database: PGlite (PostgreSQL compiled to WebAssembly) stored under
 * DATA_DIR and served on a loopback port, so Prisma and node-postgres use it like a real server.
 * One process opens a data folder (see data-dir-lock.ts); other hub commands use its port.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { acquireDataDirLock, processAlive, readDataDirLock, type DataDirLockInfo } from './data-dir-lock.js';
import { migrateInProcess, type MigrationStep } from './migrate.js';
import { serveProtocolEngine, type WireServerOptions } from './wire-server.js';

export interface EmbeddedDatabase {
  url: string;
  /** True when the data folder did not exist before this start. */
  created: boolean;
  /** Set when this process uses the database of the process holding the folder (a running hub). */
  attachedTo?: DataDirLockInfo;
  /**
   * The migrations this start applied in process (options.migrate), oldest first; null when an
   * earlier migration had failed (nothing applied: run `migrateDeploy` to report it); undefined
   * when not asked to migrate or attached to a running hub's database.
   */
  migrated?: string[] | null;
  /** Milliseconds spent opening the engine (initdb included on a first start). */
  openMs?: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** The `hub` command opening the folder, recorded in the lock file. */
  command?: string;
  /** A long-running server whose database other commands may use while it runs. */
  serving?: boolean;
  /** Use the database of a running hub that holds the folder instead of refusing. */
  attach?: boolean;
  server?: Omit<WireServerOptions, 'host' | 'port'>;
  /**
   * Apply pending migrations in this process before serving (no Prisma CLI, no wire round trips);
   * `onStep` hears of each one applied.
   */
  migrate?: boolean | { onStep?: (s: MigrationStep) => void };
}

/** The data folder is held by another process whose database this one cannot or must not use. */
export class DataDirInUseError extends Error {
  constructor(
    message: string,
    readonly holder: DataDirLockInfo,
  ) {
    super(message);
    this.name = 'DataDirInUseError';
  }
}

/** True when the server at `url` is PGlite (this hub's embedded database, or another's). */
export async function isPGliteServer(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const r = await client.query<{ v: string }>('SELECT version() AS v');
    return r.rows[0]?.v.includes('PGlite') ?? false;
  } catch {
    return false; // unreachable: whoever uses the database next reports why
  } finally {
    await client.end().catch(() => undefined);
  }
}

const urlFor = (port: number) => `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.setTimeout(3_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

async function attach(dataDir: string, holder: DataDirLockInfo, opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const who = `\`hub ${holder.command}\` (pid ${holder.pid}, started ${holder.startedAt})`;
  if (!opts.attach) {
    throw new DataDirInUseError(
      `${dataDir} is already used by ${who}. Stop it first, or, to run several hub processes, set DATABASE_URL to a shared PostgreSQL`,
      holder,
    );
  }
  if (!holder.serving) {
    throw new DataDirInUseError(`${dataDir} is in use by ${who}; wait for it to finish, then run this again`, holder);
  }
  // A hub that is still opening its engine has not written its port yet.
  let current: DataDirLockInfo | undefined = holder;
  for (
    let waited = 0;
    current && current.pid === holder.pid && current.port === null && waited < 60_000;
    waited += 250
  ) {
    await new Promise((r) => setTimeout(r, 250));
    current = readDataDirLock(dataDir);
  }
  if (!current || current.pid !== holder.pid || current.port === null || !processAlive(holder.pid)) {
    throw new DataDirInUseError(
      `the hub holding ${dataDir} (${who}) stopped or did not finish starting; run this again`,
      holder,
    );
  }
  if (!(await answers(current.port))) {
    throw new DataDirInUseError(
      `${who} holds ${dataDir} but its database does not answer on 127.0.0.1:${current.port}; stop that process (kill ${holder.pid}) and run this again`,
      holder,
    );
  }
  return { url: urlFor(current.port), created: false, attachedTo: current, stop: () => Promise.resolve() };
}

/**
 * Opens (or creates) the PGlite database under `dataDir` and serves it on 127.0.0.1, taking the
 * folder's lock; when a running hub already holds it, uses that hub's database (opts.attach) or
 * refuses with DataDirInUseError.
 */
export async function startEmbeddedDatabase(
  dataDir: string,
  options: EmbeddedOptions | number = {},
): Promise<EmbeddedDatabase> {
  // A number is the connection cap, as callers written before the options passed it.
  const opts: EmbeddedOptions = typeof options === 'number' ? { server: { maxConnections: options } } : options;
  const lock = acquireDataDirLock(dataDir, { command: opts.command ?? 'hub', serving: opts.serving ?? false });
  if ('holder' in lock) return attach(dataDir, lock.holder, opts);
  const { held } = lock;
  try {
    const dir = path.join(dataDir, 'pgdata');
    const created = !fs.existsSync(path.join(dir, 'PG_VERSION'));
    fs.mkdirSync(dir, { recursive: true });
    const opening = performance.now();
    const db = await PGlite.create({ dataDir: dir });
    const openMs = Math.round(performance.now() - opening);
    let migrated: string[] | null | undefined;
    try {
      if (opts.migrate) migrated = await migrateInProcess(db, opts.migrate === true ? undefined : opts.migrate.onStep);
    } catch (err) {
      await db.close();
      throw err;
    }
    const server = await serveProtocolEngine(db, { ...opts.server, host: '127.0.0.1', port: 0 });
    held.setPort(server.port);
    return {
      url: urlFor(server.port),
      created,
      migrated,
      openMs,
      async stop() {
        try {
          await server.stop();
          await db.close();
        } finally {
          held.release();
        }
      },
    };
  } catch (err) {
    held.release();
    throw err;
  }
}
