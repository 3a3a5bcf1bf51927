/**
 * The live change feed on the hub itself: a graphql-ws server at /graphql/ws executing the feed
 * subgraph's own `Subscription.changeEvents` (Apollo Gateway cannot federate subscriptions), fed by
 * the process's live feed. `startFeed` starts both; its `stop` ends them (webhooks are the
 * module's worker).
 */
import type http from 'node:http';
import { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { ApiKeyVerifier } from '../../platform/auth/api-keys.js';
import { hasScope, type Caller } from '../../platform/auth/caller.js';
import { isScope } from '../../platform/auth/scopes.js';
import type { RunningPlatform } from '../../platform/bootstrap.js';
import type { ServerAttachment } from '../../platform/module.js';
import { upgradeClientAddress } from '../../platform/rate-limit/client-address.js';
import type { FeedDispatcher } from './dispatcher.js';
import type { FeedContext } from './context.js';
import { startLiveFeed } from './live.js';
import { feedSubgraph } from './schema.js';

export const FEED_WS_PATH = '/graphql/ws';
/** Largest WebSocket message the feed reads. */
export const WS_MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * Closes the connections whose key was revoked, whose system was deactivated or lost feed:read
 * (4403), and applies narrowed or widened scopes to the others, with one query for all of them.
 */
async function recheckKeys(
  prisma: PrismaClient,
  connections: Map<object, { context: FeedContext; socket: WebSocket }>,
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

/** Serves subscriptions on the hub's HTTP server and starts the live feed that feeds them. */
export async function startFeed(
  platform: RunningPlatform,
  httpServer: http.Server,
): Promise<ServerAttachment & { dispatcher: FeedDispatcher }> {
  const { config, logger } = platform;
  const host = await startLiveFeed(platform);
  const prisma = host.live.prisma;
  // Without Redis the response cache is this process's own: change-feed events committed by another
  // process (a CLI command beside the hub) invalidate it as soon as they are polled. With Redis
  // every process's commits replace the shared generation themselves.
  const stopInvalidating =
    platform.cache.kind === 'memory'
      ? host.live.dispatcher.listen(() => void platform.responseCache.bump())
      : () => undefined;
  const verifier = new ApiKeyVerifier(prisma, config.feed.keyRecheckMs);
  // Upgrades routed by hand, not with `server:`: ws would re-emit the HTTP server's errors (a port
  // in use) on wss, where graphql-ws prints them as a stack trace.
  // Messages are a subscribe with its document at most: 64 KiB (ws would read 100 MiB by default).
  const wss = new WebSocketServer({ noServer: true, path: FEED_WS_PATH, maxPayload: WS_MAX_MESSAGE_BYTES });
  // Open connections per client address: an upgrade needs no key until connection_init, so
  // without a bound one address could hold any number of sockets.
  const perAddress = new Map<string, number>();
  httpServer.on('upgrade', (req, socket, head) => {
    if (!wss.shouldHandle(req)) {
      socket.destroy();
      return;
    }
    const address = upgradeClientAddress(req, config.trustProxy);
    if ((perAddress.get(address) ?? 0) >= config.feed.wsMaxConnectionsPerAddress) {
      socket.end(
        'HTTP/1.1 429 Too Many Requests\r\nRetry-After: 60\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n' +
          JSON.stringify({
            error: {
              code: 'RATE_LIMITED',
              message: `At most ${config.feed.wsMaxConnectionsPerAddress} feed connections per address are open at once; close one first`,
            },
          }),
      );
      return;
    }
    perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
    const release = () => {
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    };
    socket.once('close', release);
    wss.handleUpgrade(req, socket, head, (s) => wss.emit('connection', s, req));
  });
  // One context per connection, shared by its subscriptions, so that a re-check that narrows the
  // key's scopes changes what its open streams see at once.
  const connections = new Map<object, { context: FeedContext; socket: WebSocket }>();
  const ws = useServer<Record<string, unknown>>(
    {
      schema: feedSubgraph.schema,
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
        connections.set(ctx, { context: host.context({ ...platform, caller }), socket: ctx.extra.socket });
        return true;
      },
      onSubscribe: (ctx, id) => {
        // graphql-ws has already registered this one (as null) in ctx.subscriptions: count the others.
        const open = Object.keys(ctx.subscriptions).filter((other) => other !== id).length;
        if (open >= config.feed.wsMaxSubscriptionsPerConnection)
          return [
            new GraphQLError(
              `At most ${config.feed.wsMaxSubscriptionsPerConnection} subscriptions are open at once on one connection; complete one first (subscription ${id} refused)`,
              { extensions: { code: 'RATE_LIMITED' } },
            ),
          ];
        return undefined;
      },
      onClose: (ctx) => {
        connections.delete(ctx);
      },
      context: (ctx): FeedContext =>
        connections.get(ctx)?.context ?? host.context({ ...platform, caller: { kind: 'public' } }),
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
    dispatcher: host.live.dispatcher,
    async stop() {
      stopInvalidating();
      clearInterval(recheck);
      // Closing the sockets ends every stream before the dispatcher feeding them stops.
      await ws.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await host.stop();
    },
  };
}
