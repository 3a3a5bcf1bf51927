/**
 * The lock file that makes one process the only opener of an embedded data folder: it names the
 * process (pid, command, start time) and the loopback port its database is served on, so other
 * hub commands connect there instead of opening a second engine on the same files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const LockSchema = z.object({
  pid: z.number().int().positive(),
  /** Loopback port of the served database; null while the engine is still opening. */
  port: z.number().int().positive().nullable(),
  startedAt: z.string(),
  /** The `hub` command holding the folder (serve, seed, ingest …). */
  command: z.string(),
  /** True for long-running servers (serve, subgraph), whose database other commands may use. */
  serving: z.boolean(),
});

export type DataDirLockInfo = z.infer<typeof LockSchema>;

export interface HeldLock {
  path: string;
  /** Records the port once the database is served. */
  setPort(port: number): void;
  release(): void;
}

export function lockFilePath(dataDir: string): string {
  return path.join(dataDir, 'embedded-db.lock');
}

export function readDataDirLock(dataDir: string): DataDirLockInfo | undefined {
  try {
    const parsed = LockSchema.safeParse(JSON.parse(fs.readFileSync(lockFilePath(dataDir), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function writeAtomically(target: string, info: DataDirLockInfo, replace: boolean): void {
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(info)}\n`);
  try {
    // link() fails when the lock exists, so taking it is atomic and readers never see a half-written file.
    if (replace) fs.renameSync(tmp, target);
    else fs.linkSync(tmp, target);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Takes the folder's lock, or returns who holds it. A lock whose process is gone (a crash, a
 * kill -9) is stale and taken over.
 */
export function acquireDataDirLock(
  dataDir: string,
  who: { command: string; serving: boolean },
): { held: HeldLock } | { holder: DataDirLockInfo } {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = lockFilePath(dataDir);
  const info: DataDirLockInfo = { pid: process.pid, port: null, startedAt: new Date().toISOString(), ...who };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeAtomically(file, info, false);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readDataDirLock(dataDir);
      if (holder && processAlive(holder.pid)) return { holder };
      // Stale, or unreadable (it is written whole, so only a damaged file is): take it over.
      fs.rmSync(file, { force: true });
      continue;
    }
    const releaseOnExit = () => release();
    const release = () => {
      process.off('exit', releaseOnExit);
      if (readDataDirLock(dataDir)?.pid === process.pid) fs.rmSync(file, { force: true });
    };
    // process.exit() (a failed start, a stop that overran) skips the graceful stop: still let go.
    process.on('exit', releaseOnExit);
    return {
      held: {
        path: file,
        setPort(port) {
          info.port = port;
          writeAtomically(file, info, true);
        },
        release,
      },
    };
  }
  const holder = readDataDirLock(dataDir);
  if (holder) return { holder };
  throw new Error(`could not take the lock ${file}; remove it if no hub process is running`);
}
