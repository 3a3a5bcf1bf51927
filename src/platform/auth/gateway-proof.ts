/**
 * How a subgraph served alone knows that a call came through a gateway: every gateway (the hub's
 * own, Hive Gateway, Apollo Router, ...) adds the shared secret SUBGRAPH_SHARED_SECRET as the
 * header `x-hub-gateway-secret`, which any router can do by configuration. The caller travels as
 * the client sent it (Authorization, the hall session cookie, x-purpose) and the subgraph
 * authenticates it itself, with the same key check as the gateway.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const GATEWAY_SECRET_HEADER = 'x-hub-gateway-secret';

/**
 * Request headers a gateway passes on to subgraphs unchanged: who calls (a key or the hall
 * cookie, with Origin and Referer for the cookie's same-origin check) and what the request says
 * about itself (its stated purpose and its id, recorded by the read audit).
 */
export const FORWARDED_HEADERS = ['authorization', 'cookie', 'origin', 'referer', 'x-purpose', 'x-request-id'] as const;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether the presented header is the shared secret; compared in constant time (equal-length digests). */
export function isGatewaySecret(presented: string | undefined, secret: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(secret));
}
