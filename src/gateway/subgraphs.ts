/**
 * The subgraphs this hub composes, by name.
 */
import type { SubgraphName } from '../config/index.js';
import type { SubgraphModule } from '../platform/context.js';
import { directorySubgraph } from '../subgraphs/directory/schema.js';
import { subjectsSubgraph } from '../subgraphs/subjects/schema.js';

export const subgraphs: Record<SubgraphName, SubgraphModule> = {
  subjects: subjectsSubgraph as unknown as SubgraphModule,
  directory: directorySubgraph as unknown as SubgraphModule,
};
