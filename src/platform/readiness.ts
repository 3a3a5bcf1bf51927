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

/** How long one round of checks answers every `/readyz` call (ms). */
export const READINESS_REUSE_MS = 1000;

/**
 * The `/readyz` handler; `extra` adds checks of its own (the gateway's remote subgraphs). The
 * probe needs no key, so however often it is called, the checks run at most once per
 * READINESS_REUSE_MS: calls meanwhile share the round in flight or its result, and a flood of
 * probes never turns into a flood of database queries and subgraph calls.
 */
export function readyzHandler(
  platform: Pick<RunningPlatform, 'prisma' | 'cache'>,
  extra?: () => Promise<Record<string, boolean>>,
) {
  let round: { at: number; result: ReturnType<typeof readiness> } | undefined;
  return async (_req: Request, res: Response): Promise<void> => {
    const now = Date.now();
    if (!round || now - round.at >= READINESS_REUSE_MS) round = { at: now, result: readiness(platform, extra) };
    const { ready, checks } = await round.result;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  };
}
