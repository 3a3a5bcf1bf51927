/**
 * The feed subgraph's Pothos builder: the change feed (query) and its webhooks.
 */
import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import PrismaPlugin from '@pothos/plugin-prisma';
import type PrismaTypes from '../../generated/pothos-types.js';
import { getDatamodel } from '../../generated/pothos-types.js';
import { dateTimeScalar, usccScalar } from '../../platform/graphql/scalars.js';
import type { FeedContext } from './context.js';

export const builder = new SchemaBuilder<{
  Context: FeedContext;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  Scalars: {
    USCC: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
  };
}>({
  plugins: [PrismaPlugin, DirectivesPlugin, FederationPlugin],
  defaultFieldNullability: false,
  prisma: { client: (ctx) => ctx.prisma, dmmf: getDatamodel(), onUnusedQuery: null },
});

builder.scalarType('USCC', usccScalar);
builder.scalarType('DateTime', dateTimeScalar);
builder.queryType({});
builder.mutationType({});
