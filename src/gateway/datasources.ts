/**
 * How the gateway reaches a subgraph: in the same process (no HTTP hop) or over HTTP with the
 * caller signed into `x-hub-caller`, which remote subgraphs require.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { INTERNAL_HEADER, signCaller } from '../platform/auth/internal-token.js';
import type { SubgraphModule } from '../platform/context.js';
import type { GatewayContext } from './context.js';

function isGatewayContext(c: unknown): c is GatewayContext {
  return typeof c === 'object' && c !== null && typeof (c as GatewayContext).subgraphContext === 'function';
}

/** Keeps the code of the error a scalar or resolver threw when graphql-js wraps it. */
export function formatSubgraphError(e: GraphQLError): GraphQLFormattedError {
  const formatted = e.toJSON();
  const original = e.originalError as { extensions?: Record<string, unknown> } | undefined;
  const code = formatted.extensions?.code ?? original?.extensions?.code;
  return { ...formatted, extensions: { ...original?.extensions, ...formatted.extensions, ...(code ? { code } : {}) } };
}

/** Executes the gateway's subgraph fetches directly against the subgraph schema. */
export class InProcessDataSource implements GraphQLDataSource<GatewayContext> {
  // Query plans repeat the same subgraph operations; parse and validate each text once.
  private readonly documents = new Map<string, DocumentNode | readonly GraphQLError[]>();
  constructor(private readonly module: SubgraphModule) {}

  private document(query: string): DocumentNode | readonly GraphQLError[] {
    let doc = this.documents.get(query);
    if (!doc) {
      try {
        const parsed = parse(query);
        const errors = validate(this.module.schema, parsed);
        doc = errors.length > 0 ? errors : parsed;
      } catch (e) {
        doc = [e instanceof GraphQLError ? e : new GraphQLError(String(e))];
      }
      if (this.documents.size > 1000) this.documents.clear();
      this.documents.set(query, doc);
    }
    return doc;
  }

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { request, context } = options;
    const doc = this.document(request.query ?? '');
    if (Array.isArray(doc)) return { errors: (doc as GraphQLError[]).map(formatSubgraphError) };
    if (!isGatewayContext(context)) {
      // Health checks and schema loading carry no request context; they only read _service.
      throw new Error(`subgraph ${this.module.name} was called without a gateway context`);
    }
    const result = await execute({
      schema: this.module.schema,
      document: doc as DocumentNode,
      variableValues: request.variables,
      operationName: request.operationName,
      contextValue: context.subgraphContext(this.module),
    });
    return {
      data: result.data as GatewayGraphQLResponse['data'],
      ...(result.errors ? { errors: result.errors.map(formatSubgraphError) } : {}),
    };
  }
}

/** Calls a subgraph served by `hub subgraph <name>`, proving the call came through the gateway. */
export class SignedRemoteDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, private readonly secret: string) {
    super({ url });
  }

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    const caller = isGatewayContext(options.context) ? options.context.caller : { kind: 'public' as const };
    options.request.http?.headers.set(INTERNAL_HEADER, await signCaller(caller, this.secret));
  }
}
