/**
 * The directory's public surface: departments and their systems.
 */
import type { HubModule } from '../../platform/module.js';
import { directorySubgraph } from './schema.js';

export const directoryModule: HubModule = { subgraph: directorySubgraph };
