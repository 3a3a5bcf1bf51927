/**
 * The embedded database's wire server: each client's batch of protocol messages runs whole on
 * PGlite's one session (raw sockets speaking the PostgreSQL protocol), a failure or an abandoned
 * transaction never stops the other clients, and a hub on it answers concurrent GraphQL without
 * errors. These tests start their own embedded databases, also when DATABASE_URL is set.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll } from './helpers/runner.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/platform/db/embedded.js';
import { migrateDeploy } from '../src/platform/db/migrate.js';
import { serveProtocolEngine, type WireServer } from '../src/platform/db/wire-server.js';
import {
  DepartmentsDocument,
  EnterpriseByUsccDocument,
  EnterprisePageDocument,
  RegisterEnterpriseDocument,
  UpdateEnterpriseDocument,
  ViewerDocument,
} from './generated/graphql.js';
import { aDepartment, anEnterpriseInput, aSystemKey } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

// ---- the frontend side of the protocol, just what these tests send ----

function frame(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
const cstr = (s: string) => Buffer.from(`${s}\0`, 'utf8');
const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

function startupMessage(): Buffer {
  const body = Buffer.concat([
    int32(196608),
    cstr('user'),
    cstr('postgres'),
    cstr('database'),
    cstr('postgres'),
    Buffer.alloc(1),
  ]);
  return Buffer.concat([int32(body.length + 4), body]);
}

/** Parse/Bind/Describe/Execute/Sync of `sql` with text parameters, on the unnamed statement and portal. */
function extendedBatch(sql: string, params: string[]): Buffer {
  const values = params.flatMap((p) => [int32(Buffer.byteLength(p)), Buffer.from(p)]);
  return Buffer.concat([
    frame('P', cstr(''), cstr(sql), int16(0)),
    frame('B', cstr(''), cstr(''), int16(0), int16(params.length), ...values, int16(0)),
    frame('D', Buffer.from('P'), cstr('')),
    frame('E', cstr(''), int32(0)),
    frame('S'),
  ]);
}
const simpleQuery = (sql: string) => frame('Q', cstr(sql));

interface Reply {
  types: string;
  rows: (string | null)[][];
  errors: string[];
  /** Status of the last ReadyForQuery. */
  status?: string;
}

