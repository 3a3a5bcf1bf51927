/**
 * JSON answers for requests no route took and for errors raised outside GraphQL (body parsing,
 * body size, static files), which Express would otherwise render as an HTML page with a stack
 * trace and file paths. The body has the GraphQL error shape, so one client parser reads all.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '../platform/logger.js';

const MESSAGES: Record<number, { code: string; message: string }> = {
  400: { code: 'BAD_REQUEST', message: 'The request is malformed' },
  403: { code: 'FORBIDDEN', message: 'Forbidden' },
  404: { code: 'NOT_FOUND', message: 'Nothing is served at this address' },
  405: { code: 'METHOD_NOT_ALLOWED', message: 'This method is not allowed here' },
  413: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The request body has an unsupported encoding or character set' },
};

function send(res: Response, status: number, code: string, message: string): void {
  res
    .status(status)
    .type('application/json')
    .json({ errors: [{ message, extensions: { code } }] });
}

/** Answers 404 in JSON; mount it after every route. */
export function jsonNotFound(): RequestHandler {
  return (_req, res) => {
    send(res, 404, 'NOT_FOUND', 'Nothing is served at this address');
  };
}

function statusOf(err: unknown): number {
  if (typeof err !== 'object' || err === null) return 500;
  const e = err as { status?: unknown; statusCode?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
  return status >= 400 && status < 600 ? status : 500;
}

/** Answers any error in JSON with a fixed message per status: never the error's text, stack or paths. */
export function jsonErrors(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const status = statusOf(err);
    const type = typeof err === 'object' && err !== null ? (err as { type?: unknown }).type : undefined;
    if (status >= 500)
      logger.error({ err, method: req.method, path: req.path }, 'unexpected error while serving a request');
    else logger.debug({ status, type, method: req.method, path: req.path }, 'request refused');
    if (type === 'entity.parse.failed') {
      send(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON');
      return;
    }
    const known = MESSAGES[status];
    if (known) send(res, status, known.code, known.message);
    else if (status < 500) send(res, status, 'BAD_REQUEST', 'The request cannot be served');
    else send(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  };
}
