/**
 * The directory subgraph's Pothos builder: departments, department systems, the viewer,
 * enforcement delegations and the read audit trail.
 */
import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import PrismaPlugin from '@pothos/plugin-prisma';
import type PrismaTypes from '../../generated/pothos-types.js';
import { getDatamodel } from '../../generated/pothos-types.js';
import { dateScalar, dateTimeScalar } from '../../platform/graphql/scalars.js';
import type { DirectoryContext } from './context.js';

export const builder = new SchemaBuilder<{
  Context: DirectoryContext;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  Scalars: { DateTime: { Input: Date; Output: Date }; Date: { Input: Date; Output: Date } };
}>({
  plugins: [PrismaPlugin, DirectivesPlugin, FederationPlugin],
  defaultFieldNullability: false,
  prisma: { client: (ctx) => ctx.prisma, dmmf: getDatamodel(), onUnusedQuery: null },
});

builder.scalarType('DateTime', dateTimeScalar);
builder.scalarType('Date', dateScalar);
builder.queryType({});
