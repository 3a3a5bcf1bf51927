/**
 * The live change feed on the hub itself: a graphql-ws server at /graphql/ws with a small
 * standalone schema (Apollo Gateway cannot federate subscriptions), the process's feed
 * dispatcher. `startFeed` starts both; its `stop` ends them (webhooks are the module's worker).
 */
import type http from 'node:http';
import {
  GraphQLEnumType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { changeStream, FeedDispatcher } from './dispatcher.js';
import { callerScopes, parseCursor, visibleChanges, type FeedEvent } from './read.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { ChangeEntity } from '../../generated/prisma/enums.js';
import { ApiKeyVerifier } from '../../platform/auth/api-keys.js';
import { assertScope, hasScope, type Caller } from '../../platform/auth/caller.js';
import { isScope } from '../../platform/auth/scopes.js';
import type { RunningPlatform } from '../../platform/bootstrap.js';
import { createDatabase } from '../../platform/db/client.js';
import { createPubSub, type PubSub } from '../../platform/pubsub/index.js';

export const FEED_WS_PATH = '/graphql/ws';

interface SubscriptionContext {
  caller: Caller;
}

/** The subscription schema: `changeEvents(types, after)`, each event as in the `changes` query. */
export function feedSubscriptionSchema(
  dispatcher: FeedDispatcher,
  platform: Pick<RunningPlatform, 'prisma'>,
): GraphQLSchema {
  const changeEntity = new GraphQLEnumType({
    name: 'ChangeEntity',
    values: { ENTERPRISE: { value: 'ENTERPRISE' }, LICENCE: { value: 'LICENCE' }, PENALTY: { value: 'PENALTY' } },
  });
  const str = new GraphQLNonNull(GraphQLString);
  const changeEvent = new GraphQLObjectType<FeedEvent, SubscriptionContext>({
    name: 'ChangeEvent',
    description: 'One committed change; the same fields as ChangeEvent in the hub API (refs as plain codes/ids).',
    fields: {
      cursor: { type: str, resolve: (e) => String(e.seq) },
      entityType: { type: new GraphQLNonNull(changeEntity), resolve: (e) => e.entityType },
      entityId: { type: str },
      action: { type: str },
      revision: { type: GraphQLInt },
      occurredAt: { type: str, resolve: (e) => e.occurredAt.toISOString() },
      changes: {
        type: str,
        description: 'JSON object; personal data masked as in the hub API unless the key has enterprise:read-personal',
        resolve: (e, _args, ctx) => JSON.stringify(visibleChanges(e, callerScopes(ctx.caller))),
      },
      departmentCode: { type: GraphQLString },
    },
  });
  return new GraphQLSchema({
    query: new GraphQLObjectType<unknown, SubscriptionContext>({
      name: 'Query',
      fields: {
        head: {
          type: str,
          description: 'The cursor of the newest event this hub process has dispatched.',
          resolve: (_root, _args, ctx) => {
            assertScope(ctx.caller, 'feed:read');
            return String(dispatcher.head);
          },
        },
      },
    }),
    subscription: new GraphQLObjectType<unknown, SubscriptionContext>({
      name: 'Subscription',
      fields: {
        changeEvents: {
          type: new GraphQLNonNull(changeEvent),
          description:
            'Committed changes as they become final. With `after`, first every later event (the backlog), then live ones, without gaps or duplicates: resume with the last cursor received.',
          args: {
            types: { type: new GraphQLList(new GraphQLNonNull(changeEntity)) },
            after: { type: GraphQLString },
          },
          subscribe: (_root, args: { types?: ChangeEntity[] | null; after?: string | null }, ctx) => {
            assertScope(ctx.caller, 'feed:read');
            const after = args.after === undefined || args.after === null ? null : parseCursor(args.after);
            return changeStream(dispatcher, platform.prisma, { after, types: args.types ?? null });
          },
          resolve: (e: unknown) => e,
        },
      },
    }),
  });
}

/**
 * Closes the connections whose key was revoked, whose system was deactivated or lost feed:read
 * (4403), and applies narrowed or widened scopes to the others, with one query for all of them.
 */
async function recheckKeys(
  prisma: PrismaClient,
  connections: Map<object, { context: SubscriptionContext; socket: WebSocket }>,
): Promise<void> {
  const open = [...connections.entries()];
  const keyIds = [...new Set(open.map(([, c]) => (c.context.caller.kind === 'system' ? c.context.caller.keyId : '')))];
  if (keyIds.length === 0) return;
  const rows = new Map(
    (await prisma.apiKey.findMany({ where: { id: { in: keyIds } }, include: { system: true } })).map((k) => [k.id, k]),
  );
  for (const [ctx, c] of open) {
    const caller = c.context.caller;
    const row = caller.kind === 'system' ? rows.get(caller.keyId) : undefined;
    const scopes = row?.system.scopes.filter(isScope) ?? [];
    if (
      caller.kind !== 'system' ||
      !row ||
      row.revokedAt !== null ||
      !row.system.active ||
      !scopes.includes('feed:read')
    ) {
      connections.delete(ctx);
      c.socket.close(4403, 'Forbidden: the API key was revoked or may no longer read the feed');
      continue;
    }
    c.context.caller = { ...caller, scopes };
  }
}

export interface FeedRuntime {
  dispatcher: FeedDispatcher;
  pubsub: PubSub;
  stop(): Promise<void>;
}

/** Serves subscriptions on the hub's HTTP server and starts the dispatcher that feeds them. */
export async function startFeed(platform: RunningPlatform, httpServer: http.Server): Promise<FeedRuntime> {
  const { config, logger } = platform;
  // Background polling and long-lived streams get their own small pool, so they never take
  // connections (or statement counts) from request handling.
  const db = createDatabase(platform.databaseUrl, 3);
  const prisma = db.prisma;
  const pubsub = createPubSub(config.redisUrl, logger);
  const dispatcher = new FeedDispatcher(prisma, pubsub, logger, config.feed.pollMs);
  await dispatcher.ready;
  // Without Redis the response cache is this process's own: change-feed events committed by another
  // process (a CLI command beside the hub) invalidate it as soon as they are polled. With Redis
  // every process's commits replace the shared generation themselves.
  const stopInvalidating =
    platform.cache.kind === 'memory' ? dispatcher.listen(() => void platform.responseCache.bump()) : () => undefined;
  const verifier = new ApiKeyVerifier(prisma, config.feed.keyRecheckMs);
  // Upgrades routed by hand, not with `server:`: ws would re-emit the HTTP server's errors (a port
  // in use) on wss, where graphql-ws prints them as a stack trace.
  const wss = new WebSocketServer({ noServer: true, path: FEED_WS_PATH });
  httpServer.on('upgrade', (req, socket, head) => {
    if (wss.shouldHandle(req)) wss.handleUpgrade(req, socket, head, (s) => wss.emit('connection', s, req));
    else socket.destroy();
  });
  // One context per connection, shared by its subscriptions, so that a re-check that narrows the
  // key's scopes changes what its open streams see at once.
  const connections = new Map<object, { context: SubscriptionContext; socket: WebSocket }>();
  const ws = useServer<Record<string, unknown>>(
    {
      schema: feedSubscriptionSchema(dispatcher, db),
      // Keys are checked at connection_init (`{ authorization: 'Bearer <key>' }`) and again every
      // keyRecheckMs while the connection is open.
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        let caller: Caller;
        try {
          caller = await verifier.verify(typeof authorization === 'string' ? authorization : undefined);
        } catch {
          ctx.extra.socket.close(4401, 'Unauthorized');
          return false;
        }
        if (caller.kind !== 'system') {
          ctx.extra.socket.close(4401, 'Unauthorized: the feed needs an API key (connectionParams.authorization)');
          return false;
        }
        if (!hasScope(caller, 'feed:read')) return false; // 4403 Forbidden
        connections.set(ctx, { context: { caller }, socket: ctx.extra.socket });
        return true;
      },
      onClose: (ctx) => {
        connections.delete(ctx);
      },
      context: (ctx): SubscriptionContext => connections.get(ctx)?.context ?? { caller: { kind: 'public' } },
    },
    wss,
  );
  const recheck = setInterval(() => {
    void recheckKeys(prisma, connections).catch((err: unknown) =>
      logger.warn({ err }, 're-checking the keys of feed subscriptions failed; retrying at the next tick'),
    );
  }, config.feed.keyRecheckMs);
  recheck.unref();

  return {
    dispatcher,
    pubsub,
    async stop() {
      stopInvalidating();
      clearInterval(recheck);
      // Closing the sockets ends every stream before the dispatcher feeding them stops.
      await ws.dispose();
      await dispatcher.stop();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await pubsub.close();
      await db.close();
    },
  };
}
