/**
 * Who may suspend or revoke a licence by a penalty: the department that issues its type, or one
 * holding a recorded enforcement delegation for it; and no licence leaves EXPIRED, REVOKED or
 * CANCELLED by revocation, whether through a penalty or the licence mutations.
 */
import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll } from '../helpers/runner.js';
import {
  CancelLicenceDocument,
  DecidePenaltyDocument,
  RevokeLicenceDocument,
  SuspendLicenceDocument,
} from '../generated/graphql.js';
import { anEnterprise, aSystemKey, referenceData, uniqueCode } from '../helpers/builders.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { seedEnforcementDelegations } from '../../prisma/seed/demo.js';

let hub: TestHub;
let mrPenalties: string;
let lePenalties: string;
let hcIssuer: string;
let holder: string;

beforeAll(async () => {
  hub = await startTestHub();
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  await seedEnforcementDelegations(prisma);
  mrPenalties = (await aSystemKey(prisma, 'MR', ['penalty:decide'])).key;
  lePenalties = (await aSystemKey(prisma, 'LE', ['penalty:decide'])).key;
  hcIssuer = (await aSystemKey(prisma, 'HC', ['licence:revoke', 'licence:suspend', 'licence:cancel', 'penalty:decide']))
    .key;
  holder = (await anEnterprise(prisma)).uscc;
});
afterAll(() => hub.stop());

const DAY = 86_400_000;

/** A licence as its issuing department's system would have recorded it. */
async function aLicence(typeCode: string, issuingDepartmentCode: string, validUntil: Date | null = null) {
  return hub.platform.prisma.licence.create({
    data: {
      typeCode,
      number: uniqueCode('LIC-'),
      holderUscc: holder,
      issuingDepartmentCode,
      issuedOn: new Date('2024-01-02'),
      validFrom: new Date('2024-01-02'),
      validUntil,
      scope: '测试',
    },
  });
}

const revocation = (licenceId: string) => ({
  decisionNumber: uniqueCode('穗海罚〔2025〕'),
  enterprise: holder,
  facts: '违法施工。',
  legalBasis: '《建筑工程施工许可管理办法》第十五条',
  kinds: ['LICENCE_REVOCATION' as const],
  decidedOn: '2025-09-01',
  publicityUntil: '2099-12-31',
  licence: { id: licenceId },
});

async function unchanged(licenceId: string, decisionNumber: string) {
  const prisma = hub.platform.prisma;
  expect(await prisma.penalty.count({ where: { decisionNumber } })).toBe(0);
  expect(await prisma.licenceEvent.count({ where: { licenceId } })).toBe(0);
  return (await prisma.licence.findUniqueOrThrow({ where: { id: licenceId } })).status;
}

