/**
 * QR tokens, key rings and images: round trips, every way a token can be altered or forged,
 * key rotation, the published JWKS as an offline verifier uses it, and the key configuration.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { CompactSign, createLocalJWKSet, decodeProtectedHeader, jwtVerify, UnsecuredJWT } from 'jose';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage, HOOK_TIMEOUT } from '../../../test/helpers/runner.js';
import { makeUscc } from '../uscc.js';
import {
  loadKeyRingFromJson,
  loadOrCreateKeyRingInDir,
  QR_KEY_FILE,
  QrKeyConfigError,
  retireKey,
  rotateKeyRingInDir,
  type QrKeyRing,
} from './keys.js';
import { qrPng, qrSvg } from './render.js';
import {
  QR_TOKEN_MAX_LENGTH,
  signQrToken,
  verifyQrToken,
  qrSignatureChecks,
  type QrTokenErrorCode,
  type QrVerifyResult,
} from './tokens.js';

const B64U = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const USCC = makeUscc('91330100MA2B3C4D5');
const LICENCE = '3f2b8c1e-9a4d-4e7b-8c2f-1d5e6a7b8c9d';
const NOW = new Date('2026-11-27T08:30:00Z');

interface PrivateJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  d: string;
}

function newPrivateJwk(): PrivateJwk {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x!, d: jwk.d! };
}

function ringJson(active: string, keys: { kid: string; privateJwk?: object; publicJwk?: object }[]): string {
  return JSON.stringify({ active, keys });
}

async function ringWith(kid: string, jwk: PrivateJwk = newPrivateJwk()): Promise<QrKeyRing> {
  return loadKeyRingFromJson(ringJson(kid, [{ kid, privateJwk: jwk }]));
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url').toString('utf8');

/** Replaces the character at `index` by another base64url character (never itself). */
function flip(token: string, index: number, shift = 1): string {
  const c = token[index]!;
  const next = B64U[(B64U.indexOf(c) + shift) % B64U.length]!;
  return token.slice(0, index) + next + token.slice(index + 1);
}

function refusal(result: QrVerifyResult): QrTokenErrorCode {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
  return result.code;
}

/** Signs arbitrary header and payload with a ring's active key: payloads the hub never issues. */
async function signRaw(ring: QrKeyRing, payload: string, header: Record<string, unknown> = {}): Promise<string> {
  return new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: 'EdDSA', kid: ring.active.kid, ...header })
    .sign(ring.active.privateKey);
}

let tmp: string;
let ring: QrKeyRing;
let licenceToken: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-qr-'));
  ring = await ringWith('qr-2026-11-27-a1b2');
  licenceToken = await signQrToken(ring, { type: 'licence', id: LICENCE }, NOW);
}, HOOK_TIMEOUT);
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
}, HOOK_TIMEOUT);

