/**
 * The hall subgraph's Pothos builder: applicants' bookings, drafts, cases, evaluations and tickets.
 */
import { createSubgraphBuilder } from '../../platform/graphql/subgraph-builder.js';
import type { HallContext } from './context.js';

export const builder = createSubgraphBuilder<HallContext>({ scalars: ['USCC', 'Date', 'DateTime'] });
