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
import type { QrCodeLink } from '../qr/link.js';
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

export type HubScalar = 'USCC' | 'Date' | 'DateTime' | 'Decimal';

export interface SubgraphBuilderOptions {
  /** The scalars this subgraph's SDL declares (an unused scalar would still be printed). */
  scalars?: readonly HubScalar[];
  /** Whether the subgraph has mutations (an empty Mutation type cannot be printed). */
  mutations?: boolean;
}

const SCALARS = { USCC: usccScalar, Date: dateScalar, DateTime: dateTimeScalar, Decimal: decimalScalar } as const;
const ALL_SCALARS: readonly HubScalar[] = ['USCC', 'Date', 'DateTime', 'Decimal'];

/** A builder with the hub's plugins, scalars and Query/Mutation roots. */
export function createSubgraphBuilder<C extends BaseContext>(
  options: SubgraphBuilderOptions = {},
): PothosSchemaTypes.SchemaBuilder<PothosSchemaTypes.ExtendDefaultTypes<SubgraphSchemaTypes<C>>> {
  const builder = new SchemaBuilder<SubgraphSchemaTypes<C>>({
    plugins: [PrismaPlugin, RelayPlugin, DirectivesPlugin, FederationPlugin],
    defaultFieldNullability: false,
    prisma: {
      client: (ctx) => ctx.prisma,
      dmmf: getDatamodel(),
      onUnusedQuery: null,
      filterConnectionTotalCount: true,
    },
    relay: {
      clientMutationId: 'omit',
      cursorType: 'String',
      nodeQueryOptions: false,
      nodesQueryOptions: false,
      pageInfoTypeOptions: { shareable: true },
    },
  });
  for (const name of options.scalars ?? ALL_SCALARS) {
    builder.scalarType(name, SCALARS[name]);
  }
  builder.queryType({});
  if (options.mutations !== false) builder.mutationType({});
  return builder;
}

export type SubgraphBuilder<C extends BaseContext> = ReturnType<typeof createSubgraphBuilder<C>>;

/** Provenance of a record as the API shows it. */
export interface RecordSourceShape {
  systemId: string;
  recordId: string | null;
  version: number | null;
}

export function recordSourceOf(r: {
  sourceSystemId: string | null;
  sourceRecordId: string | null;
  sourceVersion: number | null;
}): RecordSourceShape | null {
  return r.sourceSystemId ? { systemId: r.sourceSystemId, recordId: r.sourceRecordId, version: r.sourceVersion } : null;
}

// The value types below appear in several subgraphs; federation requires them identical and
// @shareable, so each subgraph defines them through the same function.

export function defineRecordSourceType<C extends BaseContext>(builder: SubgraphBuilder<C>) {
  return builder.objectRef<RecordSourceShape>('RecordSource').implement({
    description: 'Provenance of a record: the department system that entered it, its id there, and its version.',
    shareable: true,
    fields: (t) => ({
      systemId: t.exposeID('systemId'),
      recordId: t.exposeString('recordId', { nullable: true }),
      version: t.exposeInt('version', { nullable: true }),
    }),
  });
}

export function defineQrCodeType<C extends BaseContext>(builder: SubgraphBuilder<C>) {
  return builder.objectRef<QrCodeLink>('QrCode').implement({
    description: 'A QR code: a signed token and the hub URL it encodes (opens the verification page).',
    shareable: true,
    fields: (t) => ({
      token: t.exposeString('token'),
      url: t.exposeString('url'),
      pngUrl: t.exposeString('pngUrl'),
      svgUrl: t.exposeString('svgUrl'),
    }),
  });
}