describe('sign and verify', () => {
  it('round-trips a licence and an enterprise', async () => {
    const enterpriseToken = await signQrToken(ring, { type: 'enterprise', id: USCC }, NOW);
    const issuedAt = new Date('2026-11-27T08:30:00Z');
    expect(await verifyQrToken(ring, licenceToken)).toEqual({
      ok: true,
      target: { type: 'licence', id: LICENCE },
      kid: 'qr-2026-11-27-a1b2',
      issuedAt,
    });
    expect(await verifyQrToken(ring, enterpriseToken)).toEqual({
      ok: true,
      target: { type: 'enterprise', id: USCC },
      kid: 'qr-2026-11-27-a1b2',
      issuedAt,
    });
  });

  it('checks a signature once per token and ring; forged tokens every time', async () => {
    const token = await signQrToken(ring, { type: 'licence', id: LICENCE }, new Date('2026-11-28T00:00:00Z'));
    const first = qrSignatureChecks();
    const a = await verifyQrToken(ring, token);
    const b = await verifyQrToken(ring, token);
    expect(b).toEqual(a);
    expect(a.ok).toBe(true);
    expect(qrSignatureChecks() - first).toBe(1);
    // A forgery (the last signature character changed) is refused, and checked, each time.
    const forged = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1)!;
    expect(refusal(await verifyQrToken(ring, forged))).toBe('BAD_SIGNATURE');
    expect(refusal(await verifyQrToken(ring, forged))).toBe('BAD_SIGNATURE');
    expect(qrSignatureChecks() - first).toBe(3);
    // Another ring that does not trust the key: its own verdict, not this ring's memo.
    const other = await ringWith('qr-2026-11-28-other');
    expect(refusal(await verifyQrToken(other, token))).toBe('UNKNOWN_KEY');
  });

  it('produces a short compact JWS: header {alg, kid} only, payload {t, i, iat}', () => {
    const [header, payload, signature] = licenceToken.split('.');
    expect(unb64(header!)).toBe('{"alg":"EdDSA","kid":"qr-2026-11-27-a1b2"}');
    expect(unb64(payload!)).toBe(`{"t":"l","i":"${LICENCE}","iat":${NOW.getTime() / 1000}}`);
    expect(Buffer.from(signature!, 'base64url')).toHaveLength(64);
    // 56 (header) + 92 (payload) + 86 (signature) + 2 dots; an enterprise token is 212.
    expect(licenceToken).toHaveLength(236);
  });

  it('signs licence UUIDs in lower case and refuses ids that are not valid for their type', async () => {
    const upper = await signQrToken(ring, { type: 'licence', id: LICENCE.toUpperCase() }, NOW);
    expect(upper).toBe(licenceToken);
    await expect(signQrToken(ring, { type: 'licence', id: 'not-a-uuid' })).rejects.toThrow(/lower-case UUID/);
    await expect(signQrToken(ring, { type: 'enterprise', id: USCC.slice(0, 17) + 'X' })).rejects.toThrow(
      /Unified Social Credit Code/,
    );
    await expect(signQrToken(ring, { type: 'enterprise', id: LICENCE })).rejects.toThrow(RangeError);
  });
});

