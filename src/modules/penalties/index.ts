/**
 * The penalty library's public surface: its subgraph, the decision rules ingestion applies too,
 * and the rule of who may suspend or revoke a licence by a penalty.
 */
import type { HubModule } from '../../platform/module.js';
import { penaltiesSubgraph } from './schema.js';

export const penaltiesModule: HubModule = { subgraph: penaltiesSubgraph };

export { decisionProblems, hasEnforcementAuthority, licenceActionOf, penaltyChangePayload } from './service.js';
