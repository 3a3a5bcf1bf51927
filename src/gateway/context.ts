/**
 * The gateway's per-request context: the caller and, lazily, one context per in-process
 * subgraph, so each subgraph's DataLoaders live exactly as long as the request.
 */
import type { SubgraphName } from '../config/index.js';
import type { Caller } from '../platform/auth/caller.js';
import type { BaseContext, GatewayContext, Platform } from '../platform/context.js';

export type { GatewayContext };

export function createGatewayContext(platform: Platform, caller: Caller): GatewayContext {
  const contexts = new Map<SubgraphName, BaseContext>();
  return {
    caller,
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
