/**
 * The hub's HTTP server: Apollo Server with ApolloGateway over the composed supergraph, GraphiQL,
 * health and readiness probes. Subgraphs run in this process unless SUBGRAPH_URLS names them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express, type Request } from 'express';
import { GraphQLError, OperationTypeNode, type GraphQLFormattedError } from 'graphql';
import type { SubgraphName } from '../config/index.js';
import { ApiKeyVerifier } from '../platform/auth/api-keys.js';
import type { RunningPlatform } from '../platform/bootstrap.js';
import type { Logger } from '../platform/logger.js';
import { graphiqlAssets, graphiqlPage } from '../web/graphiql.js';
import { jsonErrors, jsonNotFound } from '../web/http-errors.js';
import type { RouteHost, ServerAttachment, Worker } from '../platform/module.js';
import { PUBLIC_CALLER } from '../platform/auth/caller.js';
import { RateLimits } from '../platform/rate-limit/index.js';
import { admission } from '../platform/rate-limit/admission.js';
import { composeSupergraph } from './compose.js';
import { callerOfRequest, createGatewayContext, forwardedHeadersOf, type GatewayContext } from './context.js';
import { GatewayRemoteDataSource, InProcessDataSource } from './datasources.js';
import { codeTokenLimit, legacyJsonStatusPlugin, limitCodeOf, queryLimitRules } from './query-limits.js';
import { modules, subgraphs } from './subgraphs.js';
import { FEED_WS_PATH } from '../modules/feed/index.js';

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

// Topology a client has no use for and an attacker would: which subgraph failed, its URL and raw answer.
const INTERNAL_EXTENSIONS = new Set(['serviceName', 'response', 'exception', 'stacktrace']);

/** The last word on what a client sees of an error: precise codes kept, anything unexpected masked and logged. */
function forClient(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const limited = codeTokenLimit(formatted);
  if (limited !== formatted) return limited;
  const limitCode = limitCodeOf(error);
  if (limitCode) return { ...formatted, extensions: { ...formatted.extensions, code: limitCode } };
  const code = formatted.extensions?.code;
  if (code === undefined || code === 'INTERNAL_SERVER_ERROR' || code === 'DOWNSTREAM_SERVICE_ERROR') {
    logger.error({ err: error }, 'unexpected error while executing an operation');
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  }
  const extensions = Object.fromEntries(
    Object.entries(formatted.extensions ?? {}).filter(([k]) => !INTERNAL_EXTENSIONS.has(k)),
  );
  return { ...formatted, extensions };
}

/**
 * `changeEvents` is in the supergraph, but Apollo Gateway cannot execute subscriptions: over
 * /graphql one is refused with a pointer to where it is served.
 */
const refuseSubscriptionsPlugin: ApolloServerPlugin<GatewayContext> = {
  requestDidStart: () =>
    Promise.resolve({
      didResolveOperation: ({ operation }) => {
        if (operation?.operation !== OperationTypeNode.SUBSCRIPTION) return Promise.resolve();
        throw new GraphQLError(`Subscriptions are served over graphql-ws at ${FEED_WS_PATH}`, {
          extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
        });
      },
    }),
};

export async function createHubServer(platform: RunningPlatform): Promise<HubServer> {
  const { config, logger } = platform;
  const { supergraphSdl } = composeSupergraph(Object.values(subgraphs));
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => {
      const url = config.subgraphUrls[name as SubgraphName];
      if (url && config.subgraphSharedSecret) return new GatewayRemoteDataSource(url, config.subgraphSharedSecret);
      return new InProcessDataSource(subgraphs[name as SubgraphName], logger);
    },
  });

  const app = express();
  app.disable('x-powered-by');
  // Client addresses (rate limits) come from X-Forwarded-For only through this many known proxies.
  app.set('trust proxy', config.trustProxy);
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: config.introspection,
    // Off with introspection: "Did you mean …" would otherwise spell the schema out field by field.
    hideSchemaDetailsFromClientErrors: !config.introspection,
    includeStacktraceInErrorResponses: false,
    // The hub's own signal handler stops everything in order; Apollo's would race it.
    stopOnTerminationSignals: false,
    // graphql-js stops lexing past the limit, before any document is built.
    parseOptions: { maxTokens: config.queryLimits.maxTokens },
    validationRules: queryLimitRules(config.queryLimits),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      legacyJsonStatusPlugin<GatewayContext>(),
      refuseSubscriptionsPlugin,
    ],
    formatError: (formatted, error) => forClient(formatted, error, logger),
  });
  await apollo.start();
  const verifier = new ApiKeyVerifier(platform.prisma);
  const limits = await RateLimits.start(config, logger);
  const admit = admission(limits, verifier);
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
  const host: RouteHost = {
    platform,
    apollo,
    verifier,
    publicContext: () => createGatewayContext(platform, PUBLIC_CALLER),
  };
  // Ingestion accepts API keys too: the same quotas and failed-authentication throttle apply.
  app.use('/ingest', admit.middleware);
  for (const m of Object.values(modules)) if (m.routes) app.use(m.routes(host));
  app.get('/graphql', (req, res, next) => {
    if (wantsGraphiQL(req)) res.type('html').send(graphiqlPage('/graphql'));
    else next();
  });
  app.use(
    '/graphql',
    admit.middleware,
    express.json({ limit: config.graphqlMaxBodyBytes }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        try {
          const caller = await callerOfRequest(platform, req, (r) => admit.callerOf(r));
          return createGatewayContext(platform, caller, forwardedHeadersOf(req, caller));
        } catch (err) {
          throw withStatus(err);
        }
      },
    }),
  );
  app.use(jsonNotFound());
  app.use(jsonErrors(logger));

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
      await limits.stop();
      if (httpServer.listening) await new Promise<void>((r) => httpServer.close(() => r()));
    },
  };
}
