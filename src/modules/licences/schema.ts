/**
 * Builds the licences subgraph schema (Enterprise Approval Library: licences).
 */
import type { SubgraphModule } from '../../platform/context.js';
import { builder } from './builder.js';
import { createLicencesContext, type LicencesContext } from './context.js';
import './types/refs.js';
import './types/licence-type.js';
import './types/licence.js';
import './types/qr.js';

export const licencesSubgraph: SubgraphModule<LicencesContext> = {
  name: 'licences',
  schema: builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' }),
  createContext: createLicencesContext,
};
