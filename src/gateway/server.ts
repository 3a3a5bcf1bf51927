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
import type { RouteHost, ServerAttachment, Worker } from '../platform/module.js';
import { PUBLIC_CALLER } from '../platform/auth/caller.js';
import { composeSupergraph } from './compose.js';
import { createGatewayContext, type GatewayContext } from './context.js';
import { InProcessDataSource, SignedRemoteDataSource } from './datasources.js';
import { depthLimit } from './depth-limit.js';
import { modules, subgraphs } from './subgraphs.js';
import { sessionCallerOf } from '../modules/hall/index.js';

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
  const { supergraphSdl } = composeSupergraph(Object.values(subgraphs));
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
  const verifier = new ApiKeyVerifier(platform.prisma);
  // Every module's server attachments (graphql-ws at /graphql/ws) and background workers start
  // here and nowhere else, and stop in reverse order.
  const attachments: ServerAttachment[] = [];
  for (const m of Object.values(modules)) if (m.attach) attachments.push(await m.attach(platform, httpServer));
  const workers: Worker[] = Object.values(modules).flatMap((m) => m.workers?.(platform) ?? []);
  if (workers.length > 0) logger.info({ workers: workers.map((w) => w.name) }, 'workers started');

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
  const host: RouteHost = { platform, apollo, verifier, publicContext: () => createGatewayContext(platform, PUBLIC_CALLER) };
  for (const m of Object.values(modules)) if (m.routes) app.use(m.routes(host));
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
          // A key names a department system; without one, an online hall session cookie names an applicant.
          const applicant = req.headers.authorization ? null : await sessionCallerOf(platform, req);
          return createGatewayContext(platform, applicant ?? (await verifier.verify(req.headers.authorization)));
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
      for (const w of workers.reverse()) await w.stop();
      for (const a of attachments.reverse()) await a.stop();
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((r) => httpServer.close(() => r()));
    },
  };
}
