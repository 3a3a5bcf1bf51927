/**
 * GraphiQL served entirely from the hub's own packages (no CDN), for developers exploring the API.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Router } from 'express';

const require = createRequire(import.meta.url);
const dirOf = (pkg: string) => path.dirname(require.resolve(`${pkg}/package.json`));

export const GRAPHIQL_ASSETS = '/assets/graphiql';

/** Static routes for the GraphiQL, React and ReactDOM bundles. */
export function graphiqlAssets(): Router {
  const router = express.Router();
  const opts = { immutable: true, maxAge: '7d', fallthrough: false };
  router.use(`${GRAPHIQL_ASSETS}/graphiql`, express.static(dirOf('graphiql'), opts));
  router.use(`${GRAPHIQL_ASSETS}/react`, express.static(path.join(dirOf('react'), 'umd'), opts));
  router.use(`${GRAPHIQL_ASSETS}/react-dom`, express.static(path.join(dirOf('react-dom'), 'umd'), opts));
  return router;
}

const DEFAULT_QUERY = `# Welcome to the Data-Sharing Hub.
# Department systems: add the header {"Authorization": "Bearer <your API key>"} below.

query Enterprises {
  enterprises(first: 5) {
    totalCount
    edges {
      node {
        uscc
        name
        status
        street
        registrationAuthority { code name }
      }
    }
  }
  viewer { authenticated scopes }
}
`;

export function graphiqlPage(endpoint: string): string {
  const config = JSON.stringify({ endpoint, query: DEFAULT_QUERY }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Data-Sharing Hub · GraphiQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${GRAPHIQL_ASSETS}/graphiql/graphiql.min.css">
<style>html,body,#graphiql{height:100%;margin:0}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="${GRAPHIQL_ASSETS}/react/react.production.min.js"></script>
<script src="${GRAPHIQL_ASSETS}/react-dom/react-dom.production.min.js"></script>
<script src="${GRAPHIQL_ASSETS}/graphiql/graphiql.min.js"></script>
<script id="hub-config" type="application/json">${config}</script>
<script>
  const cfg = JSON.parse(document.getElementById('hub-config').textContent);
  const fetcher = GraphiQL.createFetcher({ url: cfg.endpoint });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, { fetcher, defaultQuery: cfg.query, shouldPersistHeaders: true })
  );
</script>
</body>
</html>`;
}
