/**
 * Hive Gateway (npm @graphql-hive/gateway) in front of the hub's remote subgraphs
 * (`hub subgraph <name>`), by configuration only:
 *
 *   npx hub supergraph --urls subjects=http://subjects:4001/graphql,... > supergraph.graphql
 *   SUBGRAPH_SHARED_SECRET=... npx hive-gateway supergraph supergraph.graphql -c gateway.config.ts
 *
 * Subgraphs authenticate the caller themselves from the client's headers, which this file passes
 * on, and answer only calls carrying the shared gateway secret, which this file adds.
 * Subscriptions (`changeEvents`) reach the feed subgraph over server-sent events, the HTTP
 * transport's default.
 */
import { defineConfig } from '@graphql-hive/gateway';

/** The client's headers the hub's subgraphs read: who calls, and what the request says about itself. */
const FORWARDED = ['authorization', 'cookie', 'origin', 'referer', 'x-purpose', 'x-request-id'];

export const gatewayConfig = defineConfig({
  supergraph: './supergraph.graphql',
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) =>
      Object.fromEntries(FORWARDED.map((name) => [name, request.headers.get(name)])),
  },
  transportEntries: {
    // Every subgraph (HTTP transport): the proof that the call came through a gateway.
    '*.http': { headers: [['x-hub-gateway-secret', '{env.SUBGRAPH_SHARED_SECRET}']] },
  },
});
