/**
 * The directory subgraph's Pothos builder: departments, department systems, the viewer.
 */
import { createSubgraphBuilder } from '../../platform/graphql/subgraph-builder.js';
import type { DirectoryContext } from './context.js';

export const builder = createSubgraphBuilder<DirectoryContext>({ scalars: ['DateTime'], mutations: false });
