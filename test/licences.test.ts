/**
 * Licences through the gateway on a real database: issuing, every status transition and every
 * refusal, typed attributes, derived EXPIRED, the enterprise's licences across subgraphs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectWithMessage, HOOK_TIMEOUT } from './helpers/runner.js';
import {
  AmendLicenceDocument,
  CancelLicenceDocument,
  EnterpriseLicencesDocument,
  IssueLicenceDocument,
  LicenceByIdDocument,
  ReinstateLicenceDocument,
  RevokeLicenceDocument,
  SuspendLicenceDocument,
} from './generated/graphql.js';
import { aFoodLicenceInput, anEnterprise, aSystemKey, referenceData } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

let hub: TestHub;
let mr: string; // market regulation: issues food licences
let mrReadOnly: string;
let hc: string; // housing & construction: another department
let holder: string;

beforeAll(async () => {
  hub = await startTestHub();
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  mr = (
    await aSystemKey(prisma, 'MR', [
      'licence:issue',
      'licence:amend',
      'licence:suspend',
      'licence:revoke',
      'licence:cancel',
    ])
  ).key;
  mrReadOnly = (await aSystemKey(prisma, 'MR', [])).key;
  hc = (
    await aSystemKey(prisma, 'HC', [
      'licence:issue',
      'licence:amend',
      'licence:suspend',
      'licence:revoke',
      'licence:cancel',
    ])
  ).key;
  holder = (await anEnterprise(prisma)).uscc;
}, HOOK_TIMEOUT);
afterAll(() => hub.stop(), HOOK_TIMEOUT);

const licenceCount = () => hub.platform.prisma.licence.count();
const eventCount = () => hub.platform.prisma.licenceEvent.count();

async function issue(overrides: Record<string, unknown> = {}) {
  const res = await hub.gql(IssueLicenceDocument, { input: aFoodLicenceInput(holder, overrides) }, mr);
  expect(res.errors).toBeUndefined();
  return res.data!.issueLicence;
}

describe('issueLicence', () => {
  it('issues a licence with typed attributes, default validity of its type, and an ISSUED event', async () => {
    const l = await issue();
    expect(l).toMatchObject({
      status: 'VALID',
      inForce: true,
      revision: 1,
      validFrom: '2025-01-10',
      validUntil: '2030-01-09', // 60 months, last day inclusive
      type: { code: 'FOOD_BUSINESS_LICENCE' },
      holder: { uscc: holder },
      issuingDepartment: { code: 'MR', name: '海珠区市场监督管理局' },
    });
    expect(l.attributes).toEqual([
      { name: 'premises', type: 'STRING', value: '广州市海珠区新港中路1号首层' },
      { name: 'businessFormat', type: 'STRING', value: '餐饮服务经营者' },
    ]);
    expect(l.history).toEqual([
      {
        action: 'ISSUED',
        fromStatus: null,
        toStatus: 'VALID',
        reason: 'issued',
        actorDepartment: { code: 'MR' },
        penalty: null,
      },
    ]);
  });

  it('refuses a department that does not issue this type (FORBIDDEN), a missing scope, an unknown holder, a duplicate number, bad attributes — writing nothing', async () => {
    const before = [await licenceCount(), await eventCount()];
    const other = await hub.gql(IssueLicenceDocument, { input: aFoodLicenceInput(holder) }, hc);
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(other.errors?.[0]?.extensions?.requiredDepartment).toBe('MR');
    const noScope = await hub.gql(IssueLicenceDocument, { input: aFoodLicenceInput(holder) }, mrReadOnly);
    expect(noScope.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await hub.gql(IssueLicenceDocument, { input: aFoodLicenceInput(holder) });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const unknownHolder = await hub.gql(IssueLicenceDocument, { input: aFoodLicenceInput('9144030071526726XG') }, mr);
    expect(unknownHolder.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const badAttributes = await hub.gql(
      IssueLicenceDocument,
      {
        input: aFoodLicenceInput(holder, { attributes: [{ name: 'colour', value: 'red' }], validUntil: '2024-01-01' }),
      },
      mr,
    );
    expect(badAttributes.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const fields = (badAttributes.errors?.[0]?.extensions?.problems as { field: string }[]).map((p) => p.field).sort();
    expect(fields).toEqual(['attributes.businessFormat', 'attributes.colour', 'attributes.premises', 'validUntil']);
    expect([await licenceCount(), await eventCount()]).toEqual(before);

    const first = await issue();
    const dup = await hub.gql(IssueLicenceDocument, { input: aFoodLicenceInput(holder, { number: first.number }) }, mr);
    expect(dup.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await licenceCount()).toBe(before[0]! + 1);
  });

  it('derives EXPIRED from validUntil and filters the enterprise licences by status, type and date', async () => {
    const expired = await issue({ issuedOn: '2018-01-01', validFrom: '2018-01-01', validUntil: '2023-12-31' });
    expect(expired.status).toBe('EXPIRED');
    expect(expired.inForce).toBe(false);
    const res = await hub.gql(EnterpriseLicencesDocument, { uscc: holder, status: 'EXPIRED' });
    expect(res.data?.enterprise?.licences.map((l) => l.number)).toContain(expired.number);
    expect(res.data?.enterprise?.licences.every((l) => l.status === 'EXPIRED')).toBe(true);
    const onDate = await hub.gql(EnterpriseLicencesDocument, { uscc: holder, validOn: '2020-06-01' });
    expect(onDate.data?.enterprise?.licences.map((l) => l.number)).toEqual([expired.number]);
    const otherType = await hub.gql(EnterpriseLicencesDocument, { uscc: holder, type: 'CONSTRUCTION_PERMIT' });
    expect(otherType.data?.enterprise?.licences).toEqual([]);
  });
});

describe('status transitions', () => {
  it('VALID → SUSPENDED → VALID → REVOKED, each with its history event', async () => {
    const l = await issue();
    expect(
      (await hub.gql(SuspendLicenceDocument, { id: l.id, reason: '整改期间暂停' }, mr)).data?.suspendLicence.status,
    ).toBe('SUSPENDED');
    expect(
      (await hub.gql(ReinstateLicenceDocument, { id: l.id, reason: '整改完成' }, mr)).data?.reinstateLicence.status,
    ).toBe('VALID');
    expect(
      (await hub.gql(SuspendLicenceDocument, { id: l.id, reason: '再次暂停' }, mr)).data?.suspendLicence.status,
    ).toBe('SUSPENDED');
    expect(
      (await hub.gql(RevokeLicenceDocument, { id: l.id, reason: '严重违法' }, mr)).data?.revokeLicence.status,
    ).toBe('REVOKED');
    const read = await hub.gql(LicenceByIdDocument, { id: l.id });
    expect(read.data?.licence?.history.map((h) => [h.action, h.fromStatus, h.toStatus, h.reason])).toEqual([
      ['ISSUED', null, 'VALID', 'issued'],
      ['SUSPENDED', 'VALID', 'SUSPENDED', '整改期间暂停'],
      ['REINSTATED', 'SUSPENDED', 'VALID', '整改完成'],
      ['SUSPENDED', 'VALID', 'SUSPENDED', '再次暂停'],
      ['REVOKED', 'SUSPENDED', 'REVOKED', '严重违法'],
    ]);
  });

  it('VALID → CANCELLED, and VALID → REVOKED directly', async () => {
    const a = await issue();
    expect(
      (await hub.gql(CancelLicenceDocument, { id: a.id, reason: '企业申请注销' }, mr)).data?.cancelLicence.status,
    ).toBe('CANCELLED');
    const b = await issue();
    expect((await hub.gql(RevokeLicenceDocument, { id: b.id, reason: '吊销' }, mr)).data?.revokeLicence.status).toBe(
      'REVOKED',
    );
  });

  it('refuses every transition the current status does not allow, with CONFLICT, writing nothing', async () => {
    const valid = await issue();
    const revoked = await issue();
    await hub.gql(RevokeLicenceDocument, { id: revoked.id, reason: '吊销' }, mr);
    const cancelled = await issue();
    await hub.gql(CancelLicenceDocument, { id: cancelled.id, reason: '注销' }, mr);
    const refused: [
      (
        | typeof SuspendLicenceDocument
        | typeof ReinstateLicenceDocument
        | typeof RevokeLicenceDocument
        | typeof CancelLicenceDocument
      ),
      string,
      string,
    ][] = [
      [ReinstateLicenceDocument, valid.id, 'VALID'],
      [SuspendLicenceDocument, revoked.id, 'REVOKED'],
      [ReinstateLicenceDocument, revoked.id, 'REVOKED'],
      [RevokeLicenceDocument, revoked.id, 'REVOKED'],
      [CancelLicenceDocument, revoked.id, 'REVOKED'],
      [SuspendLicenceDocument, cancelled.id, 'CANCELLED'],
      [RevokeLicenceDocument, cancelled.id, 'CANCELLED'],
      [ReinstateLicenceDocument, cancelled.id, 'CANCELLED'],
    ];
    const events = await eventCount();
    for (const [doc, id, status] of refused) {
      const res = await hub.gql(doc, { id, reason: 'x' }, mr);
      expectWithMessage(res.errors?.[0]?.extensions?.code, `${status}`).toBe('CONFLICT');
      expect(res.errors?.[0]?.extensions?.currentStatus).toBe(status);
    }
    expect(await eventCount()).toBe(events);
    const amendRevoked = await hub.gql(
      AmendLicenceDocument,
      { id: revoked.id, input: { scope: '新范围' }, reason: '变更' },
      mr,
    );
    expect(amendRevoked.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('refuses another department, a missing scope, an empty reason, an unknown licence', async () => {
    const l = await issue();
    expect(
      (await hub.gql(SuspendLicenceDocument, { id: l.id, reason: '越权' }, hc)).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect(
      (await hub.gql(SuspendLicenceDocument, { id: l.id, reason: '无权限' }, mrReadOnly)).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect((await hub.gql(SuspendLicenceDocument, { id: l.id, reason: ' ' }, mr)).errors?.[0]?.extensions?.code).toBe(
      'BAD_USER_INPUT',
    );
    expect(
      (await hub.gql(SuspendLicenceDocument, { id: '00000000-0000-0000-0000-000000000000', reason: '不存在' }, mr))
        .errors?.[0]?.extensions?.code,
    ).toBe('NOT_FOUND');
    expect((await hub.gql(LicenceByIdDocument, { id: l.id })).data?.licence?.status).toBe('VALID');
  });
});

describe('amendLicence', () => {
  it('changes scope, attributes and validity, records the changes, and refuses a stale revision', async () => {
    const l = await issue();
    const res = await hub.gql(
      AmendLicenceDocument,
      {
        id: l.id,
        input: {
          scope: '预包装食品销售',
          attributes: [{ name: 'businessItems', value: '预包装食品' }],
          validUntil: '2029-12-31',
        },
        reason: '经营项目变更',
        expectedRevision: 1,
      },
      mr,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.amendLicence).toMatchObject({ scope: '预包装食品销售', validUntil: '2029-12-31', revision: 2 });
    expect(res.data?.amendLicence.attributes.find((a) => a.name === 'businessItems')?.value).toBe('预包装食品');
    expect(res.data?.amendLicence.history.at(-1)).toMatchObject({ action: 'AMENDED', reason: '经营项目变更' });
    const stale = await hub.gql(
      AmendLicenceDocument,
      { id: l.id, input: { scope: '过期修改' }, reason: '变更', expectedRevision: 1 },
      mr,
    );
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await hub.gql(LicenceByIdDocument, { id: l.id })).data?.licence?.scope).toBe('预包装食品销售');
  });
});
