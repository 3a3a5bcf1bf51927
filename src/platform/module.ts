/**
 * What a domain module hands the hub: its subgraph, the HTTP routes it serves beside /graphql,
 * and the background workers it runs in a serving process. The gateway mounts and starts them
 * all from one place (src/gateway/server.ts).
 */
import type http from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { Request, Router } from 'express';
import type { ApiKeyVerifier } from './auth/api-keys.js';
import type { Caller } from './auth/caller.js';
import type { RunningPlatform } from './bootstrap.js';
import type { Quota } from './rate-limit/index.js';
import type { BaseContext, GatewayContext, SubgraphModule } from './context.js';

/** What a module's routes may use: the platform, the gateway (to read through the API) and the key verifier. */
export interface RouteHost {
  platform: RunningPlatform;
  apollo: ApolloServer<GatewayContext>;
  /** The context of an anonymous (public) gateway request. */
  publicContext: () => GatewayContext;
  verifier: ApiKeyVerifier;
  /**
   * Counts a request without an API key against the public quota of its client address (the one
   * /graphql applies); undefined when unlimited. For public pages that look something up.
   */
  publicQuota: (req: Request) => Promise<Quota | undefined>;
}

/** A background loop; `stop` waits for its current round to finish. */
export interface Worker {
  name: string;
  stop(): Promise<void>;
}

/** Something attached to the HTTP server itself (for example a WebSocket endpoint). */
export interface ServerAttachment {
  stop(): Promise<void>;
}

/** What a module runs so that its subgraph's subscriptions can execute: the context they run in. */
export interface SubscriptionHost {
  /** The subgraph context of one subscription (the module's context plus its live sources). */
  context(base: BaseContext): BaseContext;
  /** Whether a caller whose key was re-checked may keep its open subscriptions (default: yes). */
  allows?(caller: Caller): boolean;
  stop(): Promise<void>;
}

export interface HubModule {
  subgraph: SubgraphModule;
  routes?(host: RouteHost): Router;
  attach?(platform: RunningPlatform, httpServer: http.Server): Promise<ServerAttachment>;
  workers?(platform: RunningPlatform): Worker[];
  /** Starts what the subgraph's subscriptions need when `hub subgraph <name>` serves them (over SSE). */
  subscriptions?(platform: RunningPlatform): Promise<SubscriptionHost>;
  /** Adds the module's gauges (read when Prometheus scrapes) to the platform's registry. */
  metrics?(platform: RunningPlatform): void;
}
