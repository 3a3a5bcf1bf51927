/**
 * Serves one PGlite session to many PostgreSQL clients over TCP, running each client's batch of
 * protocol messages whole (up to Sync or a simple Query) so that clients never interleave.
 *
 * Why our own server instead of @electric-sql/pglite-socket (0.2.17, the newest release): it
 * queues single messages across connections and keeps a connection's turn only while a SQL
 * transaction is open, so two clients' Parse/Bind/Execute/Sync batches interleave on PGlite's one
 * session and one binds the other's unnamed statement ("bind message supplies 1 parameters, but
 * prepared statement "" requires 2"); and one exception inside its queue leaves the queue stuck
 * for every connection (electric-sql/pglite#1046, fix proposed in #977, neither released). A
 * maintained fork does not exist. The protocol part we need is small: frame messages, take the
 * session lock, hand the batch to PGlite, release the lock when PGlite reports ReadyForQuery idle.
 */
import net from 'node:net';

/** What the server needs from PGlite: run frontend protocol bytes, return backend bytes. */
export interface ProtocolEngine {
  execProtocolRaw(message: Uint8Array): Promise<Uint8Array>;
}

export interface WireServerOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Connections above this are refused with SQLSTATE 53300, as PostgreSQL does. */
  maxConnections?: number;
  /**
   * A client that keeps the session (open transaction, unfinished COPY or Flush-ed portal) and
   * sends nothing for this long is disconnected and its transaction rolled back, so an abandoned
   * connection cannot stop every other one (PostgreSQL's idle_in_transaction_session_timeout).
   */
  idleInTransactionMs?: number;
  /** Told about engine failures and timeouts; never about ordinary SQL errors (the client gets those). */
  onEvent?: (event: { kind: 'engine-error' | 'idle-timeout'; connection: number; error?: unknown }) => void;
}

export interface WireServer {
  port: number;
  host: string;
  /** Open client connections. */
  connections(): number;
  stop(): Promise<void>;
}

const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

// Messages after which the backend answers and the client waits: a batch ends at one of these.
// Sync and Query end with ReadyForQuery; Flush, CopyDone/CopyFail and FunctionCall also make the
// backend speak, so the client may wait for an answer without sending more.
const BATCH_ENDS = new Set(['S', 'Q', 'H', 'c', 'f', 'F']);
const TERMINATE = 'X'.charCodeAt(0);

