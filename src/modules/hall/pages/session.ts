/**
 * Reading the hall session from a request: the cookie names the applicant, and a state-changing
 * request must come from the hub's own pages (its Origin, or Referer, is the hub's) — SameSite
 * cookies already keep other sites' POSTs without the cookie; the origin check covers the rest.
 */
import type { Request } from 'express';
import type { Caller } from '../../../platform/auth/caller.js';
import type { Platform } from '../../../platform/context.js';
import { sessionCaller, sessionToken } from '../accounts.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function originOf(value: string | undefined): string | null {
  if (!value) return null;
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

/** Whether a request may change state: safe methods always; others only from the hub's origin. */
export function sameOrigin(platform: Pick<Platform, 'config'>, req: Request): boolean {
  if (SAFE.has(req.method)) return true;
  const origin = originOf(req.get('origin')) ?? originOf(req.get('referer'));
  if (!origin) return false;
  const own = [`${req.protocol}://${req.get('host') ?? ''}`, originOf(platform.config.publicUrl)];
  return own.includes(origin);
}

/** The applicant of the request's session, or null (no cookie, ended session, or a foreign origin). */
export async function sessionCallerOf(
  platform: Pick<Platform, 'prisma' | 'config'>,
  req: Request,
): Promise<Extract<Caller, { kind: 'applicant' }> | null> {
  const token = sessionToken(req.headers.cookie);
  if (!token || !sameOrigin(platform, req)) return null;
  return sessionCaller(platform, token);
}
