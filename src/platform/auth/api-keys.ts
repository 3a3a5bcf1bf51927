/**
 * API keys of department systems: `hub_<id>_<secret>`. Only a SHA-256 hash of the secret is
 * stored (the secret has 256 bits of entropy, so a slow password hash adds nothing).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { unauthenticated } from '../errors.js';
import type { Caller } from './caller.js';
import { isScope } from './scopes.js';

const KEY_RE = /^hub_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function newApiKey(): { id: string; secret: string; key: string } {
  const bytes = randomBytes(12);
  const id = [...bytes].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, key: `hub_${id}_${secret}` };
}

/** Creates a key for a system and returns it; the plain key is never stored. */
export async function createApiKey(prisma: PrismaClient, systemId: string): Promise<string> {
  const k = newApiKey();
  await prisma.apiKey.create({ data: { id: k.id, systemId, secretHash: hashSecret(k.secret) } });
  return k.key;
}

/** A verified key: who calls, and the system's own request quota (null: the configured default). */
export interface Identity {
  caller: Caller;
  rateLimitPerMinute: number | null;
}

// Compared against when the key id is unknown, so that an unknown id and a wrong secret take the
// same work to refuse and timing does not tell an attacker which key ids exist.
const DUMMY_HASH = Buffer.from(hashSecret('no key has this secret'), 'hex');

/**
 * Resolves a presented key to its caller. Verified keys are remembered for a few seconds so
 * that every request does not cost a query; a revoked key stops working within that window.
 */
export class ApiKeyVerifier {
  private readonly recent = new Map<string, { identity: Identity; until: number }>();
  constructor(
    private readonly prisma: PrismaClient,
    private readonly rememberMs = 10_000,
  ) {}

  async verify(authorization: string | undefined): Promise<Caller> {
    return (await this.identify(authorization)).caller;
  }

  /** Like verify, with the system's quota; throws UNAUTHENTICATED for any bad key. */
  async identify(authorization: string | undefined): Promise<Identity> {
    if (!authorization) return { caller: { kind: 'public' }, rateLimitPerMinute: null };
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m) throw unauthenticated('The Authorization header must be "Bearer <API key>"');
    const key = m[1]!;
    const hit = this.recent.get(key);
    if (hit && hit.until > Date.now()) return hit.identity;
    const parts = KEY_RE.exec(key);
    if (!parts) throw unauthenticated('The API key is malformed (expected hub_<id>_<secret>)');
    const row = await this.prisma.apiKey.findUnique({ where: { id: parts[1]! }, include: { system: true } });
    const presented = Buffer.from(hashSecret(parts[2]!), 'hex');
    const stored = row ? Buffer.from(row.secretHash, 'hex') : DUMMY_HASH;
    // Always one comparison of equal lengths, whether or not the id exists.
    const matches = timingSafeEqual(presented, stored.length === presented.length ? stored : DUMMY_HASH);
    if (!row || !matches || row.revokedAt !== null || !row.system.active) {
      throw unauthenticated('The API key is unknown, revoked or belongs to an inactive system');
    }
    const identity: Identity = {
      caller: {
        kind: 'system',
        systemId: row.system.id,
        systemName: row.system.name,
        departmentCode: row.system.departmentCode,
        scopes: row.system.scopes.filter(isScope),
        keyId: row.id,
      },
      rateLimitPerMinute: row.system.rateLimitPerMinute,
    };
    this.recent.set(key, { identity, until: Date.now() + this.rememberMs });
    if (this.recent.size > 10_000) this.recent.clear();
    return identity;
  }
}
