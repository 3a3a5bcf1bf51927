/**
 * The embedded default database: PGlite (PostgreSQL compiled to WebAssembly) stored under
 * DATA_DIR and served on a loopback port, so Prisma and node-postgres use it like a real server.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDatabase {
  url: string;
  /** True when the data folder did not exist before this start. */
  created: boolean;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Opens (or creates) the PGlite database under `dataDir` and serves it on 127.0.0.1. */
export async function startEmbeddedDatabase(dataDir: string, maxConnections = 10): Promise<EmbeddedDatabase> {
  const dir = path.join(dataDir, 'pgdata');
  const created = !fs.existsSync(path.join(dir, 'PG_VERSION'));
  fs.mkdirSync(dir, { recursive: true });
  const db = await PGlite.create({ dataDir: dir });
  const port = await freePort();
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections });
  await server.start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    created,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
