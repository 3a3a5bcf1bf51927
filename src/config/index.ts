/**
 * The only module that reads process.env: parses and validates the hub's configuration once.
 */
import path from 'node:path';
import { z } from 'zod';

const SUBGRAPH_NAMES = [
  'subjects',
  'directory',
  'licences',
  'penalties',
  'approvals',
  'feed',
  'ingestion',
  'hall',
  'supervision',
] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];
export const subgraphNames: readonly SubgraphName[] = SUBGRAPH_NAMES;

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const envSchema = z.object({
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(4000)),
  HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  DATABASE_URL: z.preprocess(emptyToUndefined, z.string().url().optional()),
  REDIS_URL: z.preprocess(emptyToUndefined, z.string().url().optional()),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./.data')),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  DB_POOL_SIZE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(200).default(10)),
  DB_PREPARED_STATEMENTS: z.preprocess(emptyToUndefined, z.enum(['on', 'off']).default('on')),
  CACHE_TTL_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(300)),
  CACHE_PREFIX: z.preprocess(emptyToUndefined, z.string().default('hub:')),
  RESPONSE_CACHE_TTL_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(300)),
  SUBGRAPH_SHARED_SECRET: z.preprocess(emptyToUndefined, z.string().min(32).optional()),
  // The setting's earlier name, still read so that existing deployments keep working.
  HUB_INTERNAL_SECRET: z.preprocess(emptyToUndefined, z.string().min(32).optional()),
  SUBGRAPH_URLS: z.preprocess(emptyToUndefined, z.string().optional()),
  HUB_SEED_DEMO: z.preprocess(emptyToUndefined, z.enum(['auto', 'always', 'never']).default('auto')),
  GRAPHQL_MAX_DEPTH: z.preprocess(emptyToUndefined, z.coerce.number().int().min(2).default(12)),
  GRAPHQL_MAX_ALIASES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(30)),
  GRAPHQL_MAX_DIRECTIVES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(50)),
  GRAPHQL_MAX_TOKENS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).default(2000)),
  GRAPHQL_MAX_COST: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(20000)),
  GRAPHQL_MAX_BODY_BYTES: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int()
      .min(1024)
      .default(512 * 1024),
  ),
  GRAPHQL_INTROSPECTION: z.preprocess(emptyToUndefined, z.enum(['on', 'off']).optional()),
  NODE_ENV: z.preprocess(emptyToUndefined, z.string().optional()),
  TRUST_PROXY: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(10).default(0)),
  RATE_LIMIT_PUBLIC_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(600)),
  RATE_LIMIT_SYSTEM_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(1200)),
  RATE_LIMIT_AUTH_FAILURES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(10)),
  RATE_LIMIT_AUTH_WINDOW_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(300)),
  HUB_PUBLIC_URL: z.preprocess(emptyToUndefined, z.string().url().optional()),
  QR_SIGNING_KEYS: z.preprocess(emptyToUndefined, z.string().optional()),
  STATUS_LIST_TTL_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(60).default(3600)),
  SUPERVISION_CALLBACK_SHARE: z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(1).default(1)),
  NOTIFIER_DRIVER: z.preprocess(emptyToUndefined, z.enum(['log', 'webhook', 'sms']).default('log')),
  NOTIFIER_WEBHOOK_URL: z.preprocess(emptyToUndefined, z.string().url().optional()),
  SMS_GATEWAY_URL: z.preprocess(emptyToUndefined, z.string().url().optional()),
  SMS_GATEWAY_TOKEN: z.preprocess(emptyToUndefined, z.string().optional()),
  APPROVAL_WORKERS: z.preprocess(emptyToUndefined, z.enum(['on', 'off']).default('on')),
  NOTIFIER_INTERVAL_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(10).default(5000)),
  NOTIFIER_BACKOFF_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(2000)),
  NOTIFIER_MAX_ATTEMPTS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100).default(12)),
  NOTIFIER_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).default(10000)),
  REMINDER_INTERVAL_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(10).default(60000)),
  TRAFFIC_LIGHT_YELLOW_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(1)),
  TRAFFIC_LIGHT_YELLOW_SHARE: z.preprocess(emptyToUndefined, z.coerce.number().gt(0).max(1).default(0.8)),
  FEED_POLL_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(10).default(200)),
  WEBHOOK_WORKER: z.preprocess(emptyToUndefined, z.enum(['on', 'off']).default('on')),
  WEBHOOK_INTERVAL_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(10).default(1000)),
  WEBHOOK_BACKOFF_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(1000)),
  WEBHOOK_MAX_ATTEMPTS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100).default(10)),
  WEBHOOK_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).default(10000)),
  FEED_KEY_RECHECK_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(10000).default(5000)),
  FEED_WS_MAX_CONNECTIONS_PER_ADDRESS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(20)),
  FEED_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(5)),
  OUTBOUND_ALLOW_PRIVATE: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('false')),
  OUTBOUND_ALLOW_HOSTS: z.preprocess(emptyToUndefined, z.string().optional()),
  INGEST_MAX_BYTES: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int()
      .min(1)
      .default(200 * 1024 * 1024),
  ),
  HALL_SESSION_HOURS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(12)),
  HALL_COOKIE_SECURE: z.preprocess(emptyToUndefined, z.enum(['auto', 'on', 'off']).default('auto')),
  HALL_SMS_PER_NUMBER_HOUR: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(5)),
  HALL_SMS_PER_ADDRESS_HOUR: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(20)),
  HALL_UPLOAD_MAX_MB: z.preprocess(emptyToUndefined, z.coerce.number().gt(0).max(100).default(10)),
  HALL_UPLOAD_TYPES: z.preprocess(emptyToUndefined, z.string().default('pdf,jpeg,png')),
  HALL_ANSWER_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(60).default(5)),
  NATS_URL: z.preprocess(emptyToUndefined, z.string().optional()),
  NATS_STREAM: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only')
      .default('HUB_CHANGES'),
  ),
  NATS_SUBJECT_PREFIX: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'dot-separated tokens without wildcards')
      .default('hub.changes'),
  ),
  METRICS_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).optional()),
  METRICS_HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  OTEL_SDK_DISABLED: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('false')),
  OTEL_TRACES_EXPORTER: z.preprocess(emptyToUndefined, z.enum(['none', 'otlp', 'console']).default('none')),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(emptyToUndefined, z.string().url().optional()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.preprocess(emptyToUndefined, z.string().url().optional()),
  OTEL_EXPORTER_OTLP_HEADERS: z.preprocess(emptyToUndefined, z.string().optional()),
  OTEL_SERVICE_NAME: z.preprocess(emptyToUndefined, z.string().default('data-sharing-hub')),
  OTEL_TRACES_SAMPLER: z.preprocess(
    emptyToUndefined,
    z
      .enum([
        'always_on',
        'always_off',
        'traceidratio',
        'parentbased_always_on',
        'parentbased_always_off',
        'parentbased_traceidratio',
      ])
      .default('parentbased_always_on'),
  ),
  OTEL_TRACES_SAMPLER_ARG: z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(1).default(1)),
});

