/**
 * QR-linked lookups end to end: licence and enterprise codes, the verification page, bad
 * tokens refused before any SQL, key rotation, and a revocation never showing as valid.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage, HOOK_TIMEOUT } from './helpers/runner.js';
import { rotateKeyRingInDir } from '../src/platform/qr/keys.js';
import {
  DecidePenaltyDocument,
  EnterpriseQrDocument,
  IssueLicenceDocument,
  LicenceQrDocument,
  QrLookupDocument,
  RevokeLicenceDocument,
} from './generated/graphql.js';
import { aFoodLicenceInput, anEnterprise, aSystemKey, referenceData, uniqueCode } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-qr-'));
let hub: TestHub;
let mr: string;
let approvalPlatform: string;
let holder: { uscc: string; name: string; legalRepresentativeIdNumber: string; contactPhone: string | null };

beforeAll(async () => {
  hub = await startTestHub({ DATA_DIR: dataDir, HUB_PUBLIC_URL: 'https://hub.haizhu.example' });
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  mr = (await aSystemKey(prisma, 'MR', ['licence:issue', 'licence:revoke', 'penalty:decide'])).key;
  approvalPlatform = (await aSystemKey(prisma, 'GSC', ['enterprise:read-personal'])).key;
  holder = await anEnterprise(prisma);
}, HOOK_TIMEOUT);
afterAll(() => hub.stop(), HOOK_TIMEOUT);

async function licenceWithQr() {
  const issued = await hub.gql(IssueLicenceDocument, { input: aFoodLicenceInput(holder.uscc) }, mr);
  expect(issued.errors).toBeUndefined();
  const id = issued.data!.issueLicence.id;
  const qr = (await hub.gql(LicenceQrDocument, { id })).data!.licence!.qr;
  return { id, number: issued.data!.issueLicence.number, ...qr };
}

const tokenOf = (url: string) => url.slice(url.indexOf('/q/') + 3);
const page = async (token: string) => {
  const res = await fetch(`${hub.url}/q/${token}`);
  return { status: res.status, html: await res.text() };
};

describe('licence QR codes', () => {
  it('encode a hub URL whose token resolves to the licence', async () => {
    const l = await licenceWithQr();
    expect(l.url).toMatch(/^https:\/\/hub\.haizhu\.example\/q\/[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(tokenOf(l.url)).toBe(l.token);
    const res = await hub.gql(QrLookupDocument, { token: l.token });
    expect(res.data?.qrLookup).toMatchObject({
      target: 'LICENCE',
      licence: { id: l.id, status: 'VALID' },
      enterprise: { uscc: holder.uscc },
    });
    // Stable: the same licence gives the same code (signed over its creation time).
    expect((await hub.gql(LicenceQrDocument, { id: l.id })).data?.licence?.qr.token).toBe(l.token);
  });

  it('open a verification page with the licence in plain form and no personal data', async () => {
    const l = await licenceWithQr();
    const { status, html } = await page(l.token);
    expect(status).toBe(200);
    for (const text of [holder.name, l.number, '食品经营许可证', '海珠区市场监督管理局', '有效', 'VALID', '2025-01-10'])
      expect(html).toContain(text);
    expect(html).not.toContain(holder.legalRepresentativeIdNumber);
    expect(html).not.toContain(holder.contactPhone ?? '@@');
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
  });

  it('say REVOKED at once after a revocation commits, although the lookup was cached', async () => {
    const l = await licenceWithQr();
    expect((await hub.gql(QrLookupDocument, { token: l.token })).data?.qrLookup?.licence?.status).toBe('VALID');
    // Cache-first: a scan of a cached licence costs no SQL at all.
    const scan =
      'query($t: String!) { qrLookup(token: $t) { licence { number status validUntil } enterprise { name } } }';
    await hub.gql(scan, { t: l.token });
    const before = hub.platform.db.statementCount();
    const cached = await hub.gql<{ qrLookup: { licence: { status: string } } }, { t: string }>(scan, { t: l.token });
    expect(cached.data?.qrLookup.licence.status).toBe('VALID');
    expect(hub.platform.db.statementCount() - before).toBe(0);
    await hub.gql(RevokeLicenceDocument, { id: l.id, reason: '吊销' }, mr);
    expect((await hub.gql(QrLookupDocument, { token: l.token })).data?.qrLookup?.licence?.status).toBe('REVOKED');
    const { html } = await page(l.token);
    expect(html).toContain('已吊销');
    expect(html).toContain('REVOKED');
    expect(html).not.toContain('>有效<');
  });

  it('say SUSPENDED and EXPIRED unmistakably', async () => {
    const expired = await hub.gql(
      IssueLicenceDocument,
      {
        input: aFoodLicenceInput(holder.uscc, {
          issuedOn: '2015-01-01',
          validFrom: '2015-01-01',
          validUntil: '2019-12-31',
        }),
      },
      mr,
    );
    const expiredQr = (await hub.gql(LicenceQrDocument, { id: expired.data!.issueLicence.id })).data!.licence!.qr;
    expect((await page(expiredQr.token)).html).toContain('已过期');
    const l = await licenceWithQr();
    await hub.gql(
      DecidePenaltyDocument,
      {
        input: {
          decisionNumber: uniqueCode('穗海市监罚'),
          enterprise: holder.uscc,
          facts: '违法经营',
          legalBasis: '《食品安全法》',
          kinds: ['LICENCE_SUSPENSION'],
          decidedOn: '2025-10-01',
          licence: { id: l.id },
          suspensionUntil: '2099-01-01',
        },
      },
      mr,
    );
    expect((await page(l.token)).html).toContain('已暂扣');
  });

  it('serve PNG and SVG renderings', async () => {
    const l = await licenceWithQr();
    const png = await fetch(l.pngUrl.replace('https://hub.haizhu.example', hub.url));
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer()).subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    const svg = await fetch(l.svgUrl.replace('https://hub.haizhu.example', hub.url));
    expect(await svg.text()).toContain('<svg');
  });
});

describe('enterprise QR codes', () => {
  it('give a department system the enterprise, its licences and penalties in one query, fields by scope', async () => {
    await licenceWithQr();
    const token = (await hub.gql(EnterpriseQrDocument, { uscc: holder.uscc })).data!.enterprise!.qr.token;
    const publicView = await hub.gql(QrLookupDocument, { token });
    expect(publicView.data?.qrLookup?.target).toBe('ENTERPRISE');
    expect(publicView.data?.qrLookup?.enterprise?.legalRepresentativeIdNumber).toMatch(/\*{4}/);
    const system = await hub.gql(QrLookupDocument, { token }, approvalPlatform, {
      'x-purpose': 'licence check at the window',
    });
    expect(system.data?.qrLookup?.enterprise).toMatchObject({
      uscc: holder.uscc,
      name: holder.name,
      legalRepresentativeIdNumber: holder.legalRepresentativeIdNumber,
    });
    expect(system.data?.qrLookup?.enterprise?.licences.length).toBeGreaterThan(0);
    const { html } = await page(token);
    expect(html).toContain(holder.name);
    expect(html).not.toContain(holder.legalRepresentativeIdNumber);
  });
});

describe('bad tokens', () => {
  it('are refused with a reason and never touch the database', async () => {
    const l = await licenceWithQr();
    const [h, p, s] = l.token.split('.') as [string, string, string];
    const flip = (x: string, i: number) => x.slice(0, i) + (x[i] === 'A' ? 'B' : 'A') + x.slice(i + 1);
    const forged = await (async () => {
      const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-qr-other-'));
      const other = await startTestHub({ DATA_DIR: otherDir });
      try {
        return (await other.gql(LicenceQrDocument, { id: l.id })).data?.licence?.qr.token ?? '';
      } finally {
        await other.stop();
      }
    })();
    const cases: [string, string][] = [
      [`${h}.${flip(p, 10)}.${s}`, 'BAD_SIGNATURE'],
      [`${h}.${p}.${flip(s, 5)}`, 'BAD_SIGNATURE'],
      [l.token.slice(0, -20), 'MALFORMED'],
      ['not-a-token', 'MALFORMED'],
      [forged, 'UNKNOWN_KEY'],
    ];
    for (const [token, reason] of cases) {
      const before = hub.platform.db.statementCount();
      const res = await hub.gql(QrLookupDocument, { token });
      expectWithMessage(res.errors?.[0]?.extensions?.code, token).toBe('BAD_USER_INPUT');
      expectWithMessage(res.errors?.[0]?.extensions?.reason, token).toBe(reason);
      expectWithMessage(hub.platform.db.statementCount() - before, `SQL for ${reason}`).toBe(0);
      const { status, html } = await page(token);
      expect(status).toBe(400);
      expect(html).toContain('二维码无效');
    }
    expect((await fetch(`${hub.url}/q/${forged}/qr.png`)).status).toBe(400);
  });
});

describe('key rotation and JWKS', () => {
  it('keeps old tokens valid after rotation, signs new ones with the new key, publishes both public keys', async () => {
    const l = await licenceWithQr();
    const oldKid = decodeProtectedHeader(l.token).kid;
    const newKid = await rotateKeyRingInDir(dataDir);
    const rotated = await startTestHub({ DATA_DIR: dataDir });
    try {
      const res = await rotated.gql(QrLookupDocument, { token: l.token });
      expect(res.data?.qrLookup).toMatchObject({ keyId: oldKid, licence: { id: l.id } });
      const fresh = (await rotated.gql(LicenceQrDocument, { id: l.id })).data!.licence!.qr.token;
      expect(decodeProtectedHeader(fresh).kid).toBe(newKid);
      const jwks = (await (await fetch(`${rotated.url}/.well-known/jwks.json`)).json()) as {
        keys: { kid: string; d?: string }[];
      };
      expect(jwks.keys.map((k) => k.kid).sort()).toEqual([oldKid, newKid].sort());
      expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
      // An offline verifier checks both tokens with nothing but the published JWKS.
      const keySet = createLocalJWKSet(jwks);
      for (const token of [l.token, fresh]) await expect(jwtVerify(token, keySet)).resolves.toBeTruthy();
    } finally {
      await rotated.stop();
    }
  });
});
