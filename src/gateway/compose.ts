/**
 * Composes the subgraphs into the supergraph (Apollo Federation 2) and derives the public API schema.
 */
import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { parse, printSchema } from 'graphql';
import type { SubgraphName } from '../config/index.js';
import type { SubgraphModule } from '../platform/context.js';

export interface Composition {
  supergraphSdl: string;
  apiSdl: string;
  subgraphSdl: Record<string, string>;
}

export class CompositionError extends Error {
  override name = 'CompositionError';
}

/**
 * Composes the modules' subgraphs. Each routes to `urls[name]` when given; otherwise to
 * `in-process://<name>` (the committed supergraph: the hub's gateway routes by name, not by URL).
 */
export function composeSupergraph(
  modules: readonly SubgraphModule[],
  urls: Partial<Record<SubgraphName, string>> = {},
): Composition {
  const subgraphSdl: Record<string, string> = {};
  const services = modules.map((m) => {
    const sdl = printSubgraphSchema(m.schema);
    subgraphSdl[m.name] = sdl;
    return { name: m.name, typeDefs: parse(sdl), url: urls[m.name] ?? `in-process://${m.name}` };
  });
  const result = composeServices(services);
  if (result.errors) {
    throw new CompositionError(
      `Supergraph composition failed:\n${result.errors.map((e) => `  ${e.message}`).join('\n')}`,
    );
  }
  return {
    supergraphSdl: result.supergraphSdl,
    apiSdl: printSchema(result.schema.toAPISchema().toGraphQLJSSchema()),
    subgraphSdl,
  };
}
