/**
 * The direct path: a query whose whole query plan is one fetch from one in-process subgraph is
 * executed as the client wrote it on that subgraph's schema, skipping the gateway's plan
 * execution (subgraph operation printed, executed, then re-shaped on the supergraph). Apollo
 * Server's parsing, validation, limits, plugins and error formatting are unchanged; the answer
 * and its errors are the ones the gateway would have given (test/gateway-direct.test.ts).
 * Anything else, or any doubt, goes to the gateway.
 */
import { ERRORS, errorCodeDef, operationFromDocument, Supergraph } from '@apollo/federation-internals';
import type { ApolloGateway } from '@apollo/gateway';
import { QueryPlanner } from '@apollo/query-planner';
import type {
  GatewayExecutionResult,
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
  GatewayLoadResult,
  GatewaySchemaLoadOrUpdateCallback,
  GatewayUnsubscriber,
} from '@apollo/server-gateway-interface';
import {
  execute,
  getVariableValues,
  GraphQLError,
  Kind,
  OperationTypeNode,
  validate,
  visit,
  BREAK,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
} from 'graphql';
import type { SubgraphModule } from '../platform/context.js';
import type { Logger } from '../platform/logger.js';
import type { HubMetrics } from '../platform/metrics.js';
import type { GatewayContext } from './context.js';
import { formatSubgraphError } from './datasources.js';
import { observeFetch } from './observability.js';

let enabled = true;
let executed = 0;

/** Turns the direct path on or off for every hub in this process (tests compare both answers). */
export function setDirectPathEnabled(on: boolean): void {
  enabled = on;
}

/** How many operations this process has executed on the direct path. */
export function directExecutions(): number {
  return executed;
}

export interface DirectPathOptions {
  supergraphSdl: string;
  /** The module of a subgraph the hub executes in this process; undefined for a remote one. */
  inProcess(name: string): SubgraphModule | undefined;
  metrics: HubMetrics;
  logger: Logger;
}

/** A query that runs direct: on this subgraph. */
interface Direct {
  name: string;
  module: SubgraphModule;
}

const DECISIONS_MAX = 1000;

/** Whether a document selects `__schema` or `__type` anywhere, or uses @defer / @stream. */
function needsGateway(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
    Directive(node) {
      if (node.name.value === 'defer' || node.name.value === 'stream') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The operation with the fragments it uses (the document's other operations may be for other subgraphs). */
function ownPart(document: DocumentNode, operation: OperationDefinitionNode): DocumentNode {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const used = new Set<string>();
  const pending: ASTNode[] = [operation];
  for (let node = pending.pop(); node; node = pending.pop()) {
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments.get(name);
        if (used.has(name) || !fragment) return;
        used.add(name);
        pending.push(fragment);
      },
    });
  }
  const definitions = [operation, ...[...used].map((name) => fragments.get(name)!)];
  return { kind: Kind.DOCUMENT, definitions };
}

function isGatewayContext(c: unknown): c is GatewayContext {
  return typeof c === 'object' && c !== null && typeof (c as GatewayContext).subgraphContext === 'function';
}

