/**
 * The directory's public surface: departments, their systems and enforcement delegations, and
 * the read audit trail.
 */
import type { HubModule } from '../../platform/module.js';
import { directorySubgraph } from './schema.js';

export const directoryModule: HubModule = { subgraph: directorySubgraph };