/** Every environment variable the hub reads (README's configuration tables document each one). */
export const settingNames: readonly string[] = Object.keys(envSchema.shape);

export interface HubConfig {
  port: number;
  host: string;
  /** Real PostgreSQL; undefined means the embedded PGlite default. */
  databaseUrl: string | undefined;
  /** Real Redis; undefined means the in-memory cache. */
  redisUrl: string | undefined;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  dbPoolSize: number;
  /** Hot reads as named prepared statements (PostgreSQL only; off behind a pooler that cannot keep them). */
  dbPreparedStatements: boolean;
  cacheTtlSeconds: number;
  cachePrefix: string;
  /** How long a cached answer of a public or scoped read may be kept (0: no response cache); commits invalidate it at once. */
  responseCacheTtlSeconds: number;
  /**
   * The secret every gateway sends to remote subgraphs (header x-hub-gateway-secret) as proof that
   * a call came through a gateway; required for remote subgraphs and for `hub subgraph`.
   */
  subgraphSharedSecret: string | undefined;
  /** Remote subgraph URLs by name; empty means all subgraphs run in the gateway's process. */
  subgraphUrls: Partial<Record<SubgraphName, string>>;
  seedDemo: 'auto' | 'always' | 'never';
  /** Limits every operation must meet before it is planned (validation is linear in the document). */
  queryLimits: { maxDepth: number; maxAliases: number; maxDirectives: number; maxTokens: number; maxCost: number };
  /** Largest JSON body /graphql parses (parsing happens before any GraphQL limit can look at it). */
  graphqlMaxBodyBytes: number;
  /** Whether `__schema`/`__type` and "Did you mean" suggestions are served. */
  introspection: boolean;
  /** Proxy hops in front of the hub whose X-Forwarded-For is believed (0: the socket's address). */
  trustProxy: number;
  /** Requests per minute; 0 turns a limit off. Shared through Redis when REDIS_URL is set. */
  rateLimits: {
    publicPerMinute: number;
    /** Default quota of a department system (DepartmentSystem.rateLimitPerMinute overrides it). */
    systemPerMinute: number;
    /** Failed authentications an address may make per window before it is refused outright. */
    authFailures: number;
    authWindowSeconds: number;
  };
  /** Base URL printed in QR codes and links (no trailing slash). */
  publicUrl: string;
  /** QR signing key ring as JSON; undefined means generated and kept in DATA_DIR/qr-keys.json. */
  qrSigningKeys: string | undefined;
  /** How long a published licence status list is valid (its `exp`); offline verifiers refresh within it. */
  statusListTtlSeconds: number;
  /** Share (0..1) of concluded cases that get a callback task (回访); 1 = all. */
  supervision: { callbackShare: number };
  /** How applicants and departments are notified of case events (outbox delivery). */
  notifier: {
    /** Whether this process delivers case notifications and scans traffic lights (several may). */
    workers: boolean;
    driver: 'log' | 'webhook' | 'sms';
    webhookUrl: string | undefined;
    smsGatewayUrl: string | undefined;
    smsGatewayToken: string | undefined;
    /** Pause between delivery rounds. */
    intervalMs: number;
    /** First retry delay; doubles per attempt (capped at one hour). */
    backoffMs: number;
    /** After this many failed attempts a message is kept as FAILED for an operator. */
    maxAttempts: number;
    timeoutMs: number;
    /** Pause between traffic-light reminder scans. */
    reminderIntervalMs: number;
  };
  /** A case turns yellow with at most `yellowDays` working days left or `yellowShare` of its limit used. */
  trafficLight: { yellowDays: number; yellowShare: number };
  /** The change feed: subscription dispatch and webhook delivery. */
  feed: {
    /** How often each hub process polls the outbox for subscribers (a Redis nudge polls at once). */
    pollMs: number;
    webhooks: {
      /** Whether this process runs the webhook worker (several may: deliveries are claimed). */
      enabled: boolean;
      /** Pause between delivery rounds. */
      intervalMs: number;
      /** First retry delay; doubles per attempt (capped at one hour). */
      backoffMs: number;
      /** After this many failed attempts a delivery is kept as FAILED. */
      maxAttempts: number;
      timeoutMs: number;
    };
    /** How often open subscriptions re-check their API key (a revoked key's streams close by then). */
    keyRecheckMs: number;
    /** Open WebSocket connections per client address (TRUST_PROXY applies); more get 429. */
    wsMaxConnectionsPerAddress: number;
    /** Subscriptions at once on one WebSocket connection; more are refused with an error. */
    wsMaxSubscriptionsPerConnection: number;
  };
  /** Which destinations webhooks and the notifier may call (public unicast addresses only by default). */
  outbound: {
    allowPrivate: boolean;
    /** Host names, IP addresses or CIDR ranges allowed although not public. */
    allowHosts: string[];
  };
  /** Largest `POST /ingest` body, in bytes after decompression; larger ones get 413. */
  ingestMaxBytes: number;
  hall: HallConfig;
  /** Change events also published to NATS JetStream; undefined when NATS_URL is unset. */
  nats: NatsConfig | undefined;
  /** Prometheus metrics: always at /metrics for a key with metrics:read; also on their own port when set. */
  metrics: { port: number | undefined; host: string };
  tracing: TracingConfig;
}

