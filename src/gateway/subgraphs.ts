/**
 * The subgraphs this hub composes, by name.
 */
import type { SubgraphName } from '../config/index.js';
import type { SubgraphModule } from '../platform/context.js';
import { approvalsSubgraph } from '../modules/approvals/schema.js';
import { directorySubgraph } from '../modules/directory/schema.js';
import { ingestionSubgraph } from '../modules/ingestion/schema.js';
import { feedSubgraph } from '../modules/feed/schema.js';
import { licencesSubgraph } from '../modules/licences/schema.js';
import { penaltiesSubgraph } from '../modules/penalties/schema.js';
import { subjectsSubgraph } from '../modules/subjects/schema.js';

export const subgraphs: Record<SubgraphName, SubgraphModule> = {
  subjects: subjectsSubgraph,
  directory: directorySubgraph,
  ingestion: ingestionSubgraph,
  licences: licencesSubgraph,
  penalties: penaltiesSubgraph,
  approvals: approvalsSubgraph,
  feed: feedSubgraph,
};
