/** Ed25519 key ring for QR tokens: one active signing key, older keys kept (public part) so their tokens still verify. */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { importJWK, type CryptoKey, type JWK } from 'jose';

/** Name of the key file that `loadOrCreateKeyRingInDir` keeps in the data directory. */
export const QR_KEY_FILE = 'qr-keys.json';

/** Key ids travel in every token (and so in every QR code): short, and safe to echo in messages. */
const KID_RE = /^[A-Za-z0-9._-]{1,64}$/;

export interface QrKeyRing {
  /** The key new tokens are signed with. */
  readonly active: { readonly kid: string; readonly privateKey: CryptoKey };
  /** Every listed key (active included), by kid; a token whose kid is absent is refused. */
  readonly verifying: ReadonlyMap<string, CryptoKey>;
  /** The public keys as a JWKS for /.well-known/jwks.json (never a private part). */
  jwks(): { keys: JWK[] };
}

/** Raised for an unusable key configuration; the message names the entry and what is wrong with it. */
export class QrKeyConfigError extends Error {
  override name = 'QrKeyConfigError';
}

/** Ed25519 key material after validation (base64url, 32 bytes each). */
interface Ed25519Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  d?: string;
}

interface KeyEntry {
  kid: string;
  /** Present only for keys that can sign; retired keys keep just `x`. */
  jwk: Ed25519Jwk;
}

interface KeyConfig {
  active: string;
  keys: KeyEntry[];
}

// ---------------------------------------------------------------------------------------------
// Parsing and validation of the JSON format
// ---------------------------------------------------------------------------------------------

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Decodes canonical base64url of an exact length; null otherwise (so a typo cannot slip through). */
function decodeB64u(value: unknown, bytes: number): Buffer | null {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  const buf = Buffer.from(value, 'base64url');
  return buf.length === bytes && buf.toString('base64url') === value ? buf : null;
}

/** The public `x` that belongs to a private `d` (derived, so a mismatched pair is caught at load). */
function publicXFromD(d: string): string {
  // PKCS#8 wrapping of a raw Ed25519 seed: Node's JWK import would want the "x" we are checking.
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(d, 'base64url')]);
  const priv = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const pub = createPublicKey(priv).export({ format: 'jwk' });
  if (typeof pub.x !== 'string') throw new Error('Ed25519 public key export has no "x"');
  return pub.x;
}

function parseJwk(raw: unknown, kind: 'privateJwk' | 'publicJwk', kid: string, where: string): Ed25519Jwk {
  const at = `${where} "${kind}"`;
  if (!isRecord(raw)) throw new QrKeyConfigError(`${at} must be a JSON object (a JWK)`);
  if (raw.kty !== 'OKP') {
    throw new QrKeyConfigError(`${at} has "kty" ${JSON.stringify(raw.kty)}; QR keys are Ed25519, "kty" must be "OKP"`);
  }
  if (raw.crv !== 'Ed25519') {
    throw new QrKeyConfigError(`${at} has "crv" ${JSON.stringify(raw.crv)}; QR keys must have "crv" "Ed25519"`);
  }
  if (raw.kid !== undefined && raw.kid !== kid) {
    throw new QrKeyConfigError(`${at} has "kid" ${JSON.stringify(raw.kid)}, but the entry's kid is "${kid}"`);
  }
  if (raw.alg !== undefined && raw.alg !== 'EdDSA' && raw.alg !== 'Ed25519') {
    throw new QrKeyConfigError(`${at} has "alg" ${JSON.stringify(raw.alg)}; QR tokens are signed with "EdDSA"`);
  }
  if (raw.use !== undefined && raw.use !== 'sig') {
    throw new QrKeyConfigError(`${at} has "use" ${JSON.stringify(raw.use)}; a signing key has "use" "sig"`);
  }
  if (kind === 'publicJwk') {
    // A private part under "publicJwk" is a mistake that could get a secret copied around as "public".
    if (raw.d !== undefined) {
      throw new QrKeyConfigError(`${at} contains a private part "d"; list the key under "privateJwk" instead`);
    }
    if (!decodeB64u(raw.x, 32)) {
      throw new QrKeyConfigError(`${at} "x" must be a 32-byte Ed25519 public key in base64url (43 characters)`);
    }
    return { kty: 'OKP', crv: 'Ed25519', x: raw.x as string };
  }
  if (!decodeB64u(raw.d, 32)) {
    throw new QrKeyConfigError(`${at} "d" must be a 32-byte Ed25519 private key in base64url (43 characters)`);
  }
  const d = raw.d as string;
  const x = publicXFromD(d);
  // A wrong "x" would publish a JWKS that cannot verify the tokens we sign: refuse it now.
  if (raw.x !== undefined && raw.x !== x) {
    throw new QrKeyConfigError(`${at} "x" is not the public key of its "d" (expected "${x}")`);
  }
  return { kty: 'OKP', crv: 'Ed25519', x, d };
}