/** The JetStream relay of the change feed. */
export interface NatsConfig {
  /** Comma-separated server URLs (nats://host:4222). */
  servers: string[];
  stream: string;
  /** Events go to `<subjectPrefix>.<entity type, lower case>`. */
  subjectPrefix: string;
}

/** OpenTelemetry tracing, from the standard OTEL_* variables; off unless an exporter is named. */
export interface TracingConfig {
  exporter: 'none' | 'otlp' | 'console';
  /** Full URL spans are POSTed to (OTLP/HTTP JSON). */
  otlpTracesUrl: string;
  otlpHeaders: Record<string, string>;
  serviceName: string;
  sampler:
    | 'always_on'
    | 'always_off'
    | 'traceidratio'
    | 'parentbased_always_on'
    | 'parentbased_always_off'
    | 'parentbased_traceidratio';
  samplerRatio: number;
}

/** The online hall: applicants' sessions, SMS codes, uploads and answer limits. */
export interface HallConfig {
  sessionHours: number;
  /** Secure cookies: on, off, or auto (on when HUB_PUBLIC_URL is https). */
  secureCookies: boolean;
  /** SMS codes a number may be sent per hour, and an address may ask for per hour. */
  smsPerNumberHour: number;
  smsPerAddressHour: number;
  uploadMaxBytes: number;
  uploadTypes: readonly ('pdf' | 'jpeg' | 'png')[];
  /** Working days a department has to answer a complaint or consultation. */
  answerDays: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** `key=value,key2=value2` (values percent-decoded), as OTEL_EXPORTER_OTLP_HEADERS is written. */
function parseOtlpHeaders(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (raw ?? '').split(',').map((p) => p.trim())) {
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq < 1) throw new ConfigError(`OTEL_EXPORTER_OTLP_HEADERS: "${part}" is not key=value`);
    out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

function parseNatsServers(raw: string): string[] {
  const servers = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of servers) {
    if (!/^(nats|tls|wss?):\/\/[^\s]+$/.test(s) && !/^[A-Za-z0-9.-]+(:\d+)?$/.test(s)) {
      throw new ConfigError(`NATS_URL: "${s}" is not a NATS server URL (nats://host:4222)`);
    }
  }
  if (servers.length === 0) throw new ConfigError('NATS_URL: no server given');
  return servers;
}

