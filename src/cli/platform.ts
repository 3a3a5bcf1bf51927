/**
 * Runs a CLI command with the platform started (database, cache) and closed afterwards. With the
 * embedded database and a hub running on the same DATA_DIR, the command uses that hub's database
 * (through its loopback port) instead of opening the folder a second time.
 */
import { loadConfig } from '../config/index.js';
import { startPlatform, type RunningPlatform } from '../platform/bootstrap.js';

/** `quiet` keeps info-level logs off a command's own output (progress bars, reports). */
export async function withPlatform<T>(
  fn: (p: RunningPlatform) => Promise<T>,
  opts: { quiet?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const logLevel = opts.quiet && config.logLevel === 'info' ? 'warn' : config.logLevel;
  // The command's words (`keys create`), recorded in the lock file while it holds the folder.
  const command =
    process.argv
      .slice(2)
      .filter((a) => !a.startsWith('-'))
      .slice(0, 2)
      .join(' ') || 'hub';
  const platform = await startPlatform({ ...config, logLevel }, { embedded: { command, attach: true } });
  try {
    return await fn(platform);
  } finally {
    await platform.close();
  }
}
