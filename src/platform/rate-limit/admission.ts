/**
 * Admission of an HTTP request that may carry an API key: refuses an address that has failed
 * authentication too often (before the key is even looked up), identifies the caller once, and
 * counts the request against the system's quota or, for the public, the client address's.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiKeyVerifier } from '../auth/api-keys.js';
import { isConnectionLoss } from '../errors.js';
import type { Caller } from '../auth/caller.js';
import { clientAddress } from './client-address.js';
import { quotaHeaders, type Quota, type RateLimits } from './index.js';

export interface Admission {
  /** Express middleware; mount it in front of every route that accepts API keys. */
  middleware: RequestHandler;
  /** The caller the middleware identified; throws its authentication error (UNAUTHENTICATED). */
  callerOf(req: Request): Promise<Caller>;
}

type Outcome = { caller: Caller } | { error: unknown };

function refuse(res: Response, quota: Quota, policy: string, message: string): void {
  res
    .status(429)
    .set(quotaHeaders(quota, policy))
    .json({ errors: [{ message, extensions: { code: 'RATE_LIMITED', retryAfter: quota.resetSeconds } }] });
}

export function admission(limits: RateLimits, verifier: ApiKeyVerifier): Admission {
  const outcomes = new WeakMap<Request, Outcome>();

  async function admit(req: Request, res: Response, next: NextFunction): Promise<void> {
    const address = clientAddress(req);
    const authorization = req.headers.authorization;
    let quota: Quota | undefined;
    let policy: string;
    if (authorization) {
      const blocked = await limits.authBlocked(address);
      if (blocked) {
        refuse(
          res,
          blocked,
          'auth-failures',
          `Too many failed authentications from this address; retry in ${blocked.resetSeconds} s`,
        );
        return;
      }
      let identity;
      try {
        identity = await verifier.identify(authorization);
      } catch (error) {
        // A key that could not be looked up (the database connection was lost) is no failed guess.
        if (!isConnectionLoss(error)) await limits.authFailed(address);
        // The route answers the authentication error in its own format.
        outcomes.set(req, { error });
        next();
        return;
      }
      const { caller } = identity;
      quota = caller.kind === 'system' ? await limits.system(caller.systemId, identity.rateLimitPerMinute) : undefined;
      policy = 'system';
      outcomes.set(req, { caller });
    } else {
      quota = await limits.public(address);
      policy = 'public';
      outcomes.set(req, { caller: { kind: 'public' } });
    }
    if (quota) {
      if (!quota.allowed) {
        refuse(
          res,
          quota,
          policy,
          `Rate limit of ${quota.limit} requests per ${quota.windowSeconds} s exceeded; retry in ${quota.resetSeconds} s`,
        );
        return;
      }
      res.set(quotaHeaders(quota, policy));
    }
    next();
  }

  return {
    middleware: (req, res, next) => {
      admit(req, res, next).catch(next);
    },
    async callerOf(req) {
      const outcome = outcomes.get(req);
      // A route mounted without the middleware still authenticates, only without the limits.
      if (!outcome) return verifier.verify(req.headers.authorization);
      if ('error' in outcome) throw outcome.error;
      return outcome.caller;
    },
  };
}
