/**
 * The modules this hub composes, by subgraph name.
 */
import type { SubgraphName } from '../config/index.js';
import type { SubgraphModule } from '../platform/context.js';
import type { HubModule } from '../platform/module.js';
import { approvalsModule } from '../modules/approvals/index.js';
import { directoryModule } from '../modules/directory/index.js';
import { feedModule } from '../modules/feed/index.js';
import { hallModule } from '../modules/hall/index.js';
import { ingestionModule } from '../modules/ingestion/index.js';
import { licencesModule } from '../modules/licences/index.js';
import { penaltiesModule } from '../modules/penalties/index.js';
import { subjectsModule } from '../modules/subjects/index.js';
import { supervisionModule } from '../modules/supervision/index.js';

export const modules: Record<SubgraphName, HubModule> = {
  subjects: subjectsModule,
  directory: directoryModule,
  ingestion: ingestionModule,
  licences: licencesModule,
  penalties: penaltiesModule,
  approvals: approvalsModule,
  feed: feedModule,
  hall: hallModule,
  supervision: supervisionModule,
};

export const subgraphs: Record<SubgraphName, SubgraphModule> = {
  subjects: modules.subjects.subgraph,
  directory: modules.directory.subgraph,
  ingestion: modules.ingestion.subgraph,
  licences: modules.licences.subgraph,
  penalties: modules.penalties.subgraph,
  approvals: modules.approvals.subgraph,
  feed: modules.feed.subgraph,
  hall: modules.hall.subgraph,
  supervision: modules.supervision.subgraph,
};
