/**
 * The client address every per-address limit counts: Express's req.ip, which reads
 * X-Forwarded-For only through the TRUST_PROXY hops the gateway sets on its app (`trust proxy`),
 * else the socket's peer. One definition, so the API's quotas and the hall's SMS limit agree.
 */
import type { Request } from 'express';

export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
