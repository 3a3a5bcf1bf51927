/**
 * The gateway's proof to a remote subgraph that a call came through it, carrying the caller.
 * A short-lived HS256 JWT signed with HUB_INTERNAL_SECRET, sent as `x-hub-caller`. It carries
 * the request's id and stated purpose too, so a remote subgraph audits reads like the gateway would.
 */
import { jwtVerify, SignJWT } from 'jose';
import { unauthenticated } from '../errors.js';
import type { Caller } from './caller.js';
import { isScope } from './scopes.js';

export const INTERNAL_HEADER = 'x-hub-caller';
const AUDIENCE = 'hub-subgraph';
const ISSUER = 'hub-gateway';

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signCaller(caller: Caller, secret: string): Promise<string> {
  return new SignJWT({ caller })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(keyOf(secret));
}

export async function verifyCaller(token: string | undefined, secret: string): Promise<Caller> {
  if (!token) throw unauthenticated('Subgraphs only answer calls that come through the hub gateway');
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      audience: AUDIENCE,
      issuer: ISSUER,
      algorithms: ['HS256'],
    });
    const c = payload.caller as Caller | undefined;
    if (!c || (c.kind !== 'public' && c.kind !== 'system' && c.kind !== 'applicant')) throw new Error('no caller');
    if (c.kind === 'applicant') return { kind: 'applicant', accountId: c.accountId };
    if (c.kind !== 'system') return { kind: 'public' };
    return {
      ...c,
      scopes: c.scopes.filter(isScope),
      purpose: typeof c.purpose === 'string' && c.purpose ? c.purpose : undefined,
      requestId: typeof c.requestId === 'string' ? c.requestId : undefined,
    };
  } catch {
    throw unauthenticated('The gateway token is invalid or expired');
  }
}