describe('penalty authority over licences', () => {
  it('refuses a department that neither issues the type nor holds a delegation (market regulation revoking a construction permit): FORBIDDEN, nothing written', async () => {
    const permit = await aLicence('CONSTRUCTION_PERMIT', 'HC');
    const input = revocation(permit.id);
    const res = await hub.gql(DecidePenaltyDocument, { input }, mrPenalties);
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      issuingDepartment: 'HC',
      licenceType: 'CONSTRUCTION_PERMIT',
    });
    expect(await unchanged(permit.id, input.decisionNumber)).toBe('VALID');
  });

  it('lets the law-enforcement bureau revoke a type it holds a delegation for, and refuses a type it does not', async () => {
    const permit = await aLicence('CONSTRUCTION_PERMIT', 'HC');
    const ok = await hub.gql(DecidePenaltyDocument, { input: revocation(permit.id) }, lePenalties);
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.decidePenalty.licence).toMatchObject({ id: permit.id, status: 'REVOKED' });

    const health = await aLicence('PUBLIC_HEALTH_LICENCE', 'HE');
    const input = revocation(health.id);
    const refused = await hub.gql(DecidePenaltyDocument, { input }, lePenalties);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await unchanged(health.id, input.decisionNumber)).toBe('VALID');
  });

  it('refuses a delegation that does not hold on the day of the decision', async () => {
    const prisma = hub.platform.prisma;
    const dept = uniqueCode('ENF');
    await prisma.department.create({ data: { code: dept, name: '临时执法队', kind: 'LAW_ENFORCEMENT' } });
    await prisma.enforcementDelegation.create({
      data: {
        departmentCode: dept,
        licenceTypeCode: 'DISCHARGE_PERMIT',
        basis: '试点授权',
        validFrom: new Date('2023-01-01'),
        validUntil: new Date('2024-12-31'),
      },
    });
    const key = (await aSystemKey(prisma, dept, ['penalty:decide'])).key;
    const permit = await aLicence('DISCHARGE_PERMIT', 'EE');
    const late = revocation(permit.id); // decided 2025-09-01, after the delegation ended
    expect((await hub.gql(DecidePenaltyDocument, { input: late }, key)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect(await unchanged(permit.id, late.decisionNumber)).toBe('VALID');
    const inTime = { ...revocation(permit.id), decidedOn: '2024-06-30' };
    expect((await hub.gql(DecidePenaltyDocument, { input: inTime }, key)).errors).toBeUndefined();
  });

  it('publishes delegations read-only on the department', async () => {
    const res = await hub.gql<
      {
        department: {
          enforcementDelegations: {
            licenceTypeCode: string;
            basis: string;
            validFrom: string;
            validUntil: string | null;
          }[];
        };
      },
      { code: string }
    >(
      'query ($code: String!) { department(code: $code) { enforcementDelegations { licenceTypeCode basis validFrom validUntil } } }',
      { code: 'LE' },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.department.enforcementDelegations.map((d) => d.licenceTypeCode)).toEqual(
      expect.arrayContaining(['CONSTRUCTION_PERMIT', 'DISCHARGE_PERMIT', 'FOOD_BUSINESS_LICENCE']),
    );
    expect(res.data?.department.enforcementDelegations[0]).toMatchObject({ validFrom: '2020-08-01', validUntil: null });
  });
});

describe('no revocation of an expired, revoked or cancelled licence', () => {
  it('refuses to revoke or suspend an EXPIRED licence, by penalty and by mutation, with CONFLICT; nothing written', async () => {
    const expired = await aLicence('CONSTRUCTION_PERMIT', 'HC', new Date(Date.now() - 10 * DAY));
    const input = revocation(expired.id);
    const byPenalty = await hub.gql(DecidePenaltyDocument, { input }, hcIssuer);
    expect(byPenalty.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentStatus: 'EXPIRED' });
    const byMutation = await hub.gql(RevokeLicenceDocument, { id: expired.id, reason: '吊销' }, hcIssuer);
    expect(byMutation.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentStatus: 'EXPIRED' });
    const suspend = await hub.gql(SuspendLicenceDocument, { id: expired.id, reason: '暂扣' }, hcIssuer);
    expect(suspend.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentStatus: 'EXPIRED' });
    expect(await unchanged(expired.id, input.decisionNumber)).toBe('VALID');
  });

  it('still lets the issuer cancel (注销) an expired licence, as the law prescribes', async () => {
    const expired = await aLicence('CONSTRUCTION_PERMIT', 'HC', new Date(Date.now() - 10 * DAY));
    const res = await hub.gql(CancelLicenceDocument, { id: expired.id, reason: '有效期届满未延续' }, hcIssuer);
    expect(res.errors).toBeUndefined();
    expect((await hub.platform.prisma.licence.findUniqueOrThrow({ where: { id: expired.id } })).status).toBe(
      'CANCELLED',
    );
  });

  it('refuses a penalty revoking a REVOKED or CANCELLED licence with CONFLICT; nothing written', async () => {
    for (const status of ['REVOKED', 'CANCELLED'] as const) {
      const l = await aLicence('CONSTRUCTION_PERMIT', 'HC');
      await hub.platform.prisma.licence.update({ where: { id: l.id }, data: { status } });
      const input = revocation(l.id);
      const res = await hub.gql(DecidePenaltyDocument, { input }, lePenalties);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentStatus: status });
      expect(await unchanged(l.id, input.decisionNumber)).toBe(status);
    }
  });
});