describe('refusals', () => {
  it('refuses a flipped character anywhere, with the code its part implies', async () => {
    const [h, p] = licenceToken.split('.') as [string, string, string];
    const allowed: Record<'header' | 'payload' | 'signature', QrTokenErrorCode[]> = {
      // A header change breaks the JSON, the algorithm, or names another (unknown) kid.
      header: ['MALFORMED', 'UNKNOWN_KEY'],
      // Payload and signature are only checked by the signature (or fail canonical base64url first;
      // this payload is 69 bytes, a whole number of base64 groups, so every flip is canonical).
      payload: ['MALFORMED', 'BAD_SIGNATURE'],
      signature: ['MALFORMED', 'BAD_SIGNATURE'],
    };
    const seen = new Set<string>();
    for (let i = 0; i < licenceToken.length; i++) {
      if (licenceToken[i] === '.') continue;
      const part = i < h.length ? 'header' : i < h.length + 1 + p.length ? 'payload' : 'signature';
      for (const shift of [1, 17, 40]) {
        const code = refusal(await verifyQrToken(ring, flip(licenceToken, i, shift)));
        expectWithMessage(allowed[part], `${part} character ${i} shifted by ${shift} gave ${code}`).toContain(code);
        seen.add(`${part}:${code}`);
      }
    }
    expect([...seen].sort()).toEqual([
      'header:MALFORMED',
      'header:UNKNOWN_KEY',
      'payload:BAD_SIGNATURE',
      'signature:BAD_SIGNATURE',
      'signature:MALFORMED',
    ]);
  });

  it('gives a definite code for one flip in each part', async () => {
    const [h, p] = licenceToken.split('.') as [string, string, string];
    // "eyJ" is '{"': changing its first character makes the header non-JSON.
    expect(refusal(await verifyQrToken(ring, flip(licenceToken, 0)))).toBe('MALFORMED');
    expect(refusal(await verifyQrToken(ring, flip(licenceToken, h.length + 10)))).toBe('BAD_SIGNATURE');
    expect(refusal(await verifyQrToken(ring, flip(licenceToken, h.length + p.length + 12)))).toBe('BAD_SIGNATURE');
  });

  it('refuses a rewritten id (valid JSON, valid UUID) as BAD_SIGNATURE', async () => {
    const [h, p, s] = licenceToken.split('.') as [string, string, string];
    const other = randomUUID();
    const forgedPayload = b64(unb64(p).replace(LICENCE, other));
    const result = await verifyQrToken(ring, `${h}.${forgedPayload}.${s}`);
    expect(result).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('refuses a second spelling of the same signature (non-canonical base64url) as MALFORMED', async () => {
    // 64 bytes take 86 characters whose last one carries 2 bits and 4 zero bits: change only those.
    const last = licenceToken.at(-1)!;
    const sibling = B64U[B64U.indexOf(last) ^ 0b0001]!;
    const respelled = licenceToken.slice(0, -1) + sibling;
    expect(Buffer.from(respelled.split('.')[2]!, 'base64url')).toEqual(
      Buffer.from(licenceToken.split('.')[2]!, 'base64url'),
    );
    expect(refusal(await verifyQrToken(ring, respelled))).toBe('MALFORMED');
  });

  it('refuses every truncation as MALFORMED, and a shortened payload as BAD_SIGNATURE', async () => {
    for (let n = 0; n < licenceToken.length; n++) {
      const result = await verifyQrToken(ring, licenceToken.slice(0, n));
      expectWithMessage(refusal(result), `first ${n} characters`).toBe('MALFORMED');
    }
    const [h, p, s] = licenceToken.split('.') as [string, string, string];
    expect(refusal(await verifyQrToken(ring, `${h}.${p.slice(0, -4)}.${s}`))).toBe('BAD_SIGNATURE');
  });

  it('refuses a token signed by a key that is not in the ring as UNKNOWN_KEY', async () => {
    const stranger = await ringWith('qr-2026-01-01-ffff');
    const token = await signQrToken(stranger, { type: 'licence', id: LICENCE });
    const result = await verifyQrToken(ring, token);
    expect(result).toEqual({
      ok: false,
      code: 'UNKNOWN_KEY',
      message: 'the token is signed with key "qr-2026-01-01-ffff", which is not (or no longer) trusted',
    });
  });

  it('refuses a token signed by a forged key that reuses a known kid as BAD_SIGNATURE', async () => {
    const forger = await ringWith(ring.active.kid);
    const token = await signQrToken(forger, { type: 'enterprise', id: USCC });
    expect(refusal(await verifyQrToken(ring, token))).toBe('BAD_SIGNATURE');
  });

  it('refuses a genuine signature relabelled with another trusted kid as BAD_SIGNATURE', async () => {
    const two = await loadKeyRingFromJson(
      ringJson('k1', [
        { kid: 'k1', privateJwk: newPrivateJwk() },
        { kid: 'k2', privateJwk: newPrivateJwk() },
      ]),
    );
    const [, p, s] = (await signQrToken(two, { type: 'licence', id: LICENCE })).split('.');
    const relabelled = `${b64('{"alg":"EdDSA","kid":"k2"}')}.${p}.${s}`;
    expect(refusal(await verifyQrToken(two, relabelled))).toBe('BAD_SIGNATURE');
  });

  it('refuses alg "none" and HS256 (even keyed with the public key) before any key is used', async () => {
    const payload = { t: 'l', i: LICENCE, iat: 1_795_000_000 };
    const none = `${b64(JSON.stringify({ alg: 'none', kid: ring.active.kid }))}.${b64(JSON.stringify(payload))}.`;
    expect(await verifyQrToken(ring, none)).toEqual({
      ok: false,
      code: 'MALFORMED',
      message: 'the algorithm is "none"; QR tokens are signed with EdDSA only',
    });
    const unsecured = new UnsecuredJWT(payload).encode();
    expect(refusal(await verifyQrToken(ring, unsecured))).toBe('MALFORMED');

    // The classic confusion attack: an HMAC keyed with the (public) Ed25519 key bytes.
    const publicX = Buffer.from(ring.jwks().keys[0]!.x!, 'base64url');
    const hs256 = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'HS256', kid: ring.active.kid })
      .sign(publicX);
    const result = await verifyQrToken(ring, hs256);
    expect(result).toMatchObject({ ok: false, code: 'MALFORMED', message: expect.stringContaining('"HS256"') });
  });

  it('refuses header fields beyond alg and kid (embedded keys, crit, typ) as MALFORMED', async () => {
    const attacker = newPrivateJwk();
    const embedded = await signRaw(ring, '{"t":"l","i":"x","iat":1}', {
      jwk: { kty: 'OKP', crv: 'Ed25519', x: attacker.x },
    });
    expect(refusal(await verifyQrToken(ring, embedded))).toBe('MALFORMED');
    const typed = await signRaw(ring, JSON.stringify({ t: 'l', i: LICENCE, iat: 1 }), { typ: 'JWT' });
    expect(refusal(await verifyQrToken(ring, typed))).toBe('MALFORMED');
  });

  it('refuses well-signed payloads of the wrong shape as INVALID_PAYLOAD', async () => {
    const bad = [
      'not json',
      '[1,2,3]',
      '"l"',
      JSON.stringify({ t: 'x', i: LICENCE, iat: 1 }),
      JSON.stringify({ t: 'l', i: 'not-a-uuid', iat: 1 }),
      JSON.stringify({ t: 'l', i: LICENCE.toUpperCase(), iat: 1 }),
      JSON.stringify({ t: 'l', i: USCC, iat: 1 }),
      JSON.stringify({ t: 'e', i: LICENCE, iat: 1 }),
      JSON.stringify({ t: 'e', i: USCC.slice(0, 17) + (USCC[17] === '0' ? '1' : '0'), iat: 1 }),
      JSON.stringify({ t: 'e', i: 'ISOVZ0000000000000', iat: 1 }),
      JSON.stringify({ t: 'l', i: LICENCE, iat: '1795000000' }),
      JSON.stringify({ t: 'l', i: LICENCE, iat: 1.5 }),
      JSON.stringify({ t: 'l', i: LICENCE, iat: -1 }),
      JSON.stringify({ t: 'l', i: LICENCE }),
      JSON.stringify({ t: 'l', i: LICENCE, iat: 1, exp: 2 }),
      JSON.stringify({ t: 'constructor', i: LICENCE, iat: 1 }),
    ];
    for (const payload of bad) {
      const result = await verifyQrToken(ring, await signRaw(ring, payload));
      expectWithMessage(refusal(result), payload).toBe('INVALID_PAYLOAD');
    }
  });

  it('refuses oversized input before decoding it', async () => {
    const huge = `${'a'.repeat(QR_TOKEN_MAX_LENGTH)}.b.c`;
    expect(await verifyQrToken(ring, huge)).toMatchObject({ ok: false, code: 'MALFORMED' });
  });
});

