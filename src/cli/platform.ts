/**
 * Runs a CLI command with the platform started (database, cache) and closed afterwards.
 */
import { loadConfig } from '../config/index.js';
import { startPlatform, type RunningPlatform } from '../platform/bootstrap.js';

/** `quiet` keeps info-level logs off a command's own output (progress bars, reports). */
export async function withPlatform<T>(fn: (p: RunningPlatform) => Promise<T>, opts: { quiet?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const logLevel = opts.quiet && config.logLevel === 'info' ? 'warn' : config.logLevel;
  const platform = await startPlatform({ ...config, logLevel });
  try {
    return await fn(platform);
  } finally {
    await platform.close();
  }
}
