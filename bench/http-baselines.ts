/**
 * The HTTP baselines of `npm run bench -- http`, served from their own process: node:http
 * answering a fixed JSON body, and node:http + pg running the SQL of
 * `licenceByNumber(type, number) { number status validUntil type { name } }`.
 * Usage: tsx bench/http-baselines.ts <DATABASE_URL>; prints the port once listening.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
