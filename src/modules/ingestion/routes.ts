/**
 * `POST /ingest/<adapter>`: a department system sends an export file (the request body) with its
 * API key and gets the run report. The same pipeline as `hub ingest`, with the caller as source.
 */
import express, { type Router } from 'express';
import { GraphQLError } from 'graphql';
import { adapters } from '../../../adapters/registry.js';
import { IngestError, ingestFile } from './pipeline.js';
import type { ApiKeyVerifier } from '../../platform/auth/api-keys.js';
import { assertScope } from '../../platform/auth/caller.js';
import type { Platform } from '../../platform/context.js';

const STATUS = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404 } as const;

function fail(res: express.Response, code: keyof typeof STATUS, message: string): void {
  res.status(STATUS[code]).json({ error: { code, message } });
}

export function ingestRoutes(platform: Platform, verifier: ApiKeyVerifier, maxBytes = '200mb'): Router {
  const router = express.Router();
  router.post('/ingest/:adapter', express.raw({ type: () => true, limit: maxBytes }), async (req, res) => {
    let caller;
    try {
      caller = await verifier.verify(req.headers.authorization);
    } catch (err) {
      fail(res, 'UNAUTHENTICATED', err instanceof GraphQLError ? err.message : 'invalid API key');
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
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (body.length === 0) {
      fail(res, 'BAD_USER_INPUT', 'the request body must be the export file');
      return;
    }
    const file = String(req.header('x-file-name') ?? req.query.file ?? `upload-${new Date().toISOString()}.${adapter.format}`);
    try {
      const report = await ingestFile(platform, adapter, { systemId: caller.systemId, departmentCode: caller.departmentCode }, file, body);
      res.status(200).json(report);
    } catch (err) {
      if (err instanceof IngestError) fail(res, err.code, err.message);
      else {
        platform.logger.error({ err, adapter: adapter.name, file }, 'ingestion failed');
        res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'ingestion failed; the run is marked FAILED and can be sent again' } });
      }
    }
  });
  return router;
}
