/**
 * The directory subgraph's Pothos builder: departments, department systems, the viewer,
 * enforcement delegations and the read audit trail.
 */
import { createSubgraphBuilder } from '../../platform/graphql/subgraph-builder.js';
import type { DirectoryContext } from './context.js';

export const builder = createSubgraphBuilder<DirectoryContext>({ scalars: ['DateTime', 'Date'], mutations: false });
