/**
 * The hub's HTTP server: Apollo Server with ApolloGateway over the composed supergraph, GraphiQL,
 * health and readiness probes. Subgraphs run in this process unless SUBGRAPH_URLS names them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, HeaderMap, type ApolloServerPlugin, type HTTPGraphQLResponse } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import express, { type Express, type Request, type Response } from 'express';
import { GraphQLError, OperationTypeNode, type GraphQLFormattedError } from 'graphql';
import { disableVendorTelemetry, type SubgraphName } from '../config/index.js';
import { ApiKeyVerifier } from '../platform/auth/api-keys.js';
import type { RunningPlatform } from '../platform/bootstrap.js';
import type { Logger } from '../platform/logger.js';
import { isConnectionLoss, serviceUnavailable } from '../platform/errors.js';
import { graphiqlAssets, graphiqlPage } from '../web/graphiql.js';
import { jsonErrors, jsonNotFound } from '../web/http-errors.js';
import type { RouteHost, ServerAttachment, Worker } from '../platform/module.js';
import { PUBLIC_CALLER, PURPOSE_HEADER, type Caller } from '../platform/auth/caller.js';
import { RateLimits } from '../platform/rate-limit/index.js';
import { readyzHandler } from '../platform/readiness.js';
import { admission } from '../platform/rate-limit/admission.js';
import { clientAddress } from '../platform/rate-limit/client-address.js';
import { composeSupergraph } from './compose.js';
import { DirectPathGateway } from './direct.js';
import { callerOfRequest, createGatewayContext, forwardedHeadersOf, type GatewayContext } from './context.js';
import { GatewayRemoteDataSource, InProcessDataSource, probeSubgraphs } from './datasources.js';
import { codeTokenLimit, legacyJsonStatusPlugin, limitCodeOf, queryLimitRules } from './query-limits.js';
import { modules, subgraphs } from './subgraphs.js';
import {
  audienceOf,
  cacheableBody,
  cacheableOperationName,
  isCacheableDocument,
  responseCacheKey,
} from './response-cache.js';
import {
  metricsRoute,
  ObservedDataSource,
  operationMetricsPlugin,
  requestSpans,
  startMetricsServer,
} from './observability.js';
import { FEED_WS_PATH } from '../modules/feed/index.js';

export interface HubServer {
  app: Express;
  httpServer: http.Server;
  /** Listens on the given port (0 = any free port) and returns the base URL; also opens METRICS_PORT if set. */
  listen(port: number, host: string): Promise<string>;
  /** The metrics-only endpoint on METRICS_PORT, once listening. */
  metricsUrl(): string | undefined;
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
  // The key or session lookup lost its database connection: the caller may simply send again.
  if (isConnectionLoss(err)) {
    const retry = serviceUnavailable();
    return new GraphQLError(retry.message, { extensions: { ...retry.extensions, http: { status: 503 } } });
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

/** Says whether an answer came from the response cache ("hit") or was computed and may be kept ("miss"). */
export const CACHE_HEADER = 'x-hub-cache';

/** Runs one HTTP GraphQL request through Apollo Server (what expressMiddleware does, minus the writing). */
async function executeHttp(
  apollo: ApolloServer<GatewayContext>,
  req: Request,
  context: () => Promise<GatewayContext>,
): Promise<HTTPGraphQLResponse> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const q = req.originalUrl.indexOf('?');
  return apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: {
      method: req.method.toUpperCase(),
      headers,
      search: q >= 0 ? req.originalUrl.slice(q) : '',
      body: req.body,
    },
    context,
  });
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
  disableVendorTelemetry();
  // A subgraph runs in this process unless SUBGRAPH_URLS names it (with the shared secret).
  const inProcess = (name: string) =>
    config.subgraphUrls[name as SubgraphName] && config.subgraphSharedSecret
      ? undefined
      : subgraphs[name as SubgraphName];
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => {
      const module = inProcess(name);
      const source = module
        ? new InProcessDataSource(module, logger)
        : new GatewayRemoteDataSource(config.subgraphUrls[name as SubgraphName]!, config.subgraphSharedSecret!, name);
      return new ObservedDataSource(name, source, platform.metrics);
    },
  });

  const app = express();
  app.disable('x-powered-by');
  // No ETag computed over every answer (a hash of each GraphQL body): API answers are POSTs, and
  // pages say no-store. Static assets keep theirs (express.static sets its own).
  app.set('etag', false);
  // Client addresses (rate limits) come from X-Forwarded-For only through this many known proxies.
  app.set('trust proxy', config.trustProxy);
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<GatewayContext>({
    // Single-fetch queries on an in-process subgraph skip the gateway's plan execution.
    gateway: new DirectPathGateway(gateway, { supergraphSdl, inProcess, metrics: platform.metrics, logger }),
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
      operationMetricsPlugin<GatewayContext>(platform.metrics),
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
  for (const m of Object.values(modules)) m.metrics?.(platform);
  if (workers.length > 0) logger.info({ workers: workers.map((w) => w.name) }, 'workers started');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Distributed mode: one check per remote subgraph, so a failed probe names the one that is down.
  app.get(
    '/readyz',
    readyzHandler(platform, async () => {
      const up = await probeSubgraphs(config.subgraphUrls);
      return Object.fromEntries(Object.entries(up).map(([name, ok]) => [`subgraph:${name}`, ok]));
    }),
  );
  app.get(
    '/metrics',
    admit.middleware,
    metricsRoute(platform.metrics, (req) => admit.callerOf(req)),
  );
  app.get('/graphql', (req, res, next) => {
    if (wantsGraphiQL(req)) res.type('html').send(graphiqlPage('/graphql'));
    else next();
  });
  // Who calls: a key names a department system; without one, an online hall session cookie names an applicant.
  const callerOf = (req: Request): Promise<Caller> => callerOfRequest(platform, req, (r) => admit.callerOf(r));
  const { responseCache } = platform;
  // Tokens signed by keys this process no longer accepts must not be answered from the cache.
  const qrKeyIds = [...platform.qr.verifying.keys()].sort().join(',');
  const spans = requestSpans();
  app.use(
    '/graphql',
    spans.start,
    admit.middleware,
    express.json({ limit: config.graphqlMaxBodyBytes }),
    spans.enter,
    async (req: Request, res: Response) => {
      const started = performance.now();
      let caller: Caller | undefined;
      let callerError: unknown;
      try {
        caller = await callerOf(req);
      } catch (err) {
        callerError = err;
      }
      // A hot public or scoped read may be answered from the response cache (see response-cache.ts).
      let cacheKey: string | null = null;
      let generation: string | null = null;
      const body = req.method === 'POST' && responseCache.enabled ? cacheableBody(req.body) : null;
      const audience = caller && body && req.header(PURPOSE_HEADER) === undefined ? audienceOf(caller) : null;
      if (body && audience && isCacheableDocument(body.query, body.operationName)) {
        cacheKey = responseCacheKey(body, audience, req.header('accept') ?? '', qrKeyIds);
        const found = await responseCache.lookup(cacheKey);
        // Stored as "<content type>\n<body>": the type the first asker negotiated goes with the body.
        const split = found.body?.indexOf('\n') ?? -1;
        if (found.body && split > 0) {
          res.status(200).set({ 'content-type': found.body.slice(0, split), [CACHE_HEADER]: 'hit' });
          res.send(found.body.slice(split + 1));
          // Answered without Apollo: counted here as its operation metrics plugin would have.
          const name = platform.metrics.operationLabel(cacheableOperationName(body.query, body.operationName));
          platform.metrics.operations.observe({ operation: name, type: 'query' }, (performance.now() - started) / 1000);
          return;
        }
        generation = found.generation;
      }
      const response = await executeHttp(apollo, req, () =>
        caller
          ? Promise.resolve(createGatewayContext(platform, caller, forwardedHeadersOf(req, caller)))
          : Promise.reject(withStatus(callerError)),
      );
      for (const [k, v] of response.headers) res.setHeader(k, v);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        const text = response.body.string;
        if (cacheKey) res.setHeader(CACHE_HEADER, 'miss');
        res.send(text);
        // Only clean answers are kept: an error may be about this request alone (a limit, a timeout).
        const type = res.getHeader('content-type');
        if (
          cacheKey &&
          generation &&
          res.statusCode === 200 &&
          typeof type === 'string' &&
          !text.includes('"errors"')
        ) {
          await responseCache.store(cacheKey, generation, `${type}\n${text}`);
        }
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    },
  );
  // Pages, assets and ingestion after /graphql: every API request would otherwise be matched
  // against each of their routes first.
  app.use(graphiqlAssets());
  const host: RouteHost = {
    platform,
    apollo,
    verifier,
    publicContext: () => createGatewayContext(platform, PUBLIC_CALLER),
    publicQuota: (req) => limits.public(clientAddress(req)),
  };
  // Ingestion accepts API keys too: the same quotas and failed-authentication throttle apply.
  app.use('/ingest', admit.middleware);
  for (const m of Object.values(modules)) if (m.routes) app.use(m.routes(host));
  app.use(jsonNotFound());
  app.use(jsonErrors(logger));

  let metricsServer: { url: string; stop(): Promise<void> } | undefined;
  return {
    app,
    httpServer,
    async listen(port, host) {
      const url = await new Promise<string>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const addr = httpServer.address() as AddressInfo;
          resolve(`http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`);
        });
      });
      if (config.metrics.port !== undefined) {
        metricsServer = await startMetricsServer(platform.metrics, config.metrics.port, config.metrics.host);
      }
      return url;
    },
    metricsUrl: () => metricsServer?.url,
    async stop() {
      await metricsServer?.stop();
      for (const w of workers.reverse()) await w.stop();
      for (const a of attachments.reverse()) await a.stop();
      await apollo.stop();
      await limits.stop();
      if (httpServer.listening) await new Promise<void>((r) => httpServer.close(() => r()));
    },
  };
}
