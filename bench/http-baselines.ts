/**
 * The HTTP baselines of `npm run bench -- http`, served from their own process: node:http
 * answering a fixed JSON body, node:http + pg running the SQL of
 * `licenceByNumber(type, number) { number status validUntil type { name } }`, and a bare Express
 * app (the framework the hub serves HTTP with) answering the same fixed body.
 * Usage: tsx bench/http-baselines.ts <DATABASE_URL>; prints "<node:http port> <Express port>" once listening.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pg from 'pg';

const url = process.argv[2];
if (!url) throw new Error('usage: http-baselines.ts <DATABASE_URL>');
const pool = new pg.Pool({ connectionString: url, max: 8 });
const HELLO = JSON.stringify({ hello: 'world' });
// What the licences subgraph reads for that selection: the licence by its unique (type, number), and its type's name.
const SQL = `SELECT l."number", l."status", l."validUntil", t."name" AS "typeName"
  FROM "Licence" l JOIN "LicenceType" t ON t."code" = l."typeCode"
  WHERE l."typeCode" = $1 AND l."number" = $2`;

const server = http.createServer((req, res) => {
  const u = new URL(req.url ?? '/', 'http://x');
  if (u.pathname === '/hello') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(HELLO);
    return;
  }
  if (u.pathname === '/licence') {
    pool
      .query(SQL, [u.searchParams.get('type'), u.searchParams.get('number')])
      .then((r) => {
        const row = r.rows[0] as
          { number: string; status: string; validUntil: Date | null; typeName: string } | undefined;
        const licence = row
          ? { number: row.number, status: row.status, validUntil: row.validUntil, type: { name: row.typeName } }
          : null;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { licenceByNumber: licence } }));
      })
      .catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
    return;
  }
  res.writeHead(404);
  res.end();
});
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});
const expressServer = http.createServer(app);
const listening = (s: http.Server) =>
  new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
void Promise.all([listening(server), listening(expressServer)]).then(([port, expressPort]) => {
  process.stdout.write(`${port} ${expressPort}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  expressServer.close();
  void pool.end().then(() => process.exit(0));
});
