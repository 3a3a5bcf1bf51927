/**
 * What every subgraph's Pothos builder shares: plugins, Prisma and Relay options, the hub's
 * scalars, and root types. Each subgraph still owns its builder (one per subgraph).
 */
import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import type PrismaTypes from '../../generated/pothos-types.js';
import { getDatamodel } from '../../generated/pothos-types.js';
import type { BaseContext } from '../context.js';
import { dateScalar, dateTimeScalar, decimalScalar, usccScalar } from './scalars.js';

/** The builder type of a subgraph whose context is C. */
export type SubgraphSchemaTypes<C extends BaseContext> = {
  Context: C;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  Scalars: {
    USCC: { Input: string; Output: string };
    Date: { Input: Date; Output: Date };
    DateTime: { Input: Date; Output: Date };
    Decimal: { Input: string; Output: string | { toString(): string } };
  };
};

/** A builder with the hub's plugins, scalars and Query/Mutation roots. */
export function createSubgraphBuilder<C extends BaseContext>(): PothosSchemaTypes.SchemaBuilder<
  PothosSchemaTypes.ExtendDefaultTypes<SubgraphSchemaTypes<C>>
> {
  const builder = new SchemaBuilder<SubgraphSchemaTypes<C>>({
    plugins: [PrismaPlugin, RelayPlugin, DirectivesPlugin, FederationPlugin],
    defaultFieldNullability: false,
    prisma: { client: (ctx) => ctx.prisma, dmmf: getDatamodel(), onUnusedQuery: null, filterConnectionTotalCount: true },
    relay: {
      clientMutationId: 'omit',
      cursorType: 'String',
      nodeQueryOptions: false,
      nodesQueryOptions: false,
      pageInfoTypeOptions: { shareable: true },
    },
  });
  builder.scalarType('USCC', usccScalar);
  builder.scalarType('Date', dateScalar);
  builder.scalarType('DateTime', dateTimeScalar);
  builder.scalarType('Decimal', decimalScalar);
  builder.queryType({});
  builder.mutationType({});
  return builder;
}
