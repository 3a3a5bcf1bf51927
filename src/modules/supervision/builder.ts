/**
 * The supervision subgraph's Pothos builder: reports, the dashboard, callbacks, pushes, admonitions.
 */
import type { BaseContext } from '../../platform/context.js';
import { createSubgraphBuilder } from '../../platform/graphql/subgraph-builder.js';

export const builder = createSubgraphBuilder<BaseContext>({ scalars: ['Date', 'DateTime'] });
