/**
 * Penalty decisions through the gateway: validation, visibility, and a licence suspension or
 * revocation applied in the same transaction as the decision.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HOOK_TIMEOUT } from './helpers/runner.js';
import {
  DecidePenaltyDocument,
  EnterprisePenaltiesDocument,
  IssueLicenceDocument,
  LicenceByIdDocument,
  RevokeLicenceDocument,
} from './generated/graphql.js';
import { aFoodLicenceInput, anEnterprise, aSystemKey, referenceData, uniqueCode } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

let hub: TestHub;
let mrIssuer: string;
let mrPenalties: string;
let le: string;
let holder: string;

beforeAll(async () => {
  hub = await startTestHub();
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  mrIssuer = (await aSystemKey(prisma, 'MR', ['licence:issue', 'licence:revoke'])).key;
  mrPenalties = (await aSystemKey(prisma, 'MR', ['penalty:decide'])).key;
  le = (await aSystemKey(prisma, 'LE', ['penalty:decide'])).key;
  // Law enforcement acts on market-regulation licences through a recorded delegation.
  const { seedEnforcementDelegations } = await import('../prisma/seed/demo.js');
  await seedEnforcementDelegations(prisma);
  holder = (await anEnterprise(prisma)).uscc;
}, HOOK_TIMEOUT);
afterAll(() => hub.stop(), HOOK_TIMEOUT);

async function aLicence(): Promise<string> {
  const res = await hub.gql(IssueLicenceDocument, { input: aFoodLicenceInput(holder) }, mrIssuer);
  expect(res.errors).toBeUndefined();
  return res.data!.issueLicence.id;
}

const decision = (overrides: Record<string, unknown> = {}) => ({
  decisionNumber: uniqueCode('穗海市监罚〔2025〕'),
  enterprise: holder,
  facts: '超范围经营。',
  legalBasis: '《中华人民共和国食品安全法》第一百二十二条',
  kinds: ['FINE'] as ('FINE' | 'WARNING' | 'LICENCE_REVOCATION' | 'LICENCE_SUSPENSION')[],
  fineAmount: '5000.00',
  decidedOn: '2025-09-01',
  publicityUntil: '2099-12-31',
  ...overrides,
});

describe('decidePenalty', () => {
  it("records a fine of the caller's department, visible on the enterprise", async () => {
    const input = decision();
    const res = await hub.gql(DecidePenaltyDocument, { input }, mrPenalties);
    expect(res.errors).toBeUndefined();
    expect(res.data?.decidePenalty).toMatchObject({
      decisionNumber: input.decisionNumber,
      kinds: ['FINE'],
      fineAmount: '5000.00',
      publicised: true,
      enterprise: { uscc: holder },
      decidingDepartment: { code: 'MR' },
      licence: null,
    });
    const list = await hub.gql(EnterprisePenaltiesDocument, { uscc: holder });
    expect(list.data?.enterprise?.penalties.map((p) => p.decisionNumber)).toContain(input.decisionNumber);
  });

  it('revokes the named licence in the same transaction; the licence history names the penalty', async () => {
    const licenceId = await aLicence();
    const input = decision({
      kinds: ['FINE', 'LICENCE_REVOCATION'],
      fineAmount: '100000.00',
      licence: { id: licenceId },
    });
    const res = await hub.gql(DecidePenaltyDocument, { input }, mrPenalties);
    expect(res.errors).toBeUndefined();
    expect(res.data?.decidePenalty.licence).toMatchObject({ id: licenceId, status: 'REVOKED' });
    const licence = await hub.gql(LicenceByIdDocument, { id: licenceId });
    expect(licence.data?.licence?.status).toBe('REVOKED');
    expect(licence.data?.licence?.history.at(-1)).toMatchObject({
      action: 'REVOKED',
      fromStatus: 'VALID',
      toStatus: 'REVOKED',
      penalty: { decisionNumber: input.decisionNumber },
      actorDepartment: { code: 'MR' },
    });
  });

  it('suspends a licence by type and number, from another department (law enforcement)', async () => {
    const licenceId = await aLicence();
    const number = (await hub.platform.prisma.licence.findUniqueOrThrow({ where: { id: licenceId } })).number;
    const input = decision({
      kinds: ['LICENCE_SUSPENSION'],
      fineAmount: null,
      licence: { type: 'FOOD_BUSINESS_LICENCE', number },
      suspensionUntil: '2026-12-31',
    });
    const res = await hub.gql(DecidePenaltyDocument, { input }, le);
    expect(res.errors).toBeUndefined();
    expect((await hub.gql(LicenceByIdDocument, { id: licenceId })).data?.licence?.status).toBe('SUSPENDED');
  });

  it('writes nothing — neither penalty nor licence change — when the licence cannot be revoked', async () => {
    const licenceId = await aLicence();
    await hub.gql(RevokeLicenceDocument, { id: licenceId, reason: '已吊销' }, mrIssuer);
    const before = await hub.platform.prisma.penalty.count();
    const events = await hub.platform.prisma.licenceEvent.count({ where: { licenceId } });
    const input = decision({ kinds: ['LICENCE_REVOCATION'], fineAmount: null, licence: { id: licenceId } });
    const res = await hub.gql(DecidePenaltyDocument, { input }, mrPenalties);
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await hub.platform.prisma.penalty.count()).toBe(before);
    expect(
      await hub.platform.prisma.penalty.findUnique({ where: { decisionNumber: input.decisionNumber } }),
    ).toBeNull();
    expect(await hub.platform.prisma.licenceEvent.count({ where: { licenceId } })).toBe(events);
  });

  it('refuses bad decisions with every problem listed, duplicates with CONFLICT, callers without scope', async () => {
    const before = await hub.platform.prisma.penalty.count();
    const bad = await hub.gql(
      DecidePenaltyDocument,
      {
        input: decision({
          facts: ' ',
          fineAmount: null,
          kinds: ['FINE', 'LICENCE_REVOCATION'],
          publicityUntil: '2020-01-01',
        }),
      },
      mrPenalties,
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((bad.errors?.[0]?.extensions?.problems as { field: string }[]).map((p) => p.field).sort()).toEqual([
      'facts',
      'fineAmount',
      'licence',
      'publicityUntil',
    ]);
    const input = decision();
    await hub.gql(DecidePenaltyDocument, { input }, mrPenalties);
    const dup = await hub.gql(DecidePenaltyDocument, { input }, mrPenalties);
    expect(dup.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await hub.gql(DecidePenaltyDocument, { input: decision() }, mrIssuer)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await hub.gql(DecidePenaltyDocument, { input: decision() })).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    expect(await hub.platform.prisma.penalty.count()).toBe(before + 1);
  });

  it('hides penalties past their publicity period from the public but not from the deciding department', async () => {
    const input = decision({ decidedOn: '2020-01-01', publicityUntil: '2021-01-01' });
    expect((await hub.gql(DecidePenaltyDocument, { input }, mrPenalties)).errors).toBeUndefined();
    const publicView = await hub.gql(EnterprisePenaltiesDocument, { uscc: holder });
    expect(publicView.data?.enterprise?.penalties.map((p) => p.decisionNumber)).not.toContain(input.decisionNumber);
    const deciderView = await hub.gql(EnterprisePenaltiesDocument, { uscc: holder }, mrPenalties);
    expect(
      deciderView.data?.enterprise?.penalties.find((p) => p.decisionNumber === input.decisionNumber)?.publicised,
    ).toBe(false);
  });
});
