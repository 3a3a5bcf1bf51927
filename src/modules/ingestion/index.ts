/**
 * Ingestion's public surface: its subgraph, `POST /ingest/<adapter>`, the pipeline the CLI and
 * benchmarks run, and the canonical inputs adapters produce.
 */
import type { HubModule } from '../../platform/module.js';
import { ingestionGauges } from './metrics.js';
import { ingestRoutes } from './routes.js';
import { ingestionSubgraph } from './schema.js';

export const ingestionModule: HubModule = {
  subgraph: ingestionSubgraph,
  routes: (host) => ingestRoutes(host.platform, host.verifier),
  metrics: (platform) => ingestionGauges(platform.metrics, platform.prisma),
};

export { IngestError, ingestFile, type IngestSource, type RunReport } from './pipeline.js';
export { adapterNamed, cliSource, resubmitQuarantined } from './sources.js';
