/**
 * An offline licence verifier, as a third party would write it: only `jose` (and the runtime's
 * gunzip), given the hub's published JWKS, its signed status list and a licence's QR token.
 */
import { gunzipSync } from 'node:zlib';
import { compactVerify, createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';

export type OfflineVerdict = 'valid' | 'suspended' | 'revoked' | 'cancelled' | 'unknown-status';

export async function checkLicenceOffline(
  jwks: JSONWebKeySet,
  statusListJwt: string,
  token: string,
  now: Date,
): Promise<OfflineVerdict> {
  const keys = createLocalJWKSet(jwks);
  // The token: signed by a published key; names the licence and its status-list index.
  const { payload } = await compactVerify(token, keys, { algorithms: ['EdDSA'] });
  const claims = JSON.parse(new TextDecoder().decode(payload)) as { t: string; i: string; idx?: number };
  if (claims.t !== 'l') throw new Error('not a licence token');
  if (claims.idx === undefined) return 'unknown-status';
  // The list: signed by a published key, and not past its exp (jwtVerify checks exp against currentDate).
  const { payload: list } = await jwtVerify(statusListJwt, keys, { algorithms: ['EdDSA'], currentDate: now });
  const subject = list.credentialSubject as {
    statusPurpose: string;
    statusSize: number;
    encodedList: string;
    statusMessage: { status: string; message: string }[];
  };
  if (subject.statusPurpose !== 'message' || !subject.encodedList.startsWith('u'))
    throw new Error('unexpected status list');
  const bits = gunzipSync(Buffer.from(subject.encodedList.slice(1), 'base64url'));
  const size = subject.statusSize;
  const bit = claims.idx * size;
  const byte = bits[bit >> 3];
  if (byte === undefined) throw new Error('index outside the list');
  const value = (byte >> (8 - size - (bit % 8))) & ((1 << size) - 1);
  const message = subject.statusMessage.find((m) => Number(m.status) === value)?.message;
  if (message === 'valid' || message === 'suspended' || message === 'revoked' || message === 'cancelled')
    return message;
  throw new Error(`unknown status ${value}`);
}
