/**
 * The gateway's per-request context: the caller and, lazily, one context per in-process
 * subgraph, so each subgraph's DataLoaders live exactly as long as the request.
 */
import type { Request } from 'express';
import type { SubgraphName } from '../config/index.js';
import { PURPOSE_HEADER, REQUEST_ID_HEADER, requestCaller, type Caller } from '../platform/auth/caller.js';
import { FORWARDED_HEADERS } from '../platform/auth/gateway-proof.js';
import type { BaseContext, GatewayContext, Platform } from '../platform/context.js';
import { sessionCallerOf } from '../modules/hall/index.js';

export type { GatewayContext };

export function createGatewayContext(
  platform: Platform,
  caller: Caller,
  forwardedHeaders: Readonly<Record<string, string>> = {},
): GatewayContext {
  const contexts = new Map<SubgraphName, BaseContext>();
  return {
    caller,
    forwardedHeaders,
    subgraphContext(module) {
      let ctx = contexts.get(module.name);
      if (!ctx) {
        ctx = module.createContext({ ...platform, caller });
        contexts.set(module.name, ctx);
      }
      return ctx;
    },
  };
}

/**
 * The caller of an HTTP request, decided the same way by the gateway and by a subgraph served
 * alone: a key names a department system; without one, an online hall session cookie names an
 * applicant; neither is the public. `verify` checks the key (the gateway's also counts quotas).
 */
export async function callerOfRequest(
  platform: Pick<Platform, 'prisma' | 'config'>,
  req: Request,
  verify: (req: Request) => Promise<Caller>,
): Promise<Caller> {
  const applicant = req.headers.authorization ? null : await sessionCallerOf(platform, req);
  if (applicant) return applicant;
  const caller = await verify(req);
  return requestCaller(caller, { purpose: req.header(PURPOSE_HEADER), requestId: req.header(REQUEST_ID_HEADER) });
}

/** The request's headers a gateway forwards to remote subgraphs; the request id is the one the gateway settled on. */
export function forwardedHeadersOf(req: Request, caller: Caller): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = req.header(name);
    if (value !== undefined) out[name] = value;
  }
  if (caller.kind === 'system' && caller.requestId) out[REQUEST_ID_HEADER] = caller.requestId;
  return out;
}
