/**
 * The hub's only way to call out (webhooks, notifier): a POST to a checked destination that
 * connects to the very address that was checked (the resolver is the guard's, so DNS rebinding
 * between check and connect is impossible), follows no redirect, reads at most 64 KB of the
 * reply and reports failures as short reasons that never quote the reply.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { checkUrl, hostOf, OutboundRefused, resolveChecked, type OutboundPolicy } from './guard.js';

/** At most this much of a reply is read; the rest is dropped with the connection. */
export const MAX_REPLY_BYTES = 64 * 1024;

export interface OutboundPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface OutboundReply {
  status: number;
  /** Up to MAX_REPLY_BYTES of the reply, for the hub's own use (never shown to a registrant). */
  body: Buffer;
}

/** A call that did not get a reply; `reason` is short and safe to show ("timeout", "refused: private address"). */
export class OutboundError extends Error {
  override name = 'OutboundError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A resolver for node:http that hands over only addresses the policy allows. */
function guardedLookup(policy: OutboundPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolveChecked(hostname.replace(/^\[|\]$/g, ''), policy).then(
      (addresses) => {
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), ''),
    );
  };
}

function reasonOf(err: unknown): string {
  if (err instanceof OutboundError) return err.reason;
  if (err instanceof OutboundRefused) return err.message;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      return code.startsWith('ERR_TLS') || code.startsWith('CERT_') || code.includes('SSL')
        ? 'TLS error'
        : 'network error';
  }
}

/** POSTs the body; resolves with the status (any status) or rejects with an OutboundError. */
export async function postOutbound(policy: OutboundPolicy, req: OutboundPost): Promise<OutboundReply> {
  let url: URL;
  try {
    url = checkUrl(req.url, policy);
    // Literal addresses never reach the resolver; names are checked again in `lookup` at connect.
    await resolveChecked(hostOf(url), policy);
  } catch (err) {
    throw new OutboundError(reasonOf(err));
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<OutboundReply>((resolve, reject) => {
    let settled = false;
    const finish = (err: unknown, reply?: OutboundReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (reply) resolve(reply);
      else reject(new OutboundError(reasonOf(err)));
    };
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) },
        lookup: guardedLookup(policy),
        // One request per connection: a pooled socket would skip the address check.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => finish(null, { status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
        res.on('data', (chunk: Buffer) => {
          const room = MAX_REPLY_BYTES - size;
          if (room > 0) chunks.push(chunk.subarray(0, room));
          size += chunk.length;
          if (size >= MAX_REPLY_BYTES) {
            // Enough: the status is known, the rest is not worth reading.
            done();
            res.destroy();
          }
        });
        res.on('end', done);
        res.on('error', (err) => finish(err));
        res.on('close', done);
      },
    );
    const timer = setTimeout(() => {
      finish(new OutboundError('timeout'));
      request.destroy();
    }, req.timeoutMs);
    request.on('error', (err) => finish(err));
    request.end(req.body);
  });
}
