/**
 * Offline revocation: the hub publishes a signed licence status list; with the JWKS, the list and
 * a licence's QR token, an offline verifier tells valid, suspended and revoked apart, and a
 * status change shows in the list at the next fetch.
 */
import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll } from '../helpers/runner.js';
import type { JSONWebKeySet } from 'jose';
import {
  IssueLicenceDocument,
  LicenceQrDocument,
  QrLookupDocument,
  RevokeLicenceDocument,
  SuspendLicenceDocument,
} from '../generated/graphql.js';
import { aFoodLicenceInput, anEnterprise, aSystemKey, referenceData } from '../helpers/builders.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { signQrToken } from '../../src/platform/qr/tokens.js';
import { checkLicenceOffline } from './offline-verifier.js';

const TTL = 900;
let hub: TestHub;
let mr: string;
let holder: string;

beforeAll(async () => {
  hub = await startTestHub({ STATUS_LIST_TTL_SECONDS: String(TTL) });
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  mr = (await aSystemKey(prisma, 'MR', ['licence:issue', 'licence:suspend', 'licence:revoke'])).key;
  holder = (await anEnterprise(prisma)).uscc;
});
afterAll(() => hub.stop());

async function aLicence(): Promise<{ id: string; token: string }> {
  const issued = await hub.gql(IssueLicenceDocument, { input: aFoodLicenceInput(holder) }, mr);
  expect(issued.errors).toBeUndefined();
  const id = issued.data!.issueLicence.id;
  const qr = await hub.gql(LicenceQrDocument, { id });
  return { id, token: qr.data!.licence!.qr.token };
}

async function published(): Promise<{ jwks: JSONWebKeySet; list: string; res: Response }> {
  const jwks = (await (await fetch(`${hub.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  const res = await fetch(`${hub.url}/status/licences.jwt`);
  expect(res.status).toBe(200);
  return { jwks, list: await res.text(), res };
}

describe('licence status list', () => {
  it('lets an offline verifier tell valid, suspended and revoked licences apart, from the published files only', async () => {
    const valid = await aLicence();
    const suspended = await aLicence();
    const revoked = await aLicence();
    const before = await published();
    const now = new Date();
    expect(await checkLicenceOffline(before.jwks, before.list, suspended.token, now)).toBe('valid');

    expect((await hub.gql(SuspendLicenceDocument, { id: suspended.id, reason: '暂扣' }, mr)).errors).toBeUndefined();
    expect((await hub.gql(RevokeLicenceDocument, { id: revoked.id, reason: '吊销' }, mr)).errors).toBeUndefined();
    const after = await published();
    expect(after.list).not.toBe(before.list);
    expect(await checkLicenceOffline(after.jwks, after.list, valid.token, now)).toBe('valid');
    expect(await checkLicenceOffline(after.jwks, after.list, suspended.token, now)).toBe('suspended');
    expect(await checkLicenceOffline(after.jwks, after.list, revoked.token, now)).toBe('revoked');
  });

  it('is a signed JWT with iat and exp TTL apart, served with cache headers and conditional requests', async () => {
    const { list, res } = await published();
    expect(res.headers.get('content-type')).toContain('application/vc+jwt');
    expect(res.headers.get('cache-control')).toContain('max-age=');
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    const [header, payload] = list
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>);
    expect(header).toMatchObject({ alg: 'EdDSA', kid: hub.platform.qr.active.kid });
    expect(Number(payload!.exp) - Number(payload!.iat)).toBe(TTL);
    expect(payload!.credentialSubject).toMatchObject({
      type: 'BitstringStatusList',
      statusPurpose: 'message',
      statusSize: 2,
    });
    const again = await fetch(`${hub.url}/status/licences.jwt`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
  });

  it('refuses a list past its exp, and a list or token altered in transit', async () => {
    const l = await aLicence();
    const { jwks, list } = await published();
    const later = new Date(Date.now() + (TTL + 60) * 1000);
    await expect(checkLicenceOffline(jwks, list, l.token, later)).rejects.toThrow(/exp/);
    const [h, p, s] = list.split('.');
    const forged = `${h}.${p!.slice(0, -2)}AA.${s}`;
    await expect(checkLicenceOffline(jwks, forged, l.token, new Date())).rejects.toThrow();
  });

  it('gives every licence a stable index, and old tokens without one still verify online', async () => {
    const l = await aLicence();
    const row = await hub.platform.prisma.licence.findUniqueOrThrow({ where: { id: l.id } });
    const claims = JSON.parse(Buffer.from(l.token.split('.')[1]!, 'base64url').toString('utf8')) as { idx: number };
    expect(claims.idx).toBe(row.statusIndex);
    const old = await signQrToken(hub.platform.qr, { type: 'licence', id: l.id }, row.createdAt);
    const { jwks, list } = await published();
    expect(await checkLicenceOffline(jwks, list, old, new Date())).toBe('unknown-status');
    const online = await hub.gql(QrLookupDocument, { token: old });
    expect(online.errors).toBeUndefined();
    expect(online.data?.qrLookup?.licence?.status).toBe('VALID');
  });
});