/** Parses `name=url,...` (SUBGRAPH_URLS, `hub supergraph --urls`); throws ConfigError on a bad part. */
export function parseSubgraphUrls(raw: string | undefined): Partial<Record<SubgraphName, string>> {
  const out: Partial<Record<SubgraphName, string>> = {};
  if (!raw) return out;
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const url = part.slice(eq + 1).trim();
    if (eq < 1 || !(SUBGRAPH_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError(`"${part}" is not name=url with name one of ${SUBGRAPH_NAMES.join(', ')}`);
    }
    if (!z.string().url().safeParse(url).success) {
      throw new ConfigError(`"${url}" for ${name} is not a URL`);
    }
    out[name as SubgraphName] = url;
  }
  return out;
}

/** Parses the environment (process.env by default); throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  let subgraphUrls: Partial<Record<SubgraphName, string>>;
  try {
    subgraphUrls = parseSubgraphUrls(e.SUBGRAPH_URLS);
  } catch (err) {
    throw new ConfigError(`SUBGRAPH_URLS: ${err instanceof Error ? err.message : String(err)}`);
  }
  const subgraphSharedSecret = e.SUBGRAPH_SHARED_SECRET ?? e.HUB_INTERNAL_SECRET;
  if (Object.keys(subgraphUrls).length > 0 && !subgraphSharedSecret) {
    throw new ConfigError(
      'SUBGRAPH_URLS is set, so SUBGRAPH_SHARED_SECRET (at least 32 characters, the same on every gateway and subgraph) must be set too',
    );
  }
  if (e.NOTIFIER_DRIVER === 'webhook' && !e.NOTIFIER_WEBHOOK_URL) {
    throw new ConfigError(
      'NOTIFIER_DRIVER=webhook needs NOTIFIER_WEBHOOK_URL (the URL messages are POSTed to as JSON)',
    );
  }
  if (e.NOTIFIER_DRIVER === 'sms' && !e.SMS_GATEWAY_URL) {
    throw new ConfigError(
      'NOTIFIER_DRIVER=sms needs SMS_GATEWAY_URL (the SMS gateway endpoint messages are POSTed to)',
    );
  }
  const uploadTypes = e.HALL_UPLOAD_TYPES.split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  const badType = uploadTypes.find((t) => !['pdf', 'jpeg', 'png'].includes(t));
  if (badType) throw new ConfigError(`HALL_UPLOAD_TYPES: "${badType}" is not one of pdf, jpeg, png`);
  const publicUrl = (e.HUB_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    dbPoolSize: e.DB_POOL_SIZE,
    dbPreparedStatements: e.DB_PREPARED_STATEMENTS === 'on',
    cacheTtlSeconds: e.CACHE_TTL_SECONDS,
    cachePrefix: e.CACHE_PREFIX,
    responseCacheTtlSeconds: e.RESPONSE_CACHE_TTL_SECONDS,
    subgraphSharedSecret,
    subgraphUrls,
    seedDemo: e.HUB_SEED_DEMO,
    queryLimits: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxCost: e.GRAPHQL_MAX_COST,
    },
    graphqlMaxBodyBytes: e.GRAPHQL_MAX_BODY_BYTES,
    introspection: (e.GRAPHQL_INTROSPECTION ?? (e.NODE_ENV === 'production' ? 'off' : 'on')) === 'on',
    trustProxy: e.TRUST_PROXY,
    rateLimits: {
      publicPerMinute: e.RATE_LIMIT_PUBLIC_PER_MINUTE,
      systemPerMinute: e.RATE_LIMIT_SYSTEM_PER_MINUTE,
      authFailures: e.RATE_LIMIT_AUTH_FAILURES,
      authWindowSeconds: e.RATE_LIMIT_AUTH_WINDOW_SECONDS,
    },
    publicUrl,
    qrSigningKeys: e.QR_SIGNING_KEYS,
    statusListTtlSeconds: e.STATUS_LIST_TTL_SECONDS,
    notifier: {
      workers: e.APPROVAL_WORKERS === 'on',
      driver: e.NOTIFIER_DRIVER,
      webhookUrl: e.NOTIFIER_WEBHOOK_URL,
      smsGatewayUrl: e.SMS_GATEWAY_URL,
      smsGatewayToken: e.SMS_GATEWAY_TOKEN,
      intervalMs: e.NOTIFIER_INTERVAL_MS,
      backoffMs: e.NOTIFIER_BACKOFF_MS,
      maxAttempts: e.NOTIFIER_MAX_ATTEMPTS,
      timeoutMs: e.NOTIFIER_TIMEOUT_MS,
      reminderIntervalMs: e.REMINDER_INTERVAL_MS,
    },
    trafficLight: { yellowDays: e.TRAFFIC_LIGHT_YELLOW_DAYS, yellowShare: e.TRAFFIC_LIGHT_YELLOW_SHARE },
    supervision: { callbackShare: e.SUPERVISION_CALLBACK_SHARE },
    feed: {
      pollMs: e.FEED_POLL_MS,
      webhooks: {
        enabled: e.WEBHOOK_WORKER === 'on',
        intervalMs: e.WEBHOOK_INTERVAL_MS,
        backoffMs: e.WEBHOOK_BACKOFF_MS,
        maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
        timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      },
      keyRecheckMs: e.FEED_KEY_RECHECK_MS,
      wsMaxConnectionsPerAddress: e.FEED_WS_MAX_CONNECTIONS_PER_ADDRESS,
      wsMaxSubscriptionsPerConnection: e.FEED_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
    },
    outbound: {
      allowPrivate: e.OUTBOUND_ALLOW_PRIVATE === 'true',
      allowHosts: (e.OUTBOUND_ALLOW_HOSTS ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    },
    ingestMaxBytes: e.INGEST_MAX_BYTES,
    nats: e.NATS_URL
      ? { servers: parseNatsServers(e.NATS_URL), stream: e.NATS_STREAM, subjectPrefix: e.NATS_SUBJECT_PREFIX }
      : undefined,
    metrics: { port: e.METRICS_PORT, host: e.METRICS_HOST },
    tracing: {
      exporter: e.OTEL_SDK_DISABLED === 'true' ? 'none' : e.OTEL_TRACES_EXPORTER,
      otlpTracesUrl:
        e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
        `${(e.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/+$/, '')}/v1/traces`,
      otlpHeaders: parseOtlpHeaders(e.OTEL_EXPORTER_OTLP_HEADERS),
      serviceName: e.OTEL_SERVICE_NAME,
      sampler: e.OTEL_TRACES_SAMPLER,
      samplerRatio: e.OTEL_TRACES_SAMPLER_ARG,
    },
    hall: {
      sessionHours: e.HALL_SESSION_HOURS,
      secureCookies:
        e.HALL_COOKIE_SECURE === 'on' || (e.HALL_COOKIE_SECURE === 'auto' && publicUrl.startsWith('https:')),
      smsPerNumberHour: e.HALL_SMS_PER_NUMBER_HOUR,
      smsPerAddressHour: e.HALL_SMS_PER_ADDRESS_HOUR,
      uploadMaxBytes: Math.round(e.HALL_UPLOAD_MAX_MB * 1024 * 1024),
      uploadTypes: uploadTypes as HallConfig['uploadTypes'],
      answerDays: e.HALL_ANSWER_DAYS,
    },
  };
}

/**
 * @apollo/gateway (2.14) sends usage metrics to Apollo's servers and, to describe the machine, asks
 * the cloud metadata addresses (169.254.169.254 …) of AWS, GCP, Azure and Alibaba, unless
 * APOLLO_TELEMETRY_DISABLED is set when a gateway is made. The hub never calls out on its own:
 * the gateway code turns it off before making one (a deployment cannot forget to).
 */
export function disableVendorTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  env.APOLLO_TELEMETRY_DISABLED = 'true';
}

/** Environment for child processes (e.g. the Prisma CLI) that must see a given database. */
export function childEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}
