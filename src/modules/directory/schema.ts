/**
 * Builds the directory subgraph schema.
 */
import type { SubgraphModule } from '../../platform/context.js';
import { builder } from './builder.js';
import { createDirectoryContext, type DirectoryContext } from './context.js';
import './types/department.js';
import './types/department-system.js';
import './types/enforcement-delegation.js';
import './types/audit-trail.js';

export const directorySubgraph: SubgraphModule<DirectoryContext> = {
  name: 'directory',
  schema: builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' }),
  createContext: createDirectoryContext,
};
