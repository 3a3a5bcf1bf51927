/**
 * Gives the test run a migrated database: DATABASE_URL when set (CI creates a fresh one),
 * otherwise the embedded PGlite default in a temporary folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../src/config/index.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/platform/db/embedded.js';
import { migrateDeploy } from '../src/platform/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string | undefined;
  }
}

let embedded: EmbeddedDatabase | undefined;
let tmp: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  const config = loadConfig();
  let url = config.databaseUrl;
  if (!url) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-test-'));
    embedded = await startEmbeddedDatabase(tmp, 20);
    url = embedded.url;
  }
  await migrateDeploy(url);
  project.provide('databaseUrl', url);
  project.provide('redisUrl', config.redisUrl);
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}
