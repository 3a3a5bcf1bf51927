/**
 * Serves one subgraph alone (`hub subgraph <name>`) for a distributed deployment. It answers
 * only calls signed by the gateway (x-hub-caller), so the subgraph cannot be used to bypass
 * the gateway's authentication.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError } from 'graphql';
import { INTERNAL_HEADER, verifyCaller } from '../platform/auth/internal-token.js';
import type { RunningPlatform } from '../platform/bootstrap.js';
import type { BaseContext, SubgraphModule } from '../platform/context.js';

export async function serveSubgraph(
  platform: RunningPlatform,
  module: SubgraphModule,
  port: number,
  host: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const secret = platform.config.internalSecret;
  if (!secret) throw new Error('HUB_INTERNAL_SECRET must be set to serve a subgraph on its own (the gateway signs calls with it)');
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<BaseContext>({
    schema: module.schema,
    includeStacktraceInErrorResponses: false,
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
  app.use(
    '/graphql',
    express.json({ limit: '2mb' }),
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
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const addr = httpServer.address() as AddressInfo;
  return {
    url: `http://${host}:${addr.port}/graphql`,
    async stop() {
      await apollo.stop();
    },
  };
}
