/**
 * The licence library's public surface: its subgraph, QR pages, and the licence rules that
 * penalties, approvals and ingestion drive (one lifecycle for every writer).
 */
import type { HubModule } from '../../platform/module.js';
import { qrRoutes } from './pages/routes.js';
import { licencesSubgraph } from './schema.js';

export const licencesModule: HubModule = {
  subgraph: licencesSubgraph,
  routes: (host) => qrRoutes(host.platform, host.apollo, host.publicContext),
};

export {
  attributeProblems,
  coerceAttributes,
  parseAttributeSchema,
  type AttributeDefinition,
  type AttributeValue,
} from './attributes.js';
export { cacheLicence, licenceCacheKey } from './cache.js';
export { nextLicenceNumber } from './numbering.js';
export {
  applyTransition,
  assertMayHoldLicence,
  issueLicenceInTx,
  issueProblems,
  licenceChangePayload,
  type NewLicence,
} from './service.js';
export {
  actionFor,
  reachableFrom,
  shanghaiToday,
  TRANSITIONS,
  visibleStatus,
  type VisibleLicenceStatus,
} from './status.js';
