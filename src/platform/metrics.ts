/**
 * The hub's Prometheus metrics (prom-client), one registry per hub process. Request-path metrics
 * are counters and histograms updated in memory; everything read from the database or another
 * component (pool, backlogs, lags) is a gauge read only when Prometheus scrapes.
 */
import type pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Cache } from './cache/index.js';
import type { Logger } from './logger.js';

/** One sample of a gauge read at scrape time. */
export interface GaugeSample<L extends string> {
  labels: Partial<Record<L, string>>;
  value: number;
}

/** Operation names are the client's choice: at most this many distinct ones get a series of their own. */
const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class HubMetrics {
  readonly registry = new Registry();
  /** GraphQL operations at the gateway, by operation name and type. */
  readonly operations: Histogram<'operation' | 'type'>;
  /** Errors sent to clients, by extensions.code. */
  readonly errors: Counter<'code'>;
  /** The gateway's calls of subgraphs (in process or over HTTP). */
  readonly subgraphFetches: Histogram<'subgraph' | 'outcome'>;
  readonly cacheLookups: Counter<'result'>;
  private readonly operationNames = new Set<string>();
  private readonly pools = new Map<string, pg.Pool>();

  constructor(private readonly logger: Logger) {
    collectDefaultMetrics({ register: this.registry, prefix: 'hub_' });
    this.operations = new Histogram({
      name: 'hub_graphql_operation_duration_seconds',
      help: 'GraphQL operations answered by the gateway, by operation name (first 200 names; others "(other)") and type',
      labelNames: ['operation', 'type'],
      buckets: SECONDS,
      registers: [this.registry],
    });
    this.errors = new Counter({
      name: 'hub_graphql_errors_total',
      help: 'Errors in GraphQL responses sent to clients, by extensions.code',
      labelNames: ['code'],
      registers: [this.registry],
    });
    this.subgraphFetches = new Histogram({
      name: 'hub_subgraph_fetch_duration_seconds',
      help: 'Subgraph fetches of the gateway, by subgraph and outcome (ok, errors: answered with errors, failed: no answer)',
      labelNames: ['subgraph', 'outcome'],
      buckets: SECONDS,
      registers: [this.registry],
    });
    this.cacheLookups = new Counter({
      name: 'hub_cache_lookups_total',
      help: 'Keys looked up in the cross-request cache, by result (hit, miss)',
      labelNames: ['result'],
      registers: [this.registry],
    });
    this.gauge(
      'hub_db_pool_connections',
      'PostgreSQL pool connections by pool and state (total, idle, waiting = clients queued for a connection)',
      ['pool', 'state'],
      () =>
        [...this.pools].flatMap(([pool, p]) => [
          { labels: { pool, state: 'total' }, value: p.totalCount },
          { labels: { pool, state: 'idle' }, value: p.idleCount },
          { labels: { pool, state: 'waiting' }, value: p.waitingCount },
        ]),
    );
  }

  /** The label of an operation name: bounded in number and shape, so clients cannot blow up the series. */
  operationLabel(name: string | null | undefined): string {
    if (!name) return '(anonymous)';
    if (this.operationNames.has(name)) return name;
    if (!OPERATION_NAME.test(name) || this.operationNames.size >= MAX_OPERATION_NAMES) return '(other)';
    this.operationNames.add(name);
    return name;
  }

  /**
   * A gauge whose samples are read when Prometheus scrapes. A failing read is logged and leaves
   * the gauge empty for that scrape instead of failing the whole scrape.
   */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => Promise<readonly GaugeSample<L>[]> | readonly GaugeSample<L>[],
  ): void {
    const logger = this.logger;
    // A second hub server on the same platform (tests) reads its own objects.
    this.registry.removeSingleMetric(name);
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const s of await read()) this.set(s.labels, s.value);
        } catch (err) {
          logger.warn({ err, metric: name }, 'a metric could not be read for this scrape');
        }
      },
    });
  }

  /** Connections of a node-postgres pool: open, idle, and clients waiting for one. */
  trackPool(pool: string, p: pg.Pool): void {
    this.pools.set(pool, p);
  }

  /** The Prometheus text exposition. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** The cache with every looked-up key counted as a hit or a miss. */
export function countingCache(cache: Cache, metrics: HubMetrics): Cache {
  const hits = metrics.cacheLookups.labels('hit');
  const misses = metrics.cacheLookups.labels('miss');
  return {
    kind: cache.kind,
    async getMany(keys) {
      const values = await cache.getMany(keys);
      let found = 0;
      for (const v of values) if (v !== null) found += 1;
      if (found > 0) hits.inc(found);
      if (values.length > found) misses.inc(values.length - found);
      return values;
    },
    setMany: (entries, ttl, opts) => cache.setMany(entries, ttl, opts),
    delete: (keys) => cache.delete(keys),
    ping: () => cache.ping(),
    close: () => cache.close(),
  };
}
