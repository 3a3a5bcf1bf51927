/**
 * The penalty library's public surface: its subgraph, and the rule of who may suspend or revoke
 * a licence by a penalty (ingestion applies penalty records through the same rule).
 */
import type { HubModule } from '../../platform/module.js';
import { penaltiesSubgraph } from './schema.js';

export const penaltiesModule: HubModule = { subgraph: penaltiesSubgraph };
export { hasEnforcementAuthority } from './service.js';
