/**
 * The approvals subgraph's Pothos builder: service catalogue, cases, time limits and statistics.
 */
import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import type PrismaTypes from '../../generated/pothos-types.js';
import { getDatamodel } from '../../generated/pothos-types.js';
import { dateScalar, dateTimeScalar, decimalScalar, usccScalar } from '../../platform/graphql/scalars.js';
import type { ApprovalsContext } from './context.js';

export const builder = new SchemaBuilder<{
  Context: ApprovalsContext;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  Scalars: {
    USCC: { Input: string; Output: string };
    Date: { Input: Date; Output: Date };
    DateTime: { Input: Date; Output: Date };
    Decimal: { Input: string; Output: string };
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
builder.scalarType('Decimal', decimalScalar);
builder.queryType({});
builder.mutationType({});