/** A subgraph error as the gateway passes it on (executeQueryPlan's downstreamServiceError): no locations. */
function asGatewayError(formatted: GraphQLFormattedError, serviceName: string): GraphQLError {
  const options = {
    // The gateway keeps the subgraph's formatted error as the original.
    originalError: formatted as unknown as Error,
    path: formatted.path,
    extensions: { ...formatted.extensions, serviceName },
  };
  const message = formatted.message || `Error while fetching subquery from service "${serviceName}"`;
  const codeDef = errorCodeDef(formatted);
  if (!codeDef && formatted.extensions?.code) return new GraphQLError(message, options);
  return (codeDef ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}

/** Wraps an ApolloGateway so that single-fetch in-process queries skip its plan execution. */
export class DirectPathGateway implements GatewayInterface {
  private readonly planner: QueryPlanner;
  private readonly apiSchema: ReturnType<Supergraph['apiSchema']>;
  private readonly decisions = new Map<string, Direct | null>();

  constructor(
    private readonly gateway: ApolloGateway,
    private readonly options: DirectPathOptions,
  ) {
    const supergraph = Supergraph.build(options.supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    this.planner = new QueryPlanner(supergraph);
  }

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback): GatewayUnsubscriber {
    return this.gateway.onSchemaLoadOrUpdate(callback);
  }

  stop(): Promise<void> {
    return this.gateway.stop();
  }

  async load(options: Parameters<GatewayInterface['load']>[0]): Promise<GatewayLoadResult> {
    const loaded = await this.gateway.load(options);
    const executor = loaded.executor;
    if (!executor) return loaded;
    return { ...loaded, executor: this.executor(executor) };
  }

  private executor(gateway: GatewayExecutor): GatewayExecutor {
    return (requestContext) => {
      if (!enabled) return gateway(requestContext);
      const direct = this.decide(requestContext);
      if (!direct || !isGatewayContext(requestContext.context)) return gateway(requestContext);
      // Variables the gateway would refuse are refused by it, in its words.
      const { errors } = getVariableValues(
        requestContext.schema,
        requestContext.operation.variableDefinitions ?? [],
        requestContext.request.variables ?? {},
      );
      if (errors) return gateway(requestContext);
      return this.run(direct, requestContext as GatewayGraphQLRequestContext<GatewayContext>);
    };
  }

  private async run(
    { name, module }: Direct,
    requestContext: GatewayGraphQLRequestContext<GatewayContext>,
  ): Promise<GatewayExecutionResult> {
    executed += 1;
    const { logger, metrics } = this.options;
    return observeFetch<GatewayExecutionResult>(name, metrics, async () => {
      const result = await execute({
        schema: module.schema,
        document: requestContext.document,
        variableValues: requestContext.request.variables,
        operationName: requestContext.request.operationName,
        contextValue: requestContext.context.subgraphContext(module),
      });
      const data = result.data as GatewayExecutionResult['data'];
      if (!result.errors?.length) return { result: { data }, failed: false };
      const errors = result.errors.map((e) => asGatewayError(formatSubgraphError(e, logger), name));
      return { result: { errors, data }, failed: true };
    });
  }

  /** The subgraph a request's operation runs on directly, or null for the gateway; decided once per document. */
  private decide(requestContext: GatewayGraphQLRequestContext): Direct | null {
    const { queryHash, request, operation } = requestContext;
    // The gateway's own answers extend the response: a query plan on request, traces for Apollo.
    if (request.http?.headers.get('apollo-query-plan-experimental') || requestContext.metrics.captureTraces) {
      return null;
    }
    const key = `${queryHash}\n${request.operationName ?? ''}`;
    let decision = this.decisions.get(key);
    if (decision !== undefined) return decision;
    try {
      decision = this.plan(requestContext.document, request.operationName, operation);
    } catch (err) {
      this.options.logger.debug({ err }, 'no direct path for this operation');
      decision = null;
    }
    if (this.decisions.size >= DECISIONS_MAX) this.decisions.clear();
    this.decisions.set(key, decision);
    return decision;
  }

  private plan(
    document: DocumentNode,
    operationName: string | undefined,
    operation: OperationDefinitionNode,
  ): Direct | null {
    if (operation.operation !== OperationTypeNode.QUERY || needsGateway(document)) return null;
    if (document.definitions.some((d) => d.kind !== Kind.OPERATION_DEFINITION && d.kind !== Kind.FRAGMENT_DEFINITION)) {
      return null;
    }
    const plan = this.planner.buildQueryPlan(operationFromDocument(this.apiSchema, document, { operationName }));
    const node = plan.node;
    if (node?.kind !== 'Fetch') return null;
    if (node.operationKind !== OperationTypeNode.QUERY || node.hasDefers || node.requires?.length) return null;
    if (node.inputRewrites?.length || node.outputRewrites?.length || node.contextRewrites?.length) return null;
    const module = this.options.inProcess(node.serviceName);
    if (!module) return null;
    if (validate(module.schema, ownPart(document, operation)).length > 0) return null;
    return { name: node.serviceName, module };
  }
}
