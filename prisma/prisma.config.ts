/**
 * Prisma CLI configuration: runs migrations through the bundled WebAssembly schema engine and
 * node-postgres, so no native engine is ever downloaded (see docs: offline Prisma).
 */
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { loadConfig } from '../src/config/index.js';
import { migrationAdapterFactory } from '../src/platform/db/migration-adapter.js';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(import.meta.dirname, 'schema.prisma'),
  migrations: { path: path.join(import.meta.dirname, 'migrations') },
  adapter: () => Promise.resolve(migrationAdapterFactory(loadConfig().databaseUrl ?? '')),
});
