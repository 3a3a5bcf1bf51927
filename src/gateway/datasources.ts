/**
 * How the gateway reaches a subgraph: in the same process (no HTTP hop) or over HTTP as any
 * federation router does, with the client's headers and the shared gateway secret.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { GATEWAY_SECRET_HEADER } from '../platform/auth/gateway-proof.js';
import type { SubgraphModule } from '../platform/context.js';
import { databaseInputError, isConnectionLoss, serviceUnavailable } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { injectTraceHeaders } from '../platform/telemetry.js';
import type { GatewayContext } from './context.js';

function isGatewayContext(c: unknown): c is GatewayContext {
  return typeof c === 'object' && c !== null && typeof (c as GatewayContext).subgraphContext === 'function';
}

/**
 * What a subgraph tells the gateway about an error: the code a scalar or resolver threw (kept when
 * graphql-js wraps it), database refusals of the input as BAD_USER_INPUT, and anything unexpected
 * as INTERNAL_SERVER_ERROR without its message (logged here, where its stack is still at hand).
 */
export function formatSubgraphError(e: GraphQLError, logger: Logger): GraphQLFormattedError {
  const formatted = e.toJSON();
  const original = e.originalError;
  const input = databaseInputError(original);
  if (input) {
    logger.info({ err: original, path: e.path }, 'the database refused a value of the input');
    return { ...formatted, message: input.message, extensions: { ...input.extensions } };
  }
  if (original && !(original instanceof GraphQLError) && isConnectionLoss(original)) {
    logger.warn({ err: original, path: e.path }, 'database connection lost during an operation');
    const retry = serviceUnavailable();
    return { ...formatted, message: retry.message, extensions: { ...retry.extensions } };
  }
  const originalExtensions = (original as { extensions?: Record<string, unknown> } | undefined)?.extensions;
  const code = formatted.extensions?.code ?? originalExtensions?.code;
  if (original && !(original instanceof GraphQLError) && !code) {
    logger.error({ err: original, path: e.path }, 'unexpected error in a subgraph resolver');
    return { ...formatted, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  return { ...formatted, extensions: { ...originalExtensions, ...formatted.extensions, ...(code ? { code } : {}) } };
}

/** Executes the gateway's subgraph fetches directly against the subgraph schema. */
export class InProcessDataSource implements GraphQLDataSource<GatewayContext> {
  // Query plans repeat the same subgraph operations; parse and validate each text once.
  private readonly documents = new Map<string, DocumentNode | readonly GraphQLError[]>();
  constructor(
    private readonly module: SubgraphModule,
    private readonly logger: Logger,
  ) {}

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
    if (Array.isArray(doc)) return { errors: (doc as GraphQLError[]).map((e) => formatSubgraphError(e, this.logger)) };
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
      ...(result.errors ? { errors: result.errors.map((e) => formatSubgraphError(e, this.logger)) } : {}),
    };
  }
}

/**
 * Calls a subgraph served by `hub subgraph <name>` the way any configured router does: the
 * client's Authorization, hall cookie, x-purpose and request id passed on, plus the shared secret
 * that proves the call came through a gateway.
 */
export class GatewayRemoteDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly secret: string,
    private readonly subgraph = 'a',
  ) {
    super({ url });
  }

  /**
   * A subgraph that cannot be reached (down, refusing connections) costs only the fields it
   * serves: the other subgraphs' fields are answered, with one error naming the missing part,
   * never its URL or the network error's text.
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (err) {
      if (err instanceof GraphQLError) throw err;
      throw new GraphQLError(`The ${this.subgraph} subgraph is unavailable; its fields are missing from this answer`, {
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: this.subgraph, retryable: true },
      });
    }
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = options.request.http?.headers;
    if (!headers) return;
    if (isGatewayContext(options.context)) {
      for (const [name, value] of Object.entries(options.context.forwardedHeaders)) headers.set(name, value);
    }
    headers.set(GATEWAY_SECRET_HEADER, this.secret);
    // The subgraph's server span continues this fetch's span (W3C traceparent); nothing while tracing is off.
    injectTraceHeaders((name, value) => headers.set(name, value));
  }

  /**
   * A subgraph answers some request errors (variable coercion, authentication) with a 4xx status.
   * Apollo's default turns them into a generic error carrying the subgraph's URL and raw body; the
   * hub passes on the subgraph's own first error and code instead, and never the URL.
   */
  override async errorFromResponse(
    response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0],
  ): Promise<GraphQLError> {
    const body: unknown = await this.parseBody(response);
    const first = (body as { errors?: unknown } | null)?.errors;
    const error = Array.isArray(first)
      ? (first[0] as { message?: unknown; extensions?: { code?: unknown } } | undefined)
      : undefined;
    const fallback =
      response.status === 401 ? 'UNAUTHENTICATED' : response.status === 403 ? 'FORBIDDEN' : 'INTERNAL_SERVER_ERROR';
    const code = typeof error?.extensions?.code === 'string' ? error.extensions.code : fallback;
    const message =
      typeof error?.message === 'string' && code !== 'INTERNAL_SERVER_ERROR'
        ? error.message
        : 'A subgraph could not answer';
    return new GraphQLError(message, { extensions: { code } });
  }
}

/** Whether each remote subgraph answers its /healthz within `timeoutMs`, by name (for /readyz). */
export async function probeSubgraphs(
  urls: Partial<Record<string, string>>,
  timeoutMs = 1000,
): Promise<Record<string, boolean>> {
  const entries = await Promise.all(
    Object.entries(urls).map(async ([name, url]): Promise<[string, boolean]> => {
      if (!url) return [name, true];
      try {
        const res = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(timeoutMs) });
        await res.body?.cancel();
        return [name, res.ok];
      } catch {
        return [name, false];
      }
    }),
  );
  return Object.fromEntries(entries);
}
