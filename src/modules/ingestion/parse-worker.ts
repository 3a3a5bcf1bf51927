/**
 * Parses an export file in a worker thread, so that a large or pathological file (a 50 MB line,
 * deeply nested XML) never holds the hub's event loop: the main thread only receives the
 * records, in batches it can take in between other work.
 *
 * The hub runs its TypeScript through tsx: see startWorker for how the worker loads this file.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { AdapterFileError, type ParsedRecord } from '../../../adapters/adapter.js';
import { adapters } from '../../../adapters/registry.js';

/** A record whose raw values exceed this is quarantined with a cut-down copy (no export has such records). */
export const MAX_RECORD_CHARS = 1_000_000;
const BATCH = 1000;

interface ParseRequest {
  adapter: string;
  file: string;
  bytes: Uint8Array;
}

type ParseMessage =
  | { type: 'records'; records: ParsedRecord[] }
  | { type: 'done' }
  | { type: 'file-error'; file: string; reason: string }
  | { type: 'error'; message: string };

/** An oversized record keeps its place and id but not its values. */
function bounded(r: ParsedRecord): ParsedRecord {
  const size = JSON.stringify(r.raw).length;
  if (size <= MAX_RECORD_CHARS) return r;
  return {
    ...r,
    raw: { truncated: JSON.stringify(r.raw).slice(0, 4000) },
    problems: [
      ...r.problems,
      { field: null, reason: `the record is ${size} characters long; at most ${MAX_RECORD_CHARS} are accepted` },
    ],
  };
}

function runInWorker(port: NonNullable<typeof parentPort>): void {
  port.on('message', (req: ParseRequest) => {
    const post = (m: ParseMessage) => port.postMessage(m);
    try {
      const adapter = adapters[req.adapter];
      if (!adapter) throw new Error(`no adapter is named "${req.adapter}"`);
      let batch: ParsedRecord[] = [];
      for (const r of adapter.parse(
        Buffer.from(req.bytes.buffer, req.bytes.byteOffset, req.bytes.byteLength),
        req.file,
      )) {
        batch.push(bounded(r));
        if (batch.length === BATCH) {
          post({ type: 'records', records: batch });
          batch = [];
        }
      }
      if (batch.length > 0) post({ type: 'records', records: batch });
      post({ type: 'done' });
    } catch (err) {
      if (err instanceof AdapterFileError) post({ type: 'file-error', file: err.file, reason: err.reason });
      else post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  });
}

if (!isMainThread && parentPort) runInWorker(parentPort);

/**
 * Starts this file as a worker. Compiled JavaScript starts directly; TypeScript (how the hub runs,
 * under tsx or Jest) starts through a two-line bootstrap that imports it with tsx's API, because
 * on Node 20 loader hooks inherited through `--import` do not apply to a worker's entry module.
 */
function startWorker(): Worker {
  const self = new URL(import.meta.url);
  if (!self.pathname.endsWith('.ts')) return new Worker(self);
  // tsx/esm/api's "import" entry (createRequire would resolve its CommonJS one).
  const tsxDir = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(path.join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(self.href)}, ${JSON.stringify(self.href)}));`;
  return new Worker(bootstrap, { eval: true, execArgv: [] });
}

/** A worker kept for the next file: starting one (loading every adapter) takes seconds. */
let idle: Worker | null = null;

function release(worker: Worker): void {
  worker.removeAllListeners();
  if (idle) {
    void worker.terminate();
    return;
  }
  idle = worker;
  // An idle worker must not keep the process alive, nor die unnoticed.
  worker.unref();
  worker.once('exit', () => {
    if (idle === worker) idle = null;
  });
}

/**
 * Parses a file with the named adapter in a worker thread; resolves with its records or
 * rejects with the adapter's AdapterFileError (or an Error for anything unexpected, or when
 * `signal` aborts, which terminates the worker).
 */
export function parseInWorker(
  adapter: string,
  file: string,
  bytes: Buffer,
  signal?: AbortSignal,
): Promise<ParsedRecord[]> {
  const worker = idle ?? startWorker();
  idle = null;
  worker.removeAllListeners();
  worker.ref();
  return new Promise((resolve, reject) => {
    const records: ParsedRecord[] = [];
    let settled = false;
    const settle = (err: Error | null, healthy: boolean) => {
      if (settled) return;
      settled = true;
      if (healthy) release(worker);
      else void worker.terminate();
      if (err) reject(err);
      else resolve(records);
    };
    worker.on('message', (m: ParseMessage) => {
      if (m.type === 'records') for (const r of m.records) records.push(r);
      else if (m.type === 'done') settle(null, true);
      else if (m.type === 'file-error') settle(new AdapterFileError(m.file, m.reason), true);
      else settle(new Error(`parsing failed: ${m.message}`), false);
    });
    worker.on('error', (err) => settle(err, false));
    // Nobody waits for the records any more (the client went away): stop parsing.
    signal?.addEventListener('abort', () => settle(new Error('parsing aborted'), false), { once: true });
    if (signal?.aborted) settle(new Error('parsing aborted'), false);
    worker.on('exit', (code) => settle(new Error(`the parser stopped (exit code ${code}) before finishing`), false));
    // A copy is handed over (transferred, not cloned again); the caller keeps its bytes to hash.
    const copy = new ArrayBuffer(bytes.length);
    new Uint8Array(copy).set(bytes);
    const request: ParseRequest = { adapter, file, bytes: new Uint8Array(copy) };
    worker.postMessage(request, [copy]);
  });
}
