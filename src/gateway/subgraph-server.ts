/**
 * Serves one subgraph alone (`hub subgraph <name>`) for a distributed deployment. It answers
 * only calls signed by the gateway (x-hub-caller), so the subgraph cannot be used to bypass
 * the gateway's authentication.
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
import express from 'express';
import { GraphQLError } from 'graphql';
import { INTERNAL_HEADER, verifyCaller } from '../platform/auth/internal-token.js';
import type { RunningPlatform } from '../platform/bootstrap.js';
import type { BaseContext, SubgraphModule } from '../platform/context.js';
import { jsonErrors, jsonNotFound } from '../web/http-errors.js';
import { formatSubgraphError } from './datasources.js';
import { queryLimitRules } from './query-limits.js';
import { requestSpans, startMetricsServer } from './observability.js';

export async function serveSubgraph(
  platform: RunningPlatform,
  module: SubgraphModule,
  port: number,
  host: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const secret = platform.config.internalSecret;
  if (!secret)
    throw new Error('HUB_INTERNAL_SECRET must be set to serve a subgraph on its own (the gateway signs calls with it)');
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
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', subgraph: module.name });
  });
  const spans = requestSpans();
  app.use(
    '/graphql',
    spans.start,
    express.json({ limit: '2mb' }),
    spans.enter,
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        try {
          const caller = await verifyCaller(req.header(INTERNAL_HEADER), secret);
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
      await metricsServer?.stop();
      await apollo.stop();
    },
  };
}