/** A raw client connection that reads backend messages up to each ReadyForQuery. */
class RawClient {
  private buf = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const c = new RawClient(socket);
    c.send(startupMessage());
    const hello = await c.reply();
    expect(hello.status).toBe('I');
    return c;
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Backend messages up to and including the next ReadyForQuery (or until the server closes). */
  async reply(timeoutMs = 10_000): Promise<Reply> {
    const reply: Reply = { types: '', rows: [], errors: [] };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.buf.length >= 5 && this.buf.length >= 1 + this.buf.readInt32BE(1)) {
        const type = String.fromCharCode(this.buf[0] ?? 0);
        const len = this.buf.readInt32BE(1);
        const body = this.buf.subarray(5, 1 + len);
        this.buf = this.buf.subarray(1 + len);
        // ParameterStatus may come at any time (PGlite reports settings changed by a later
        // client's startup at the next ReadyForQuery): not part of a batch's answer.
        if (type !== 'S') reply.types += type;
        if (type === 'D') reply.rows.push(dataRow(body));
        if (type === 'E') reply.errors.push(errorField(body, 'M'));
        if (type === 'Z') {
          reply.status = String.fromCharCode(body[0] ?? 0);
          return reply;
        }
      }
      if (this.closed) return reply;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ReadyForQuery within ${timeoutMs} ms (got "${reply.types}")`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  end(): void {
    this.socket.end(frame('X'));
  }
}

function dataRow(body: Buffer): (string | null)[] {
  const n = body.readInt16BE(0);
  const cols: (string | null)[] = [];
  let at = 2;
  for (let i = 0; i < n; i++) {
    const len = body.readInt32BE(at);
    at += 4;
    cols.push(len < 0 ? null : body.subarray(at, at + len).toString('utf8'));
    if (len > 0) at += len;
  }
  return cols;
}

function errorField(body: Buffer, field: string): string {
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const type = String.fromCharCode(body[at] ?? 0);
    const end = body.indexOf(0, at + 1);
    if (type === field) return body.subarray(at + 1, end).toString('utf8');
    at = end + 1;
  }
  return '';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- the wire server on an in-memory PGlite ----

describe('wire server over PGlite', () => {
  let db: PGlite;
  let server: WireServer;
  const events: string[] = [];
  // Fault injection: a batch whose SQL contains this marker makes the engine throw, as a WASM
  // abort or a closed-database race would, instead of answering.
  const FAIL_MARKER = Buffer.from('/* engine-fails */');

  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec('CREATE TABLE items (id int PRIMARY KEY, label text)');
    server = await serveProtocolEngine(
      {
        execProtocolRaw: (message) => {
          if (Buffer.from(message).includes(FAIL_MARKER)) return Promise.reject(new Error('injected engine failure'));
          return db.execProtocolRaw(message);
        },
      },
      { idleInTransactionMs: 400, onEvent: (e) => events.push(e.kind) },
    );
  }, 120_000);
  afterAll(async () => {
    await server.stop();
    await db.close();
  });

  it('runs each connection’s Parse/Bind/Execute/Sync whole although the batches are split across writes and interleaved', async () => {
    const a = await RawClient.connect(server.port);
    const b = await RawClient.connect(server.port);
    // Different parameter counts on the same unnamed statement: interleaving shows as
    // "bind message supplies 1 parameters, but prepared statement "" requires 2".
    const batchA = extendedBatch('SELECT $1::int + $2::int AS sum', ['20', '22']);
    const batchB = extendedBatch("SELECT $1::text || '!' AS shout", ['hello']);
    // A's Parse and half of its Bind, then B's whole batch, then the rest of A's.
    const cut = batchA.indexOf(Buffer.from('B')) + 7;
    a.send(batchA.subarray(0, cut));
    await sleep(100);
    b.send(batchB.subarray(0, 9)); // B itself split in the middle of its Parse
    await sleep(50);
    b.send(batchB.subarray(9));
    await sleep(100);
    a.send(batchA.subarray(cut));
    const [ra, rb] = await Promise.all([a.reply(), b.reply()]);
    expect(ra).toMatchObject({ errors: [], rows: [['42']], status: 'I', types: '12TDCZ' });
    expect(rb).toMatchObject({ errors: [], rows: [['hello!']], status: 'I', types: '12TDCZ' });
    a.end();
    b.end();
  });

  it('keeps the session for one connection from BEGIN to COMMIT: others wait and then see the committed rows', async () => {
    const a = await RawClient.connect(server.port);
    const b = await RawClient.connect(server.port);
    a.send(simpleQuery('BEGIN'));
    expect((await a.reply()).status).toBe('T');
    a.send(extendedBatch('INSERT INTO items VALUES ($1, $2)', ['1', 'one']));
    expect((await a.reply()).status).toBe('T');
    b.send(extendedBatch('SELECT count(*)::text FROM items WHERE id = $1', ['1']));
    const pendingB = b.reply();
    let bAnswered = false;
    void pendingB.then(() => (bAnswered = true));
    await sleep(150);
    expect(bAnswered).toBe(false); // B is not served inside A's transaction
    a.send(simpleQuery('COMMIT'));
    expect((await a.reply()).status).toBe('I');
    expect((await pendingB).rows).toEqual([['1']]);
    a.end();
    b.end();
  });

  it('answers an engine failure with ErrorResponse and ReadyForQuery, and goes on serving everyone', async () => {
    const a = await RawClient.connect(server.port);
    const b = await RawClient.connect(server.port);
    a.send(extendedBatch(`SELECT $1::int ${FAIL_MARKER.toString()}`, ['1']));
    b.send(extendedBatch('SELECT $1::int * 2', ['21']));
    const [ra, rb] = await Promise.all([a.reply(), b.reply()]);
    expect(ra.errors[0]).toMatch(/injected engine failure/);
    expect(ra.status).toBe('I');
    expect(rb).toMatchObject({ errors: [], rows: [['42']] });
    // The failing connection itself is usable again, and so is a new one.
    a.send(extendedBatch('SELECT $1::text', ['again']));
    expect((await a.reply()).rows).toEqual([['again']]);
    const c = await RawClient.connect(server.port);
    c.send(simpleQuery('SELECT 7'));
    expect((await c.reply()).rows).toEqual([['7']]);
    expect(events).toContain('engine-error');
    for (const x of [a, b, c]) x.end();
  });

  it('disconnects a connection idle in its transaction, rolls it back, and serves the others', async () => {
    const a = await RawClient.connect(server.port);
    const b = await RawClient.connect(server.port);
    a.send(simpleQuery('BEGIN; INSERT INTO items VALUES (2, $$two$$)'));
    expect((await a.reply()).status).toBe('T');
    // A goes silent while holding the session; B is served once A's idle timeout (400 ms) ends it.
    const started = Date.now();
    b.send(simpleQuery('SELECT count(*) FROM items WHERE id = 2'));
    const rb = await b.reply(5_000);
    expect(rb.rows).toEqual([['0']]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const ra = await a.reply();
    expect(ra.errors[0]).toMatch(/idle-in-transaction timeout/);
    expect(a.closed).toBe(true);
    expect(events).toContain('idle-timeout');
    b.end();
  });

  it('rolls back the transaction of a client that disconnects without COMMIT', async () => {
    const a = await RawClient.connect(server.port);
    a.send(simpleQuery('BEGIN; INSERT INTO items VALUES (3, $$three$$)'));
    expect((await a.reply()).status).toBe('T');
    a.socket.destroy();
    const b = await RawClient.connect(server.port);
    b.send(simpleQuery('SELECT count(*) FROM items WHERE id = 3'));
    expect((await b.reply()).rows).toEqual([['0']]);
    b.end();
  });

  it('serves a node-postgres pool: 1,000 concurrent parameterised queries and 50 transactions, all correct', async () => {
    const pool = new pg.Pool({ connectionString: `postgresql://postgres@127.0.0.1:${server.port}/postgres`, max: 10 });
    try {
      const results = await Promise.all(
        Array.from({ length: 1_000 }, (_, i) =>
          i % 2
            ? pool.query<{ v: number }>('SELECT $1::int + 1 AS v', [i]).then((r) => r.rows[0]?.v === i + 1)
            : pool
                .query<{ v: string }>('SELECT $1::text || $2::text AS v', [String(i), 'x'])
                .then((r) => r.rows[0]?.v === `${i}x`),
        ),
      );
      expect(results.filter((ok) => !ok)).toHaveLength(0);
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const c = await pool.connect();
          try {
            await c.query('BEGIN');
            await c.query('INSERT INTO items VALUES ($1, $2)', [100 + i, `row ${i}`]);
            await sleep(2);
            await c.query('COMMIT');
          } finally {
            c.release();
          }
        }),
      );
      const n = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM items WHERE id >= 100');
      expect(n.rows[0]?.n).toBe(50);
    } finally {
      await pool.end();
    }
  });
});

