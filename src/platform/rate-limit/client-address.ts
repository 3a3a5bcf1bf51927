/**
 * The client address every per-address limit counts: Express's req.ip, which reads
 * X-Forwarded-For only through the TRUST_PROXY hops the gateway sets on its app (`trust proxy`),
 * else the socket's peer. One definition, so the API's quotas and the hall's SMS limit agree.
 */
import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';

export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/**
 * The same address for a request Express never sees (a WebSocket upgrade): the socket's peer,
 * or with `trustProxy` hops, the X-Forwarded-For entry that many hops back (Express's rule for a
 * numeric `trust proxy`), the furthest one when the header is shorter.
 */
export function upgradeClientAddress(req: IncomingMessage, trustProxy: number): string {
  const forwarded = [req.headers['x-forwarded-for'] ?? []]
    .flat()
    .join(',')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
    .reverse();
  const chain = [req.socket.remoteAddress ?? 'unknown', ...forwarded];
  return chain[Math.min(trustProxy, chain.length - 1)]!;
}
