/**
 * `POST /ingest/<adapter>`: a department system sends an export file (the request body) with its
 * API key and gets the run report. The same pipeline as `hub ingest`, with the caller as source.
 *
 * Nothing of the body is read before the key, its scope, the adapter and the department are
 * checked. The body is then streamed, gzip/deflate decompressed on the fly, and cut off at
 * INGEST_MAX_BYTES of decompressed data (413), so neither a large upload nor a small compressed
 * one that inflates to gigabytes can fill the memory. The adapter parses in a worker thread.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import express, { type Router } from 'express';
import { GraphQLError } from 'graphql';
import type { Adapter, ParsedRecord } from '../../../adapters/adapter.js';
import { adapters } from '../../../adapters/registry.js';
import { IngestError, ingestFile } from './pipeline.js';
import { parseInWorker } from './parse-worker.js';
import type { ApiKeyVerifier } from '../../platform/auth/api-keys.js';
import { assertScope } from '../../platform/auth/caller.js';
import type { Platform } from '../../platform/context.js';
import { isConnectionLoss } from '../../platform/errors.js';

const STATUS = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
} as const;
type Code = keyof typeof STATUS;

function fail(res: express.Response, code: Code, message: string): void {
  res.status(STATUS[code]).json({ error: { code, message } });
}

/** The database connection was lost: every batch is one transaction and records are once-only, so sending again is safe. */
function retryLater(res: express.Response): void {
  res.status(503).json({
    error: {
      code: 'SERVICE_UNAVAILABLE',
      retryable: true,
      message: 'the database connection was lost; the batches applied so far are whole, send the file again',
    },
  });
}

class BodyError extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
  }
}

const DECOMPRESSORS: Readonly<Record<string, (() => zlib.Gunzip | zlib.Inflate) | null>> = {
  identity: null,
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
};

/** Reads the body, decompressed, up to `maxBytes`; throws BodyError beyond it or for a bad encoding. */
async function readBody(req: express.Request, maxBytes: number): Promise<{ bytes: Buffer; sha256: string }> {
  const encoding = (req.header('content-encoding') ?? 'identity').trim().toLowerCase() || 'identity';
  if (!Object.hasOwn(DECOMPRESSORS, encoding)) {
    throw new BodyError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Encoding "${encoding}" is not supported (send gzip, deflate or none)`,
    );
  }
  const tooLarge = () =>
    new BodyError(
      'PAYLOAD_TOO_LARGE',
      `the file is larger than ${maxBytes} bytes (INGEST_MAX_BYTES, after decompression)`,
    );
  const declared = Number(req.header('content-length'));
  if (encoding === 'identity' && Number.isFinite(declared) && declared > maxBytes) throw tooLarge();

  const inflate = DECOMPRESSORS[encoding]?.() ?? null;
  let source: Readable = req;
  if (inflate) {
    req.on('error', (err) => inflate.destroy(err));
    source = req.pipe(inflate);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // Hashed chunk by chunk as it arrives: one digest of a large body at the end would hold the event loop.
  const hash = createHash('sha256');
  try {
    for await (const chunk of source) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > maxBytes) throw tooLarge();
      hash.update(buf);
      chunks.push(buf);
    }
  } catch (err) {
    if (inflate) {
      req.unpipe(inflate);
      inflate.destroy();
    }
    if (err instanceof BodyError) throw err;
    if (inflate && !req.destroyed) throw new BodyError('BAD_USER_INPUT', `the body is not valid ${encoding} data`);
    throw err;
  }
  return { bytes: Buffer.concat(chunks, size), sha256: hash.digest('hex') };
}

/** The adapter with its parse already done (in a worker): the pipeline reads these records. */
function preParsed(adapter: Adapter, records: Promise<ParsedRecord[]>): Promise<Adapter> {
  return records.then(
    (list): Adapter => ({ ...adapter, parse: () => list }),
    // A file error is the pipeline's to report (it marks the run FAILED and answers 400).
    (err: unknown): Adapter => ({
      ...adapter,
      parse: () => {
        throw err;
      },
    }),
  );
}

export function ingestRoutes(
  platform: Platform,
  verifier: ApiKeyVerifier,
  maxBytes = platform.config.ingestMaxBytes,
): Router {
  const router = express.Router();
  // No body parser: the key is checked before a byte of the body is read.
  router.post('/ingest/:adapter', async (req, res) => {
    let caller;
    try {
      caller = await verifier.verify(req.headers.authorization);
    } catch (err) {
      if (isConnectionLoss(err)) retryLater(res);
      else fail(res, 'UNAUTHENTICATED', err instanceof GraphQLError ? err.message : 'invalid API key');
      return;
    }
    try {
      assertScope(caller, 'ingest:write');
    } catch (err) {
      // The same check as the GraphQL operations; its error code becomes the HTTP status.
      const code = err instanceof GraphQLError ? err.extensions.code : undefined;
      if (!(err instanceof GraphQLError) || (code !== 'UNAUTHENTICATED' && code !== 'FORBIDDEN')) throw err;
      fail(res, code, err.message);
      return;
    }
    const adapter = adapters[req.params.adapter];
    if (!adapter) {
      fail(res, 'NOT_FOUND', `no adapter is named "${req.params.adapter}"; known: ${Object.keys(adapters).join(', ')}`);
      return;
    }
    if (caller.departmentCode !== adapter.department) {
      fail(
        res,
        'FORBIDDEN',
        `The ${adapter.name} adapter reads exports of department ${adapter.department}; this system belongs to ${caller.departmentCode}`,
      );
      return;
    }
    let body: Buffer;
    let sha256: string;
    try {
      ({ bytes: body, sha256 } = await readBody(req, maxBytes));
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      // Whatever the client still sends is not read: close the connection after the answer.
      res.setHeader('connection', 'close');
      fail(res, err.code, err.message);
      return;
    }
    if (body.length === 0) {
      fail(res, 'BAD_USER_INPUT', 'the request body must be the export file');
      return;
    }
    const named = req.header('x-file-name') ?? req.query.file;
    const file = typeof named === 'string' ? named : `upload-${new Date().toISOString()}.${adapter.format}`;
    const gone = new AbortController();
    const abandon = () => {
      if (!res.writableFinished) gone.abort();
    };
    res.on('close', abandon);
    req.socket.on('close', abandon);
    if (req.socket.destroyed) abandon();
    try {
      const parsed = await preParsed(adapter, parseInWorker(adapter.name, file, body, gone.signal));
      const report = await ingestFile(
        platform,
        parsed,
        { systemId: caller.systemId, departmentCode: caller.departmentCode },
        file,
        body,
        { fileSha256: sha256 },
      );
      res.status(200).json(report);
    } catch (err) {
      if (err instanceof IngestError) fail(res, err.code, err.message);
      else if (isConnectionLoss(err)) {
        // Every batch is one transaction and records are once-only: sending the file again is safe.
        platform.logger.warn({ err, adapter: adapter.name, file }, 'ingestion stopped: database connection lost');
        retryLater(res);
      } else {
        platform.logger.error({ err, adapter: adapter.name, file }, 'ingestion failed');
        res.status(500).json({
          error: {
            code: 'INTERNAL_SERVER_ERROR',
            message: 'ingestion failed; the run is marked FAILED and can be sent again',
          },
        });
      }
    }
  });
  return router;
}
