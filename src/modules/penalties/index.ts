/**
 * The penalty library's public surface: its subgraph, and the decision rules ingestion applies too.
 */
import type { HubModule } from '../../platform/module.js';
import { penaltiesSubgraph } from './schema.js';

export const penaltiesModule: HubModule = { subgraph: penaltiesSubgraph };

export { decisionProblems, licenceActionOf, penaltyChangePayload } from './service.js';
