/**
 * The penalty library's public surface: its subgraph.
 */
import type { HubModule } from '../../platform/module.js';
import { penaltiesSubgraph } from './schema.js';

export const penaltiesModule: HubModule = { subgraph: penaltiesSubgraph };