describe('key files and rotation', () => {
  it('creates <dir>/qr-keys.json with mode 0600 once, and loads the same ring afterwards', async () => {
    const dir = path.join(tmp, 'create', 'nested');
    const first = await loadOrCreateKeyRingInDir(dir, NOW);
    expect(first.active.kid).toMatch(/^qr-2026-11-27-[0-9a-f]{4}$/);
    const stat = await fs.stat(path.join(dir, QR_KEY_FILE));
    expect(stat.mode & 0o777).toBe(0o600);
    expect(await fs.readdir(dir)).toEqual([QR_KEY_FILE]);

    const second = await loadOrCreateKeyRingInDir(dir);
    expect(second.active.kid).toBe(first.active.kid);
    expect(second.jwks()).toEqual(first.jwks());
    const token = await signQrToken(first, { type: 'enterprise', id: USCC });
    expect(await verifyQrToken(second, token)).toMatchObject({ ok: true });
  });

  it('settles on one key when two processes create the file at the same moment', async () => {
    const dir = path.join(tmp, 'race');
    const rings = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateKeyRingInDir(dir)));
    expect(new Set(rings.map((r) => r.active.kid)).size).toBe(1);
    expect(await fs.readdir(dir)).toEqual([QR_KEY_FILE]);
  });

  it('keeps tokens of the previous key valid after rotation, until that key is retired', async () => {
    const dir = path.join(tmp, 'rotate');
    const before = await loadOrCreateKeyRingInDir(dir);
    const oldKid = before.active.kid;
    const oldToken = await signQrToken(before, { type: 'licence', id: LICENCE });

    const newKid = await rotateKeyRingInDir(dir);
    expect(newKid).not.toBe(oldKid);
    const after = await loadOrCreateKeyRingInDir(dir);
    expect(after.active.kid).toBe(newKid);
    expect([...after.verifying.keys()].sort()).toEqual([newKid, oldKid].sort());
    expect(await verifyQrToken(after, oldToken)).toMatchObject({ ok: true, kid: oldKid });
    const newToken = await signQrToken(after, { type: 'licence', id: LICENCE });
    expect(decodeProtectedHeader(newToken).kid).toBe(newKid);

    // The retired signer keeps only its public half on disk, and the file stays private.
    const file = JSON.parse(await fs.readFile(path.join(dir, QR_KEY_FILE), 'utf8')) as {
      active: string;
      keys: { kid: string; privateJwk?: object; publicJwk?: object }[];
    };
    expect(file.active).toBe(newKid);
    expect(file.keys.find((k) => k.kid === oldKid)).toEqual({ kid: oldKid, publicJwk: expect.any(Object) });
    expect(file.keys.find((k) => k.kid === newKid)?.privateJwk).toBeDefined();
    expect((await fs.stat(path.join(dir, QR_KEY_FILE))).mode & 0o777).toBe(0o600);

    await expect(retireKey(dir, newKid)).rejects.toThrow(`key "${newKid}" is the active key and cannot be retired`);
    await expect(retireKey(dir, 'qr-1999-01-01-0000')).rejects.toThrow(/key "qr-1999-01-01-0000" is not in/);
    await retireKey(dir, oldKid);
    const retired = await loadOrCreateKeyRingInDir(dir);
    expect(refusal(await verifyQrToken(retired, oldToken))).toBe('UNKNOWN_KEY');
    expect(await verifyQrToken(retired, newToken)).toMatchObject({ ok: true, kid: newKid });
    expect(await fs.readdir(dir)).toEqual([QR_KEY_FILE]);
  });

  it('refuses to rotate or retire where there is no key file', async () => {
    const dir = path.join(tmp, 'empty');
    await expect(rotateKeyRingInDir(dir)).rejects.toThrow(/qr-keys\.json does not exist/);
    await expect(retireKey(dir, 'x')).rejects.toThrow(QrKeyConfigError);
  });
});