function parseKeyConfig(json: string, source: string): KeyConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new QrKeyConfigError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isRecord(raw)) throw new QrKeyConfigError(`${source} must be a JSON object {"active": ..., "keys": [...]}`);
  for (const field of Object.keys(raw)) {
    if (field !== 'active' && field !== 'keys') {
      throw new QrKeyConfigError(`${source} has an unknown field "${field}" (allowed: "active", "keys")`);
    }
  }
  if (typeof raw.active !== 'string' || raw.active === '') {
    throw new QrKeyConfigError(`${source} "active" must be the kid of the signing key`);
  }
  if (!Array.isArray(raw.keys) || raw.keys.length === 0) {
    throw new QrKeyConfigError(`${source} "keys" must be a non-empty array`);
  }
  const keys: KeyEntry[] = [];
  const firstIndex = new Map<string, number>();
  raw.keys.forEach((entry: unknown, i: number) => {
    const where = `${source} keys[${i}]`;
    if (!isRecord(entry)) throw new QrKeyConfigError(`${where} must be an object {"kid", "privateJwk" | "publicJwk"}`);
    for (const field of Object.keys(entry)) {
      if (field !== 'kid' && field !== 'privateJwk' && field !== 'publicJwk') {
        throw new QrKeyConfigError(
          `${where} has an unknown field "${field}" (allowed: "kid", "privateJwk", "publicJwk")`,
        );
      }
    }
    const kid = entry.kid;
    if (typeof kid !== 'string' || !KID_RE.test(kid)) {
      throw new QrKeyConfigError(`${where} "kid" must be 1-64 characters from A-Z a-z 0-9 . _ -`);
    }
    const seen = firstIndex.get(kid);
    if (seen !== undefined)
      throw new QrKeyConfigError(`${source} lists kid "${kid}" twice (keys[${seen}] and keys[${i}])`);
    firstIndex.set(kid, i);
    const hasPrivate = entry.privateJwk !== undefined;
    const hasPublic = entry.publicJwk !== undefined;
    if (hasPrivate === hasPublic) {
      throw new QrKeyConfigError(`${where} (kid "${kid}") must have exactly one of "privateJwk" or "publicJwk"`);
    }
    const jwk = hasPrivate
      ? parseJwk(entry.privateJwk, 'privateJwk', kid, `${where} (kid "${kid}")`)
      : parseJwk(entry.publicJwk, 'publicJwk', kid, `${where} (kid "${kid}")`);
    keys.push({ kid, jwk });
  });
  const active = keys.find((k) => k.kid === raw.active);
  if (!active) {
    throw new QrKeyConfigError(
      `${source} "active" is "${String(raw.active)}" but no key has that kid (listed: ${keys.map((k) => `"${k.kid}"`).join(', ')})`,
    );
  }
  if (active.jwk.d === undefined) {
    throw new QrKeyConfigError(
      `${source} active key "${active.kid}" has only a "publicJwk"; the active key signs tokens and needs its "privateJwk"`,
    );
  }
  return { active: raw.active, keys };
}

function serializeKeyConfig(config: KeyConfig): string {
  const keys = config.keys.map((k) =>
    k.jwk.d === undefined ? { kid: k.kid, publicJwk: k.jwk } : { kid: k.kid, privateJwk: k.jwk },
  );
  return `${JSON.stringify({ active: config.active, keys }, null, 2)}\n`;
}

async function importEd25519(jwk: Ed25519Jwk): Promise<CryptoKey> {
  const key = await importJWK({ ...jwk }, 'EdDSA');
  // importJWK's type admits Uint8Array (for "oct" keys); an OKP key always comes back as a CryptoKey.
  if (key instanceof Uint8Array) throw new Error('Ed25519 key imported as raw bytes');
  return key;
}

async function buildKeyRing(config: KeyConfig): Promise<QrKeyRing> {
  const activeEntry = config.keys.find((k) => k.kid === config.active);
  if (!activeEntry || activeEntry.jwk.d === undefined) throw new QrKeyConfigError('active key has no private part');
  const privateKey = await importEd25519(activeEntry.jwk);
  const verifying = new Map<string, CryptoKey>();
  const publicJwks: JWK[] = [];
  for (const entry of config.keys) {
    const pub: Ed25519Jwk = { kty: 'OKP', crv: 'Ed25519', x: entry.jwk.x };
    verifying.set(entry.kid, await importEd25519(pub));
    publicJwks.push({ ...pub, kid: entry.kid, alg: 'EdDSA', use: 'sig' });
  }
  return {
    active: Object.freeze({ kid: activeEntry.kid, privateKey }),
    verifying,
    // Fresh copies each time, so a caller that edits the response cannot alter the ring.
    jwks: () => ({ keys: publicJwks.map((k) => ({ ...k })) }),
  };
}

