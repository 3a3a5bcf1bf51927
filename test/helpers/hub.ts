/**
 * Starts a real hub (gateway, in-process subgraphs, real database, real or memory cache) on a
 * free loopback port, and sends GraphQL over HTTP to it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { inject } from './runner.js';
import { loadConfig, type HubConfig } from '../../src/config/index.js';
import { startPlatform, type RunningPlatform } from '../../src/platform/bootstrap.js';
import { createHubServer, type HubServer } from '../../src/gateway/server.js';
import { createLogger } from '../../src/platform/logger.js';

export interface GqlResult<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> & { code?: string } }[];
}

export interface TestHub {
  url: string;
  platform: RunningPlatform;
  server: HubServer;
  /** `headers`: extra request headers, e.g. x-purpose for reading personal data unmasked. */
  gql<T, V>(
    doc: TypedDocumentNode<T, V> | DocumentNode | string,
    variables?: V,
    key?: string,
    headers?: Record<string, string>,
  ): Promise<GqlResult<T>>;
  stop(): Promise<void>;
}

// One data folder (QR keys) per test file, never the project's ./.data.
const testDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-test-data-'));

/**
 * The hub with every request stating a purpose (x-purpose, audited), as case handling must: it
 * reads the applicant's personal data. A request's own headers still win.
 */
export function statingPurpose(hub: TestHub, purpose: string): TestHub {
  const send = hub.gql.bind(hub);
  hub.gql = (doc, variables, key, headers) => send(doc, variables, key, { 'x-purpose': purpose, ...headers });
  return hub;
}

export function testConfig(env: Record<string, string | undefined> = {}): HubConfig {
  return loadConfig({
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    LOG_LEVEL: 'silent',
    // Tests drive notification delivery and reminders themselves, with clocks they control.
    APPROVAL_WORKERS: 'off',
    CACHE_PREFIX: `test:${process.pid}:${Date.now()}:`,
    DATA_DIR: testDataDir,
    ...env,
  });
}

export async function startTestHub(env: Record<string, string | undefined> = {}): Promise<TestHub> {
  const config = testConfig(env);
  const platform = await startPlatform(config, { migrate: false, logger: createLogger('silent') });
  const server = await createHubServer(platform);
  const url = await server.listen(0, '127.0.0.1');
  return {
    url,
    platform,
    server,
    async gql(doc, variables, key, headers) {
      const query = typeof doc === 'string' ? doc : print(doc);
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as Omit<GqlResult<never>, 'status'>;
      return { status: res.status, ...body };
    },
    async stop() {
      await server.stop();
      await platform.close();
    },
  };
}
