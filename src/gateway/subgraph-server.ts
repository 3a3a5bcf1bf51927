/**
 * Serves one subgraph alone (`hub subgraph <name>`) for a distributed deployment, behind any
 * federation gateway. It answers only calls that carry the shared gateway secret
 * (x-hub-gateway-secret), so it cannot be used to bypass a gateway, and it authenticates the
 * forwarded caller itself (Authorization or the hall cookie) with the gateway's own key check.
 * Subscriptions (the feed's `changeEvents`) are served over server-sent events, GraphQL over SSE
 * in its "distinct connections" mode, which Hive Gateway's HTTP transport speaks.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Request, type Response } from 'express';
import {
  getOperationAST,
  GraphQLError,
  OperationTypeNode,
  parse,
  subscribe,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
} from 'graphql';
import { z } from 'zod';
import { ApiKeyVerifier } from '../platform/auth/api-keys.js';
import type { Caller } from '../platform/auth/caller.js';
import { GATEWAY_SECRET_HEADER, isGatewaySecret } from '../platform/auth/gateway-proof.js';
import type { RunningPlatform } from '../platform/bootstrap.js';
import { readyzHandler } from '../platform/readiness.js';
import type { BaseContext, SubgraphModule } from '../platform/context.js';
import type { Logger } from '../platform/logger.js';
import type { SubscriptionHost } from '../platform/module.js';
import { jsonErrors, jsonNotFound } from '../web/http-errors.js';
import { callerOfRequest } from './context.js';
import { formatSubgraphError } from './datasources.js';
import { requestSpans, startMetricsServer } from './observability.js';
import { queryLimitRules, type QueryLimits } from './query-limits.js';
import { modules } from './subgraphs.js';

const unauthorized = (res: Response, message: string) =>
  res.status(401).json({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });

const SseParams = z.object({
  query: z.string(),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

/** GET carries the parameters in the query string (variables as JSON), POST in a JSON body. */
function sseParams(req: Request): z.infer<typeof SseParams> | null {
  if (req.method === 'POST') return SseParams.safeParse(req.body).data ?? null;
  const q = req.query;
  let variables: unknown = undefined;
  if (typeof q.variables === 'string' && q.variables) {
    try {
      variables = JSON.parse(q.variables);
    } catch {
      return null;
    }
  }
  return SseParams.safeParse({ query: q.query, variables, operationName: q.operationName }).data ?? null;
}

interface OpenStream {
  end(): Promise<void>;
}

/**
 * Answers a subscription with an event stream: `event: next` per result, `event: complete` at
 * the end. The caller's key is checked again every `recheckMs`; a revoked key (or one that lost
 * what the host requires) ends the stream with UNAUTHENTICATED, narrowed scopes apply at once.
 */