describe('JWKS', () => {
  it('publishes public keys only, and lets an offline verifier check tokens with jose', async () => {
    const dir = path.join(tmp, 'jwks');
    const before = await loadOrCreateKeyRingInDir(dir);
    const oldToken = await signQrToken(before, { type: 'licence', id: LICENCE }, NOW);
    await rotateKeyRingInDir(dir);
    const current = await loadOrCreateKeyRingInDir(dir);
    const newToken = await signQrToken(current, { type: 'enterprise', id: USCC }, NOW);

    // What /.well-known/jwks.json would serve, as a client receives it.
    const published = JSON.parse(JSON.stringify(current.jwks())) as ReturnType<QrKeyRing['jwks']>;
    expect(published.keys).toHaveLength(2);
    for (const key of published.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }

    const jwks = createLocalJWKSet(published);
    const checked = await jwtVerify(newToken, jwks, { algorithms: ['EdDSA'] });
    expect(checked.payload).toEqual({ t: 'e', i: USCC, iat: NOW.getTime() / 1000 });
    expect(checked.protectedHeader.kid).toBe(current.active.kid);
    expect((await jwtVerify(oldToken, jwks, { algorithms: ['EdDSA'] })).payload.i).toBe(LICENCE);
  });

  it('returns a fresh copy each time', () => {
    const a = ring.jwks();
    a.keys[0]!.x = 'tampered';
    expect(ring.jwks().keys[0]!.x).not.toBe('tampered');
  });
});

