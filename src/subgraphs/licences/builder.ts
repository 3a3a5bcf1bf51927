/**
 * The licences subgraph's Pothos builder: licence types, licences and their history.
 */
import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import type PrismaTypes from '../../generated/pothos-types.js';
import { getDatamodel } from '../../generated/pothos-types.js';
import { dateScalar, dateTimeScalar, usccScalar } from '../../platform/graphql/scalars.js';
import type { LicencesContext } from './context.js';

export const builder = new SchemaBuilder<{
  Context: LicencesContext;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  Scalars: {
    USCC: { Input: string; Output: string };
    Date: { Input: Date; Output: Date };
    DateTime: { Input: Date; Output: Date };
  };
}>({
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
builder.queryType({});
builder.mutationType({});