// ---- a hub on its own embedded database, under concurrent GraphQL ----

describe('hub on the embedded database', () => {
  let tmp: string;
  let embedded: EmbeddedDatabase;
  let hub: TestHub;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-embedded-'));
    embedded = await startEmbeddedDatabase(tmp);
    await migrateDeploy(embedded.url);
    // The load measures the embedded database, not the rate limits (0 turns them off).
    hub = await startTestHub({
      DATABASE_URL: embedded.url,
      RATE_LIMIT_SYSTEM_PER_MINUTE: '0',
      RATE_LIMIT_PUBLIC_PER_MINUTE: '0',
    });
    // Reads of personal data state a purpose (they are audited), as a department system's would.
    const send = hub.gql.bind(hub);
    hub.gql = (doc, variables, key, headers) => send(doc, variables, key, { 'x-purpose': 'load test', ...headers });
  }, 240_000);
  afterAll(async () => {
    await hub?.stop();
    await embedded?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('answers 2,000 concurrent mixed GraphQL requests (50 at a time) with 0 errors and the right data', async () => {
    const prisma = hub.platform.prisma;
    const dept = (await aDepartment(prisma)).code;
    const { key } = await aSystemKey(prisma, dept, [
      'enterprise:register',
      'enterprise:update',
      'enterprise:read-personal',
    ]);
    const known: ReturnType<typeof anEnterpriseInput>[] = [];
    for (let i = 0; i < 10; i++) {
      const input = anEnterpriseInput(dept);
      const res = await hub.gql(RegisterEnterpriseDocument, { input }, key);
      expect(res.errors).toBeUndefined();
      known.push(input);
    }

    const failures: string[] = [];
    const check = (i: number, ok: boolean, what: unknown) => {
      if (!ok) failures.push(`#${i}: ${JSON.stringify(what).slice(0, 300)}`);
    };
    const request = async (i: number) => {
      const e = known[i % known.length]!;
      switch (i % 6) {
        case 0: {
          const r = await hub.gql(EnterpriseByUsccDocument, { uscc: e.uscc }, key);
          check(
            i,
            !r.errors && r.data?.enterprise?.uscc === e.uscc && r.data.enterprise.registrationAuthority?.code === dept,
            r,
          );
          break;
        }
        case 1: {
          const r = await hub.gql(EnterprisePageDocument, { first: 5, filter: { registrationAuthority: dept } }, key);
          check(i, !r.errors && (r.data?.enterprises.totalCount ?? 0) >= known.length, r);
          break;
        }
        case 2: {
          const r = await hub.gql(ViewerDocument, {}, key);
          check(i, !r.errors && r.data?.viewer.authenticated === true && r.data.viewer.department?.code === dept, r);
          break;
        }
        case 3: {
          const r = await hub.gql(DepartmentsDocument, {});
          check(i, !r.errors && (r.data?.departments.some((d) => d.code === dept) ?? false), r);
          break;
        }
        case 4: {
          const input = anEnterpriseInput(dept);
          const r = await hub.gql(RegisterEnterpriseDocument, { input }, key);
          check(i, !r.errors && r.data?.registerEnterprise.uscc === input.uscc, r);
          break;
        }
        default: {
          const renamed = `${e.name}改名`;
          const r = await hub.gql(UpdateEnterpriseDocument, { uscc: e.uscc, input: { name: `${renamed}${i}` } }, key);
          // Concurrent renames of one enterprise: the answer shows this or a later one.
          check(i, !r.errors && (r.data?.updateEnterprise.name.startsWith(renamed) ?? false), r);
        }
      }
    };

    const total = 2_000;
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        for (let i = next++; i < total; i = next++) {
          try {
            await request(i);
          } catch (err) {
            failures.push(`#${i}: ${String(err)}`);
          }
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(failures.slice(0, 5)).toEqual([]);
    expect(failures).toHaveLength(0);
    // Written rows all arrived: 10 before the run and one per registration in it.
    expect(await prisma.enterprise.count({ where: { registrationAuthorityCode: dept } })).toBe(
      10 + Math.ceil((total - 4) / 6),
    );
    console.info(`2,000 mixed GraphQL requests on the embedded database in ${seconds.toFixed(1)} s`);
  }, 300_000);
});
