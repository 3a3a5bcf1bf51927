/**
 * Readiness (`GET /readyz`) of a hub process, gateway or subgraph: 200 while its database (and
 * Redis, when configured) answer, 503 otherwise, so an orchestrator sends it no traffic meanwhile.
 */
import type { Request, Response } from 'express';
import type { RunningPlatform } from './bootstrap.js';

export async function readiness(
  platform: Pick<RunningPlatform, 'prisma' | 'cache'>,
  extra?: () => Promise<Record<string, boolean>>,
): Promise<{
  ready: boolean;
  checks: Record<string, boolean>;
}> {
  const checks: Record<string, boolean> = {};
  try {
    await platform.prisma.$queryRaw`SELECT 1`;
    checks.database = true;
  } catch {
    checks.database = false;
  }
  if (platform.cache.kind === 'redis') checks.redis = await platform.cache.ping();
  if (extra) Object.assign(checks, await extra());
  return { ready: Object.values(checks).every(Boolean), checks };
}

/** The `/readyz` handler; `extra` adds checks of its own (the gateway's remote subgraphs). */
export function readyzHandler(
  platform: Pick<RunningPlatform, 'prisma' | 'cache'>,
  extra?: () => Promise<Record<string, boolean>>,
) {
  return async (_req: Request, res: Response): Promise<void> => {
    const { ready, checks } = await readiness(platform, extra);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  };
}
