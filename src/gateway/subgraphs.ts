/**
 * The subgraphs this hub composes, by name.
 */
import type { SubgraphName } from '../config/index.js';
import type { SubgraphModule } from '../platform/context.js';
import { approvalsSubgraph } from '../subgraphs/approvals/schema.js';
import { directorySubgraph } from '../subgraphs/directory/schema.js';
import { ingestionSubgraph } from '../subgraphs/ingestion/schema.js';
import { feedSubgraph } from '../subgraphs/feed/schema.js';
import { licencesSubgraph } from '../subgraphs/licences/schema.js';
import { penaltiesSubgraph } from '../subgraphs/penalties/schema.js';
import { subjectsSubgraph } from '../subgraphs/subjects/schema.js';

export const subgraphs: Record<SubgraphName, SubgraphModule> = {
  subjects: subjectsSubgraph,
  directory: directorySubgraph,
  ingestion: ingestionSubgraph,
  licences: licencesSubgraph,
  penalties: penaltiesSubgraph,
  approvals: approvalsSubgraph,
  feed: feedSubgraph,
};