/** A FIFO lock on the one PGlite session. */
class SessionLock {
  private held = false;
  private readonly waiters: (() => void)[] = [];

  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/** An ErrorResponse with severity, SQLSTATE and message. */
export function errorResponse(severity: 'ERROR' | 'FATAL', code: string, text: string): Buffer {
  const field = (t: string, v: string) =>
    Buffer.concat([Buffer.from(t, 'latin1'), Buffer.from(v, 'utf8'), Buffer.alloc(1)]);
  return message(
    'E',
    Buffer.concat([field('S', severity), field('V', severity), field('C', code), field('M', text), Buffer.alloc(1)]),
  );
}

const READY_IDLE = message('Z', Buffer.from('I', 'latin1'));
// Gets the session back to a known state after a failure: end a COPY if one is open, end an
// extended-protocol batch (Sync); a transaction left open is rolled back after that.
const RESET = Buffer.concat([message('f', Buffer.from('connection reset\0', 'utf8')), message('S', Buffer.alloc(0))]);
const ROLLBACK = message('Q', Buffer.from('ROLLBACK\0', 'utf8'));

/** The status byte of the last ReadyForQuery in a backend response ('I', 'T', 'E'), if any. */
export function lastReadyStatus(response: Uint8Array): string | undefined {
  const buf = Buffer.from(response.buffer, response.byteOffset, response.byteLength);
  let status: string | undefined;
  let at = 0;
  while (at + 5 <= buf.length) {
    const len = buf.readInt32BE(at + 1);
    if (len < 4) break;
    if (buf[at] === 0x5a && len === 5 && at + 5 < buf.length) status = String.fromCharCode(buf[at + 5] ?? 0);
    at += 1 + len;
  }
  return status;
}

/** Serves `engine` on a loopback port. */
export async function serveProtocolEngine(engine: ProtocolEngine, opts: WireServerOptions = {}): Promise<WireServer> {
  const host = opts.host ?? '127.0.0.1';
  const maxConnections = opts.maxConnections ?? 100;
  const idleInTransactionMs = opts.idleInTransactionMs ?? 30_000;
  const lock = new SessionLock();
  const open = new Set<Connection>();
  let nextId = 1;

  async function run(batch: Uint8Array): Promise<Uint8Array> {
    return engine.execProtocolRaw(batch);
  }

  /** Rolls back whatever the failed or abandoned client left open. The caller holds the lock. */
  async function resetSession(): Promise<void> {
    try {
      const status = lastReadyStatus(await run(RESET));
      if (status !== 'I') await run(ROLLBACK);
    } catch {
      // The engine failing again is reported to whoever runs next; nothing more to undo here.
    }
  }

  class Connection {
    readonly id = nextId++;
    private buffer: Buffer = Buffer.alloc(0);
    private started = false;
    private busy = false;
    private closed = false;
    /** This connection has the session: inside a transaction, COPY, or a Flush-ed batch. */
    private holding = false;
    private idleTimer: NodeJS.Timeout | undefined;

    constructor(private readonly socket: net.Socket) {
      socket.setNoDelay(true);
      socket.on('data', (chunk: Buffer) => {
        this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
        void this.pump();
      });
      socket.on('error', () => this.close());
      socket.on('close', () => this.close());
    }

    private write(bytes: Uint8Array): void {
      // Copied: PGlite may hand out a view of its receive buffer, which the next call overwrites.
      if (!this.closed && bytes.length > 0) this.socket.write(Buffer.from(bytes));
    }

    /** The next unit of work: a startup-phase packet, or complete messages up to a batch end. */
    private take(): { kind: 'startup' | 'batch'; bytes: Buffer } | { kind: 'terminate' | 'garbled' } | undefined {
      const buf = this.buffer;
      if (!this.started) {
        if (buf.length < 8) return undefined;
        const len = buf.readInt32BE(0);
        if (len < 8 || len > 10_000) return { kind: 'garbled' };
        if (buf.length < len) return undefined;
        this.buffer = buf.subarray(len);
        return { kind: 'startup', bytes: buf.subarray(0, len) };
      }
      let at = 0;
      let end = 0;
      while (at + 5 <= buf.length) {
        const type = buf[at] ?? 0;
        const len = buf.readInt32BE(at + 1);
        if (len < 4) return { kind: 'garbled' };
        const next = at + 1 + len;
        if (next > buf.length) break;
        if (type === TERMINATE) {
          // Terminate is never passed to PGlite: in its single-user backend it would end the session for all.
          if (end === 0 && at === 0) return { kind: 'terminate' };
          break;
        }
        at = next;
        if (BATCH_ENDS.has(String.fromCharCode(type))) end = at;
      }
      if (end === 0) return undefined;
      this.buffer = buf.subarray(end);
      return { kind: 'batch', bytes: buf.subarray(0, end) };
    }

    private async pump(): Promise<void> {
      if (this.busy) return;
      this.busy = true;
      try {
        for (let unit = this.take(); unit && !this.closed; unit = this.take()) {
          if (unit.kind === 'terminate') {
            this.socket.end();
            this.close();
          } else if (unit.kind === 'garbled') this.fail('FATAL', '08P01', 'invalid message length');
          else if (unit.kind === 'startup') await this.startup(unit.bytes);
          else if (unit.kind === 'batch') await this.execute(unit.bytes);
        }
      } finally {
        this.busy = false;
      }
      if (this.closed) await this.finish();
    }

    private async startup(packet: Buffer): Promise<void> {
      const code = packet.readInt32BE(4);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        this.socket.write('N'); // loopback only: no TLS, the client goes on in clear
        return;
      }
      if (code === CANCEL_REQUEST) {
        // A batch runs to completion inside PGlite; there is nothing to cancel.
        this.socket.destroy();
        this.close();
        return;
      }
      if (code !== PROTOCOL_3) {
        this.fail('FATAL', '0A000', `unsupported frontend protocol ${code >> 16}.${code & 0xffff}`);
        return;
      }
      this.started = true;
      await this.execute(packet);
    }

    /** Runs one batch with the session lock held, keeping the lock while the client has the session. */
    private async execute(batch: Buffer): Promise<void> {
      clearTimeout(this.idleTimer);
      if (!this.holding) {
        await lock.acquire();
        if (this.closed) {
          lock.release(); // gone while waiting
          return;
        }
        this.holding = true;
      }
      let status: string | undefined;
      try {
        const response = await run(batch);
        this.write(response);
        status = lastReadyStatus(response);
      } catch (error) {
        opts.onEvent?.({ kind: 'engine-error', connection: this.id, error });
        this.write(
          errorResponse(
            'ERROR',
            'XX000',
            `embedded database failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
        this.write(READY_IDLE);
        await resetSession();
        status = 'I';
      }
      if (status === 'I') {
        this.holding = false;
        lock.release();
      } else if (!this.closed) {
        this.idleTimer = setTimeout(() => this.timeOut(), idleInTransactionMs);
      }
    }

    private timeOut(): void {
      if (this.busy || this.closed || !this.holding) return;
      opts.onEvent?.({ kind: 'idle-timeout', connection: this.id });
      this.fail('FATAL', '25P03', 'terminating connection due to idle-in-transaction timeout');
    }

    private fail(severity: 'ERROR' | 'FATAL', code: string, text: string): void {
      this.write(errorResponse(severity, code, text));
      this.socket.end();
      this.close();
    }

    destroy(): void {
      this.socket.destroy();
      this.close();
    }

    close(): void {
      if (this.closed) return;
      this.closed = true;
      clearTimeout(this.idleTimer);
      open.delete(this);
      if (!this.busy) void this.finish();
    }

    /** Gives the session back after the client went away while holding it. */
    private async finish(): Promise<void> {
      if (!this.holding) return;
      this.holding = false;
      await resetSession();
      lock.release();
    }
  }

  const server = net.createServer((socket) => {
    if (open.size >= maxConnections) {
      socket.end(errorResponse('FATAL', '53300', 'sorry, too many clients already'));
      return;
    }
    open.add(new Connection(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    host,
    connections: () => open.size,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Sockets are destroyed so that server.close() does not wait for clients that linger.
      for (const c of [...open]) c.destroy();
      await closed;
      // Batches already running and rollbacks of abandoned transactions finish before PGlite closes.
      await lock.acquire();
      lock.release();
    },
  };
}