describe('key configuration', () => {
  const a = newPrivateJwk();
  const b = newPrivateJwk();

  it('loads an active private key with retired public-only keys', async () => {
    const loaded = await loadKeyRingFromJson(
      ringJson('new', [
        { kid: 'new', privateJwk: { ...a, kid: 'new', alg: 'EdDSA', use: 'sig' } },
        { kid: 'old', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: b.x } },
      ]),
    );
    expect(loaded.active.kid).toBe('new');
    expect([...loaded.verifying.keys()]).toEqual(['new', 'old']);
    const oldRing = await ringWith('old', b);
    const oldToken = await signQrToken(oldRing, { type: 'licence', id: LICENCE });
    expect(await verifyQrToken(loaded, oldToken)).toMatchObject({ ok: true, kid: 'old' });
  });

  const cases: [string, string, string | RegExp][] = [
    ['not JSON', '{"active":', 'QR key configuration is not valid JSON: '],
    ['not an object', '[]', 'QR key configuration must be a JSON object {"active": ..., "keys": [...]}'],
    ['no keys', '{"active":"k","keys":[]}', 'QR key configuration "keys" must be a non-empty array'],
    [
      'unknown active kid',
      ringJson('k9', [{ kid: 'k1', privateJwk: a }]),
      'QR key configuration "active" is "k9" but no key has that kid (listed: "k1")',
    ],
    [
      'active key without private part',
      ringJson('k1', [{ kid: 'k1', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: a.x } }]),
      'QR key configuration active key "k1" has only a "publicJwk"; the active key signs tokens and needs its "privateJwk"',
    ],
    [
      'duplicate kid',
      ringJson('k1', [
        { kid: 'k1', privateJwk: a },
        { kid: 'k2', privateJwk: b },
        { kid: 'k1', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: b.x } },
      ]),
      'QR key configuration lists kid "k1" twice (keys[0] and keys[2])',
    ],
    [
      'wrong key type',
      ringJson('k1', [{ kid: 'k1', privateJwk: { ...a, kty: 'EC' } }]),
      'QR key configuration keys[0] (kid "k1") "privateJwk" has "kty" "EC"; QR keys are Ed25519, "kty" must be "OKP"',
    ],
    [
      'wrong curve',
      ringJson('k1', [{ kid: 'k1', privateJwk: { ...a, crv: 'X25519' } }]),
      'QR key configuration keys[0] (kid "k1") "privateJwk" has "crv" "X25519"; QR keys must have "crv" "Ed25519"',
    ],
    [
      'truncated private key',
      ringJson('k1', [{ kid: 'k1', privateJwk: { ...a, d: a.d.slice(0, 40) } }]),
      'QR key configuration keys[0] (kid "k1") "privateJwk" "d" must be a 32-byte Ed25519 private key in base64url (43 characters)',
    ],
    [
      'mismatched public part',
      ringJson('k1', [{ kid: 'k1', privateJwk: { ...a, x: b.x } }]),
      `QR key configuration keys[0] (kid "k1") "privateJwk" "x" is not the public key of its "d" (expected "${a.x}")`,
    ],
    [
      'private part under publicJwk',
      ringJson('k1', [
        { kid: 'k1', privateJwk: a },
        { kid: 'k2', publicJwk: b },
      ]),
      'QR key configuration keys[1] (kid "k2") "publicJwk" contains a private part "d"; list the key under "privateJwk" instead',
    ],
    [
      'bad public key',
      ringJson('k1', [
        { kid: 'k1', privateJwk: a },
        { kid: 'k2', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'abc' } },
      ]),
      'QR key configuration keys[1] (kid "k2") "publicJwk" "x" must be a 32-byte Ed25519 public key in base64url (43 characters)',
    ],
    [
      'JWK kid disagrees',
      ringJson('k1', [{ kid: 'k1', privateJwk: { ...a, kid: 'other' } }]),
      'QR key configuration keys[0] (kid "k1") "privateJwk" has "kid" "other", but the entry\'s kid is "k1"',
    ],
    [
      'JWK for another algorithm',
      ringJson('k1', [{ kid: 'k1', privateJwk: { ...a, alg: 'ES256' } }]),
      'QR key configuration keys[0] (kid "k1") "privateJwk" has "alg" "ES256"; QR tokens are signed with "EdDSA"',
    ],
    [
      'both private and public',
      ringJson('k1', [{ kid: 'k1', privateJwk: a, publicJwk: { kty: 'OKP', crv: 'Ed25519', x: a.x } }]),
      'QR key configuration keys[0] (kid "k1") must have exactly one of "privateJwk" or "publicJwk"',
    ],
    [
      'bad kid',
      ringJson('k 1', [{ kid: 'k 1', privateJwk: a }]),
      'QR key configuration keys[0] "kid" must be 1-64 characters from A-Z a-z 0-9 . _ -',
    ],
    [
      'misspelt field',
      JSON.stringify({ active: 'k1', key: [] }),
      'QR key configuration has an unknown field "key" (allowed: "active", "keys")',
    ],
  ];
  it.each(cases)('explains %s', async (_name, json, message) => {
    const attempt = loadKeyRingFromJson(json);
    await expect(attempt).rejects.toThrow(QrKeyConfigError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('names the file when the key file is broken', async () => {
    const dir = path.join(tmp, 'broken');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, QR_KEY_FILE), '{"active":"k1","keys":[{"kid":"k1"}]}');
    await expect(loadOrCreateKeyRingInDir(dir)).rejects.toThrow(
      `${path.join(dir, QR_KEY_FILE)} keys[0] (kid "k1") must have exactly one of "privateJwk" or "publicJwk"`,
    );
  });
});