async function serveSse(
  req: Request,
  res: Response,
  opts: {
    module: SubgraphModule;
    host: SubscriptionHost;
    context: BaseContext;
    limits: QueryLimits;
    logger: Logger;
    recheck: { verifier: ApiKeyVerifier; everyMs: number };
    open: Set<OpenStream>;
  },
): Promise<void> {
  const params = sseParams(req);
  if (!params) {
    res.status(400).json({
      errors: [{ message: 'Expected query, variables and operationName', extensions: { code: 'BAD_REQUEST' } }],
    });
    return;
  }
  let document: DocumentNode;
  try {
    document = parse(params.query, { maxTokens: opts.limits.maxTokens });
  } catch (e) {
    const message = e instanceof Error ? e.message : 'Syntax error';
    res.status(400).json({ errors: [{ message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
    return;
  }
  const invalid = validate(opts.module.schema, document, queryLimitRules(opts.limits));
  if (invalid.length > 0) {
    res.status(400).json({
      errors: invalid.map((e) => ({ message: e.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })),
    });
    return;
  }
  if (getOperationAST(document, params.operationName)?.operation !== OperationTypeNode.SUBSCRIPTION) {
    res.status(400).json({
      errors: [{ message: 'Only subscriptions are served as event streams', extensions: { code: 'BAD_REQUEST' } }],
    });
    return;
  }
  const format = (r: ExecutionResult) => ({
    ...(r.data !== undefined ? { data: r.data } : {}),
    ...(r.errors ? { errors: r.errors.map((e): GraphQLFormattedError => formatSubgraphError(e, opts.logger)) } : {}),
  });
  const result = await subscribe({
    schema: opts.module.schema,
    document,
    variableValues: params.variables ?? undefined,
    operationName: params.operationName ?? undefined,
    contextValue: opts.context,
  });
  if (!(Symbol.asyncIterator in result)) {
    res.status(200).json(format(result));
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.flushHeaders();
  const send = (event: 'next' | 'complete', data: unknown) =>
    res.write(`event: ${event}\ndata: ${data === undefined ? '' : JSON.stringify(data)}\n\n`);
  let done = false;
  const stream: OpenStream = {
    async end() {
      if (done) return;
      done = true;
      await result.return?.();
    },
  };
  opts.open.add(stream);
  const keepAlive = setInterval(() => res.write(':\n\n'), 15_000);
  const recheck = setInterval(() => {
    void recheckCaller(opts.context, req.headers.authorization, opts.recheck.verifier, opts.host).then((ok) => {
      if (ok || done) return;
      send('next', {
        errors: [
          { message: 'The API key was revoked or may no longer subscribe', extensions: { code: 'UNAUTHENTICATED' } },
        ],
      });
      void stream.end();
    });
  }, opts.recheck.everyMs);
  req.on('close', () => void stream.end());
  try {
    for await (const r of result) {
      if (done) break;
      send('next', format(r));
    }
  } catch (err) {
    opts.logger.warn({ err }, 'a subscription stream failed');
  } finally {
    clearInterval(keepAlive);
    clearInterval(recheck);
    opts.open.delete(stream);
    if (!res.writableEnded) {
      send('complete', undefined);
      res.end();
    }
  }
}

/** Re-verifies a streaming system's key: false when revoked or no longer allowed; narrowed scopes apply in place. */
async function recheckCaller(
  context: BaseContext,
  authorization: string | undefined,
  verifier: ApiKeyVerifier,
  host: SubscriptionHost,
): Promise<boolean> {
  const current = context.caller;
  if (current.kind !== 'system') return true;
  let fresh: Caller;
  try {
    fresh = await verifier.verify(authorization);
  } catch {
    return false;
  }
  if (fresh.kind !== 'system') return false;
  context.caller = { ...current, scopes: fresh.scopes };
  return host.allows?.(context.caller) ?? true;
}

export async function serveSubgraph(
  platform: RunningPlatform,
  module: SubgraphModule,
  port: number,
  host: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const secret = platform.config.subgraphSharedSecret;
  if (!secret) {
    throw new Error(
      'SUBGRAPH_SHARED_SECRET must be set to serve a subgraph on its own (gateways prove themselves with it)',
    );
  }
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const { queryLimits, introspection } = platform.config;
  // The gateway refused anything over the limits already; the query planner's subgraph fetches
  // add an `_entities { ... on T }` level or two and may alias fields, hence the headroom.
  const subgraphLimits = {
    maxDepth: queryLimits.maxDepth + 3,
    maxAliases: queryLimits.maxAliases * 2 + 10,
    maxDirectives: queryLimits.maxDirectives * 2,
    maxTokens: queryLimits.maxTokens * 4,
    maxCost: queryLimits.maxCost * 4,
  };
  const apollo = new ApolloServer<BaseContext>({
    schema: module.schema,
    introspection,
    hideSchemaDetailsFromClientErrors: !introspection,
    parseOptions: { maxTokens: subgraphLimits.maxTokens },
    validationRules: queryLimitRules(subgraphLimits),
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => {
      if (!(error instanceof GraphQLError)) return formatted;
      const own = formatSubgraphError(error, platform.logger);
      return { ...formatted, message: own.message, extensions: { ...formatted.extensions, ...own.extensions } };
    },
    // The hub's own signal handler stops everything in order; Apollo's would race it.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
    ],
    logger: platform.logger,
  });
  await apollo.start();
  // The same key check as the gateway's: verified keys remembered for 10 s, so a revoked key
  // stops working within the same bound here as there.
  const verifier = new ApiKeyVerifier(platform.prisma);
  const subscriptions = await modules[module.name].subscriptions?.(platform);
  const streamRecheck = {
    verifier: new ApiKeyVerifier(platform.prisma, platform.config.feed.keyRecheckMs),
    everyMs: platform.config.feed.keyRecheckMs,
  };
  const openStreams = new Set<OpenStream>();
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', subgraph: module.name });
  });
  app.get('/readyz', readyzHandler(platform));
  const spans = requestSpans();
  app.use('/graphql', spans.start);
  app.use('/graphql', (req, res, next) => {
    if (isGatewaySecret(req.header(GATEWAY_SECRET_HEADER), secret)) next();
    else unauthorized(res, `Subgraphs only answer calls that come through a gateway (header ${GATEWAY_SECRET_HEADER})`);
  });
  app.use('/graphql', express.json({ limit: '2mb' }));
  const live = subscriptions;
  if (live) {
    app.use('/graphql', (req, res, next) => {
      if (!(req.headers.accept ?? '').includes('text/event-stream')) {
        next();
        return;
      }
      callerOfRequest(platform, req, (r) => verifier.verify(r.headers.authorization))
        .then(
          (caller) =>
            serveSse(req, res, {
              module,
              host: live,
              context: live.context(module.createContext({ ...platform, caller })),
              limits: subgraphLimits,
              logger: platform.logger,
              recheck: streamRecheck,
              open: openStreams,
            }),
          (err: unknown) => {
            unauthorized(res, err instanceof Error ? err.message : 'unauthenticated');
          },
        )
        .catch(next);
    });
  }
  app.use(
    '/graphql',
    spans.enter,
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        try {
          const caller = await callerOfRequest(platform, req, (r) => verifier.verify(r.headers.authorization));
          return module.createContext({ ...platform, caller });
        } catch (err) {
          const message = err instanceof Error ? err.message : 'unauthenticated';
          throw new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        }
      },
    }),
  );
  app.use(jsonNotFound());
  app.use(jsonErrors(platform.logger));
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const addr = httpServer.address() as AddressInfo;
  const { metrics } = platform.config;
  const metricsServer =
    metrics.port === undefined ? undefined : await startMetricsServer(platform.metrics, metrics.port, metrics.host);
  return {
    url: `http://${host}:${addr.port}/graphql`,
    async stop() {
      // Open event streams end first (each gets its `complete`), then the server drains.
      await Promise.all([...openStreams].map((s) => s.end()));
      await metricsServer?.stop();
      await apollo.stop();
      await subscriptions?.stop();
    },
  };
}