/** Builds a key ring from configuration JSON `{"active": kid, "keys": [{kid, privateJwk | publicJwk}]}`. */
export async function loadKeyRingFromJson(json: string): Promise<QrKeyRing> {
  return buildKeyRing(parseKeyConfig(json, 'QR key configuration'));
}

// ---------------------------------------------------------------------------------------------
// The embedded default: a key file in the data directory
// ---------------------------------------------------------------------------------------------

function newKeyEntry(now: Date, taken: ReadonlySet<string>): KeyEntry {
  const day = now.toISOString().slice(0, 10);
  let kid: string;
  do kid = `qr-${day}-${randomBytes(2).toString('hex')}`;
  while (taken.has(kid));
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string' || typeof jwk.d !== 'string') throw new Error('Ed25519 key export is incomplete');
  return { kid, jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d } };
}

async function readKeyFile(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Writes the key file through a synced temporary file, so a reader never sees half a file and a
 * crash never loses a key whose tokens may already be printed on licences. With `createOnly`, an
 * existing file wins (another process created it first) and false is returned.
 */
async function writeKeyFile(file: string, config: KeyConfig, createOnly: boolean): Promise<boolean> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(serializeKeyConfig(config), 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (createOnly) {
      try {
        await fs.link(tmp, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw err;
      }
    } else {
      await fs.rename(tmp, file);
    }
  } finally {
    await fs.rm(tmp, { force: true });
  }
  // Make the new directory entry durable too; not every platform allows opening a directory.
  const dirHandle = await fs.open(dir, 'r').catch(() => undefined);
  await dirHandle?.sync().catch(() => undefined);
  await dirHandle?.close();
  return true;
}

async function readKeyConfigInDir(dir: string): Promise<{ file: string; config: KeyConfig }> {
  const file = path.join(dir, QR_KEY_FILE);
  const text = await readKeyFile(file);
  if (text === undefined) throw new QrKeyConfigError(`${file} does not exist; there is no QR key ring in ${dir}`);
  return { file, config: parseKeyConfig(text, file) };
}

/** Loads `<dir>/qr-keys.json`, creating it (mode 0600, one new Ed25519 key) on first use. */
export async function loadOrCreateKeyRingInDir(dir: string, now: Date = new Date()): Promise<QrKeyRing> {
  const file = path.join(dir, QR_KEY_FILE);
  const text = await readKeyFile(file);
  if (text !== undefined) return buildKeyRing(parseKeyConfig(text, file));
  const entry = newKeyEntry(now, new Set());
  const config: KeyConfig = { active: entry.kid, keys: [entry] };
  if (await writeKeyFile(file, config, true)) return buildKeyRing(config);
  // Another process created the file between our read and write: use its key, not ours.
  const theirs = await fs.readFile(file, 'utf8');
  return buildKeyRing(parseKeyConfig(theirs, file));
}

/**
 * Adds a new active key to `<dir>/qr-keys.json` and returns its kid. The previous keys stay
 * listed, so their tokens keep verifying, but only by their public part: a key that no longer
 * signs has no reason to keep its private half on disk. Running servers pick it up on restart.
 */
export async function rotateKeyRingInDir(dir: string, now: Date = new Date()): Promise<string> {
  const { file, config } = await readKeyConfigInDir(dir);
  const entry = newKeyEntry(now, new Set(config.keys.map((k) => k.kid)));
  const keys = config.keys.map((k) => ({ kid: k.kid, jwk: { kty: k.jwk.kty, crv: k.jwk.crv, x: k.jwk.x } }));
  await writeKeyFile(file, { active: entry.kid, keys: [entry, ...keys] }, false);
  return entry.kid;
}

/** Removes a non-active key from `<dir>/qr-keys.json`; tokens signed with it are refused from then on. */
export async function retireKey(dir: string, kid: string): Promise<void> {
  const { file, config } = await readKeyConfigInDir(dir);
  if (kid === config.active) {
    throw new QrKeyConfigError(`key "${kid}" is the active key and cannot be retired; rotate to a new key first`);
  }
  if (!config.keys.some((k) => k.kid === kid)) {
    throw new QrKeyConfigError(
      `key "${kid}" is not in ${file} (listed: ${config.keys.map((k) => `"${k.kid}"`).join(', ')})`,
    );
  }
  await writeKeyFile(file, { active: config.active, keys: config.keys.filter((k) => k.kid !== kid) }, false);
}
