/**
 * The gateway's metrics and traces: an Apollo plugin that counts operations and client errors,
 * a wrapper that times subgraph fetches, the server span of each /graphql request (honouring an
 * incoming `traceparent`), and the /metrics endpoints.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Request, RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import { assertScope, type Caller } from '../platform/auth/caller.js';
import type { HubMetrics } from '../platform/metrics.js';
import {
  context,
  contextFromHeaders,
  inSpan,
  recordingSpan,
  SpanKind,
  SpanStatusCode,
  tracer,
  tracingActive,
} from '../platform/telemetry.js';
import { trace, type Context } from '@opentelemetry/api';

/** Counts and times every operation by name and type, and every error sent by its code. */
export function operationMetricsPlugin<C extends object>(metrics: HubMetrics): ApolloServerPlugin<C> {
  return {
    requestDidStart() {
      const started = performance.now();
      return Promise.resolve({
        willSendResponse({ request, operation, operationName, response }) {
          const name = metrics.operationLabel(operationName ?? request.operationName);
          const type = operation?.operation ?? '(invalid)';
          metrics.operations.observe({ operation: name, type }, (performance.now() - started) / 1000);
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          for (const e of errors ?? []) {
            const code = e.extensions?.code;
            metrics.errors.inc({ code: typeof code === 'string' ? code : 'UNKNOWN' });
          }
          const span = recordingSpan();
          if (span) {
            span.updateName(`${type} ${name}`);
            span.setAttribute('graphql.operation.type', type);
            span.setAttribute('graphql.operation.name', name);
            if (errors?.length) span.setAttribute('graphql.error.count', errors.length);
          }
          return Promise.resolve();
        },
      });
    },
  };
}

/**
 * A subgraph's data source, timed (hub_subgraph_fetch_duration_seconds) and, with tracing on,
 * inside a client span that the remote data source's `traceparent` header continues.
 */
export class ObservedDataSource<C extends Record<string, unknown>> implements GraphQLDataSource<C> {
  constructor(
    private readonly name: string,
    private readonly inner: GraphQLDataSource<C>,
    private readonly metrics: HubMetrics,
  ) {}

  process(options: GraphQLDataSourceProcessOptions<C>): Promise<GatewayGraphQLResponse> {
    return observeFetch(this.name, this.metrics, async () => {
      const result = await this.inner.process(options);
      return { result, failed: !!result.errors?.length };
    });
  }
}

/**
 * One fetch from a subgraph, timed by outcome (ok, errors, failed when `run` throws) and, with
 * tracing on, inside its client span: for ObservedDataSource and the direct path (direct.ts).
 */
export async function observeFetch<T>(
  name: string,
  metrics: HubMetrics,
  run: () => Promise<{ result: T; failed: boolean }>,
): Promise<T> {
  const started = performance.now();
  let outcome = 'failed';
  const observed = async () => {
    const { result, failed } = await run();
    outcome = failed ? 'errors' : 'ok';
    return result;
  };
  try {
    if (!tracingActive()) return await observed();
    return await inSpan(
      `subgraph ${name}`,
      { kind: SpanKind.CLIENT, attributes: { 'graphql.subgraph.name': name } },
      observed,
    );
  } finally {
    metrics.subgraphFetches.observe({ subgraph: name, outcome }, (performance.now() - started) / 1000);
  }
}

const TRACE_CONTEXT = Symbol('trace context');
type TracedLocals = Record<string | symbol, unknown> & { [TRACE_CONTEXT]?: Context };

/**
 * The server span of an HTTP request, a child of the caller's `traceparent` when one is sent.
 * `start` opens it first thing; `enter` makes it the active context right before the handler:
 * body parsing resumes in the socket's context, so entering it earlier would be lost.
 */
export function requestSpans(): { start: RequestHandler; enter: RequestHandler } {
  return {
    start(req, res, next) {
      if (!tracingActive()) {
        next();
        return;
      }
      const parent = contextFromHeaders(req.headers);
      const span = tracer().startSpan(
        `${req.method} ${req.baseUrl || req.path}`,
        {
          kind: SpanKind.SERVER,
          attributes: { 'http.request.method': req.method, 'url.path': req.originalUrl.split('?')[0] ?? '' },
        },
        parent,
      );
      (res.locals as TracedLocals)[TRACE_CONTEXT] = trace.setSpan(parent, span);
      // 'close' follows 'finish', and comes alone when the client went away first.
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      };
      res.once('finish', end);
      res.once('close', end);
      next();
    },
    enter(_req, res, next) {
      const ctx = (res.locals as TracedLocals)[TRACE_CONTEXT];
      if (ctx) context.with(ctx, next);
      else next();
    },
  };
}

/**
 * GET /metrics on the hub's own port: for a department system whose key has `metrics:read`
 * (Prometheus sends it as `authorization: Bearer <key>`).
 */
export function metricsRoute(metrics: HubMetrics, callerOf: (req: Request) => Promise<Caller>): RequestHandler {
  return async (req, res) => {
    try {
      assertScope(await callerOf(req), 'metrics:read');
    } catch (err) {
      const code = err instanceof GraphQLError ? err.extensions.code : undefined;
      if (code !== 'UNAUTHENTICATED' && code !== 'FORBIDDEN') throw err;
      const message = err instanceof GraphQLError ? err.message : 'Forbidden';
      res.status(code === 'UNAUTHENTICATED' ? 401 : 403).json({ errors: [{ message, extensions: { code } }] });
      return;
    }
    const { contentType, body } = await metrics.text();
    res.type(contentType).send(body);
  };
}

/** METRICS_PORT: the metrics alone, without a key, on an address of their own (loopback by default). */
export async function startMetricsServer(
  metrics: HubMetrics,
  port: number,
  host: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.text().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}/metrics`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