describe('images', () => {
  const url = `https://hub.example.gov.cn/q/${'x'.repeat(236)}`;

  it('renders a PNG with whole-pixel modules and a 4-module quiet zone', async () => {
    const png = await qrPng(url);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const modules = QRCode.create(url, { errorCorrectionLevel: 'M' }).modules.size;
    // IHDR: width and height are the first two fields after the chunk header.
    expect(png.readUInt32BE(16)).toBe((modules + 8) * 8);
    expect(png.readUInt32BE(20)).toBe((modules + 8) * 8);
  });

  it('renders an SVG sized by its viewBox', async () => {
    const svg = await qrSvg(url);
    const modules = QRCode.create(url, { errorCorrectionLevel: 'M' }).modules.size;
    expect(svg).toContain('<svg');
    expect(svg).toContain(`viewBox="0 0 ${modules + 8} ${modules + 8}"`);
  });

  it('fits a real token URL into a version-12 code at level M', async () => {
    const token = await signQrToken(ring, { type: 'licence', id: randomUUID() });
    const qr = QRCode.create(`https://hub.example.gov.cn/q/${token}`, { errorCorrectionLevel: 'M' });
    expect(qr.version).toBeLessThanOrEqual(12);
  });
});

describe('property: arbitrary input', () => {
  it('refuses any random string without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 600 }), async (s) => {
        const result = await verifyQrToken(ring, s);
        expect(result.ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses random three-part base64url strings without throwing', async () => {
    const part = fc.string({ unit: fc.constantFrom(...B64U), maxLength: 120 });
    await fc.assert(
      fc.asyncProperty(part, part, part, async (h, p, s) => {
        expect((await verifyQrToken(ring, `${h}.${p}.${s}`)).ok).toBe(false);
        // Also with a genuine header, so the key lookup and the signature check are reached.
        expect((await verifyQrToken(ring, `${licenceToken.split('.')[0]}.${p}.${s}`)).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses any edit of a genuine token', async () => {
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: licenceToken.length - 1 }),
        fc.nat({ max: licenceToken.length }),
        fc.string({ maxLength: 3 }),
        async (start, len, insert) => {
          const edited = licenceToken.slice(0, start) + insert + licenceToken.slice(start + len);
          fc.pre(edited !== licenceToken);
          const result = await verifyQrToken(ring, edited);
          expect(result.ok).toBe(false);
          if (!result.ok) codes.add(result.code);
        },
      ),
      { numRuns: 1000 },
    );
    // The edits reach the signature check, not only the cheap structural refusals.
    expect(codes).toContain('BAD_SIGNATURE');
    expect(codes).toContain('MALFORMED');
  });

  it('refuses non-string values from untyped callers without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (v) => {
        fc.pre(typeof v !== 'string');
        expect((await verifyQrToken(ring, v as string)).ok).toBe(false);
      }),
    );
  });
});
