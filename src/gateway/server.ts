/**
 * The hub's HTTP server: Apollo Server with ApolloGateway over the composed supergraph, GraphiQL,
 * health and readiness probes. Subgraphs run in this process unless SUBGRAPH_URLS names them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express, type Request } from 'express';
import { GraphQLError } from 'graphql';
import type { SubgraphName } from '../config/index.js';
import { ApiKeyVerifier } from '../platform/auth/api-keys.js';
import type { RunningPlatform } from '../platform/bootstrap.js';
import { graphiqlAssets, graphiqlPage } from '../web/graphiql.js';
import { qrRoutes } from '../modules/licences/pages/routes.js';
import { approvalsRoutes } from '../modules/approvals/pages/routes.js';
import { ingestRoutes } from '../modules/ingestion/routes.js';
import { startFeed } from '../modules/feed/ws.js';
import { PUBLIC_CALLER } from '../platform/auth/caller.js';
import { composeSupergraph } from './compose.js';
import { createGatewayContext, type GatewayContext } from './context.js';
import { InProcessDataSource, SignedRemoteDataSource } from './datasources.js';
import { depthLimit } from './depth-limit.js';
import { subgraphs } from './subgraphs.js';

export interface HubServer {
  app: Express;
  httpServer: http.Server;
  /** Listens on the given port (0 = any free port) and returns the base URL. */
  listen(port: number, host: string): Promise<string>;
  stop(): Promise<void>;
}

/** Whether a GET on /graphql comes from a browser that wants the IDE rather than a result. */
function wantsGraphiQL(req: Request): boolean {
  return req.method === 'GET' && !req.query.query && (req.headers.accept ?? '').includes('text/html');
}

function withStatus(err: unknown): GraphQLError {
  if (err instanceof GraphQLError) {
    const code = err.extensions.code;
    const status = code === 'UNAUTHENTICATED' ? 401 : code === 'FORBIDDEN' ? 403 : 500;
    return new GraphQLError(err.message, { extensions: { ...err.extensions, http: { status } } });
  }
  return new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

export async function createHubServer(platform: RunningPlatform): Promise<HubServer> {
  const { config, logger } = platform;
  const modules = Object.values(subgraphs);
  const { supergraphSdl } = composeSupergraph(modules);
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => {
      const url = config.subgraphUrls[name as SubgraphName];
      if (url && config.internalSecret) return new SignedRemoteDataSource(url, config.internalSecret);
      return new InProcessDataSource(subgraphs[name as SubgraphName]);
    },
  });

  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // The hub's own signal handler stops everything in order; Apollo's would race it.
    stopOnTerminationSignals: false,
    validationRules: [depthLimit(config.maxDepth)],
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled()],
    formatError: (formatted, error) => {
      if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') {
        logger.error({ err: error }, 'unexpected error while executing an operation');
      }
      return formatted;
    },
  });
  await apollo.start();
  // Subscriptions (graphql-ws at /graphql/ws), feed dispatch and webhook delivery.
  const feed = await startFeed(platform, httpServer);
  const verifier = new ApiKeyVerifier(platform.prisma);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, boolean> = {};
    try {
      await platform.prisma.$queryRaw`SELECT 1`;
      checks.database = true;
    } catch {
      checks.database = false;
    }
    if (platform.cache.kind === 'redis') checks.redis = await platform.cache.ping();
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  app.use(graphiqlAssets());
  app.use(qrRoutes(platform, apollo, () => createGatewayContext(platform, PUBLIC_CALLER)));
  app.use(approvalsRoutes(platform, apollo, () => createGatewayContext(platform, PUBLIC_CALLER)));
  app.use(ingestRoutes(platform, verifier));
  app.get('/graphql', (req, res, next) => {
    if (wantsGraphiQL(req)) res.type('html').send(graphiqlPage('/graphql'));
    else next();
  });
  app.use(
    '/graphql',
    express.json({ limit: '2mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        try {
          return createGatewayContext(platform, await verifier.verify(req.headers.authorization));
        } catch (err) {
          throw withStatus(err);
        }
      },
    }),
  );

  return {
    app,
    httpServer,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const addr = httpServer.address() as AddressInfo;
          resolve(`http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`);
        });
      }),
    async stop() {
      await feed.stop();
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((r) => httpServer.close(() => r()));
    },
  };
}
