/**
 * The licence status list: a W3C Bitstring Status List (statusPurpose "message", 2 bits per
 * licence at its statusIndex: 0 valid, 1 suspended, 2 revoked, 3 cancelled), gzip-compressed,
 * multibase base64url ("u" prefix), in a compact JWS signed with the QR keys. With the JWKS and a
 * licence's QR token (claim `idx`), a verifier tells valid, suspended and revoked apart offline.
 *
 * Freshness without hooks after commit: every transaction that changes a licence's status bumps
 * one version row (bumpStatusListVersion); the list is rebuilt lazily when the version it was
 * built from is no longer current, or when half its validity period has passed.
 */
import { gzipSync } from 'node:zlib';
import { SignJWT } from 'jose';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';
import type { QrKeyRing } from './keys.js';

/** Path the list is served at (stable: verifiers keep fetching it). */
export const STATUS_LIST_PATH = '/status/licences.jwt';
export const STATUS_LIST_MEDIA_TYPE = 'application/vc+jwt';

/** Bits per licence, and the value of each stored status. */
export const STATUS_SIZE = 2;
export const STATUS_VALUES = { VALID: 0, SUSPENDED: 1, REVOKED: 2, CANCELLED: 3 } as const;
type StoredStatus = keyof typeof STATUS_VALUES;

/** W3C recommends at least 16 KiB (131,072 bits) so that one fetch does not reveal which licence is checked. */
const MIN_BYTES = 16 * 1024;

/** Marks the status list stale; call in the transaction that changes a licence's status. */
export async function bumpStatusListVersion(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$executeRaw`UPDATE "LicenceStatusListVersion" SET "version" = "version" + 1 WHERE "id" = 1`;
}

/** Packs statuses MSB-first (index 0 is the leftmost bits of the first byte), as the W3C list does. */
export function encodeStatusList(entries: readonly { index: number; value: number }[], maxIndex: number): string {
  const bytes = Math.max(MIN_BYTES, Math.ceil(((maxIndex + 1) * STATUS_SIZE) / 8));
  const list = Buffer.alloc(bytes);
  for (const { index, value } of entries) {
    const bit = index * STATUS_SIZE;
    const shift = 8 - STATUS_SIZE - (bit % 8);
    list[bit >> 3]! |= (value & ((1 << STATUS_SIZE) - 1)) << shift;
  }
  return `u${gzipSync(list).toString('base64url')}`;
}

/** Reads the status at an index from an encodedList (the inverse of encodeStatusList; offline verifiers do the same). */
export function statusAt(list: Buffer, index: number): number {
  const bit = index * STATUS_SIZE;
  const byte = list[bit >> 3];
  if (byte === undefined) throw new RangeError(`status index ${index} is outside the list`);
  return (byte >> (8 - STATUS_SIZE - (bit % 8))) & ((1 << STATUS_SIZE) - 1);
}

export interface PublishedStatusList {
  jwt: string;
  version: bigint;
  issuedAt: Date;
  expiresAt: Date;
}

interface Snapshot {
  version: bigint;
  maxIndex: number;
  entries: [number, StoredStatus][];
}

/** Builds and caches the signed list of this process; rebuilt only when stale. */
export class StatusListPublisher {
  private current: PublishedStatusList | undefined;
  private building: Promise<PublishedStatusList> | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly ring: QrKeyRing,
    private readonly publicUrl: string,
    private readonly ttlSeconds: number,
  ) {}

  /** The current list: one indexed read of the version when the cached list is fresh. */
  async get(now: Date = new Date()): Promise<PublishedStatusList> {
    const cached = this.current;
    if (cached && cached.expiresAt.getTime() - now.getTime() > (this.ttlSeconds * 1000) / 2) {
      const rows = await this.prisma.$queryRaw<
        { version: bigint }[]
      >`SELECT "version" FROM "LicenceStatusListVersion" WHERE "id" = 1`;
      if (rows[0]?.version === cached.version) return cached;
    }
    // Concurrent requests for a stale list share one rebuild.
    this.building ??= this.build(now).finally(() => (this.building = undefined));
    return this.building;
  }

  private async build(now: Date): Promise<PublishedStatusList> {
    // One statement, so the version and the statuses come from one snapshot: a status change
    // committed after it bumps the version and makes this list stale, never silently missing.
    const rows = await this.prisma.$queryRaw<Snapshot[]>`
      SELECT v."version" AS "version",
             (SELECT COALESCE(MAX("statusIndex"), 0) FROM "Licence") AS "maxIndex",
             COALESCE((SELECT json_agg(json_build_array("statusIndex", "status")) FROM "Licence" WHERE "status" <> 'VALID'), '[]'::json) AS "entries"
      FROM "LicenceStatusListVersion" v WHERE v."id" = 1`;
    const snap = rows[0];
    if (!snap) throw new Error('LicenceStatusListVersion has no row; run the migrations');
    const encodedList = encodeStatusList(
      snap.entries.map(([index, status]) => ({ index, value: STATUS_VALUES[status] })),
      snap.maxIndex,
    );
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.ttlSeconds;
    const url = `${this.publicUrl}${STATUS_LIST_PATH}`;
    const jwt = await new SignJWT({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: url,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: this.publicUrl,
      validFrom: new Date(iat * 1000).toISOString(),
      validUntil: new Date(exp * 1000).toISOString(),
      credentialSubject: {
        id: `${url}#list`,
        type: 'BitstringStatusList',
        statusPurpose: 'message',
        statusSize: STATUS_SIZE,
        statusMessage: Object.entries(STATUS_VALUES).map(([message, value]) => ({
          status: `0x${value.toString(16)}`,
          message: message.toLowerCase(),
        })),
        ttl: this.ttlSeconds * 1000,
        encodedList,
      },
    })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.ring.active.kid, typ: 'vc+jwt' })
      .setIssuer(this.publicUrl)
      .setSubject(url)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.ring.active.privateKey);
    this.current = { jwt, version: snap.version, issuedAt: new Date(iat * 1000), expiresAt: new Date(exp * 1000) };
    return this.current;
  }
}
