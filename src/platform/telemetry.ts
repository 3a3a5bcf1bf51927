/**
 * OpenTelemetry tracing: off unless OTEL_TRACES_EXPORTER names an exporter. Spans are made by
 * hand at the few places a request crosses a boundary (HTTP in, subgraph fetch, SQL), because
 * auto-instrumentation patches CommonJS `require` and does not see this native-ESM hub without a
 * loader hook. While tracing is off nothing is started, nothing is sent, and the hooks below
 * cost one boolean test (or one look-up of the active span).
 */
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { Sampler, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { TracingConfig } from '../config/index.js';

export { context, SpanKind, SpanStatusCode };

const TRACER_NAME = 'data-sharing-hub';
let active = false;

/** Whether this process records spans (startTracing ran and its exporter is not `none`). */
export function tracingActive(): boolean {
  return active;
}

export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

export interface Tracing {
  /** Flushes pending spans and unregisters the provider. */
  shutdown(): Promise<void>;
}

type Sdk = typeof import('@opentelemetry/sdk-trace-node');

function sampler(cfg: TracingConfig, sdk: Sdk): Sampler {
  const { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler } = sdk;
  const ratio = new TraceIdRatioBasedSampler(cfg.samplerRatio);
  switch (cfg.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/**
 * Registers the global tracer provider, W3C trace-context propagation and the AsyncLocalStorage
 * context manager. `exporter` replaces the configured one (tests pass an in-memory exporter).
 * Call it before anything else starts; with the `none` exporter and no override it does nothing.
 */
export async function startTracing(cfg: TracingConfig, override?: { exporter: SpanExporter }): Promise<Tracing> {
  if (!override && cfg.exporter === 'none') return { shutdown: () => Promise.resolve() };
  // The SDK and exporters are loaded only when tracing is on: while it is off, only the API
  // (whose calls are no-ops) is part of the process.
  const sdk = await import('@opentelemetry/sdk-trace-node');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  let processor: SpanProcessor;
  if (override) processor = new sdk.SimpleSpanProcessor(override.exporter);
  else if (cfg.exporter === 'console') processor = new sdk.SimpleSpanProcessor(new sdk.ConsoleSpanExporter());
  else {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    processor = new sdk.BatchSpanProcessor(new OTLPTraceExporter({ url: cfg.otlpTracesUrl, headers: cfg.otlpHeaders }));
  }
  const provider = new sdk.NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': cfg.serviceName }),
    sampler: sampler(cfg, sdk),
    spanProcessors: [processor],
  });
  provider.register();
  active = true;
  return {
    async shutdown() {
      active = false;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

type HeaderValue = string | string[] | undefined;

/** The context of an incoming request: its `traceparent` / `tracestate`, if any, as the parent. */
export function contextFromHeaders(headers: Record<string, HeaderValue>): Context {
  return propagation.extract(ROOT_CONTEXT, headers, {
    keys: (h) => Object.keys(h),
    get: (h, key) => h[key],
  });
}

/** Writes the active context's `traceparent` (and `tracestate`) into outgoing headers. */
export function injectTraceHeaders(set: (name: string, value: string) => void): void {
  propagation.inject(context.active(), undefined, { set: (_carrier, name, value) => set(name, value) });
}

/** Runs `fn` inside a new span (child of the active one); the span ends when fn settles. */
export async function inSpan<T>(
  name: string,
  opts: { kind?: SpanKind; attributes?: Record<string, string | number | boolean> },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes }, (span) =>
    fn(span).then(
      (value) => {
        span.end();
        return value;
      },
      (err: unknown) => {
        span.recordException(err instanceof Error ? err : String(err));
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        throw err;
      },
    ),
  );
}

/** The span of the active context when it is being recorded (tracing on and sampled). */
export function recordingSpan(): Span | undefined {
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span : undefined;
}
