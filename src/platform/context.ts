/**
 * What every subgraph's per-request context starts from: the caller and the shared platform
 * services. Subgraphs add their own per-request DataLoaders on top; nothing per-user is global.
 */
import type { GraphQLSchema } from 'graphql';
import type { HubConfig, SubgraphName } from '../config/index.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Caller } from './auth/caller.js';
import type { Cache } from './cache/index.js';
import type { Logger } from './logger.js';
import type { QrKeyRing } from './qr/keys.js';
import type { RowReader } from './db/rows.js';

/** Process-wide services, created once at start-up. */
export interface Platform {
  config: HubConfig;
  prisma: PrismaClient;
  cache: Cache;
  logger: Logger;
  /** Keys that sign and verify QR tokens. */
  qr: QrKeyRing;
  /** Model rows over node-postgres, for hot reads (see db/rows.ts); Prisma for everything else. */
  rows: RowReader;
}

export interface BaseContext extends Platform {
  caller: Caller;
}

/** A subgraph as the gateway and `hub subgraph` see it. */
export interface SubgraphModule<C extends BaseContext = BaseContext> {
  name: SubgraphName;
  schema: GraphQLSchema;
  createContext(base: BaseContext): C;
}

/** The gateway's per-request context: the caller and one context per in-process subgraph. */
export interface GatewayContext {
  caller: Caller;
  /** The client's headers that remote subgraphs authenticate the caller from again (see auth/gateway-proof.ts). */
  forwardedHeaders: Readonly<Record<string, string>>;
  subgraphContext(module: SubgraphModule): BaseContext;
  [key: string]: unknown;
}
