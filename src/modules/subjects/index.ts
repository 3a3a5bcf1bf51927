/**
 * The Enterprise Subject Library's public surface: its subgraph, and the enterprise rules other
 * modules (ingestion, adapters) reuse.
 */
import type { HubModule } from '../../platform/module.js';
import { subjectsSubgraph } from './schema.js';

export const subjectsModule: HubModule = { subgraph: subjectsSubgraph };

export { cacheEnterprise } from './cache.js';
export { identityDocumentProblem, type InputProblem, type Validation } from './input.js';
export {
  enterpriseChange,
  enterpriseRow,
  validateRegistration,
  validateUpdate,
  type EnterpriseFields,
  type EnterpriseSource,
  type RegistrationData,
} from './rules.js';
