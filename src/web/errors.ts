/**
 * The error handler of the public pages' routers: a page in the routers' own language and layout
 * instead of Express's English default, and the error in the log rather than on the page.
 */
import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../platform/logger.js';

/** The HTTP status an error carries (Express's own, e.g. 400 for an undecodable URL), else 500. */
function statusOf(err: unknown): number {
  if (typeof err === 'object' && err !== null) {
    const s = 'status' in err ? err.status : 'statusCode' in err ? err.statusCode : undefined;
    if (typeof s === 'number' && Number.isInteger(s) && s >= 400 && s <= 599) return s;
  }
  return 500;
}

/** Renders failures of a router's pages with render(status), as HTML, logging server errors. */
export function publicErrorHandler(logger: Logger, render: (status: number) => string): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const status = statusOf(err);
    if (status >= 500) logger.error({ err, path: req.path }, 'public page failed');
    res.status(status).set('cache-control', 'no-store').type('html').send(render(status));
  };
}
