/**
 * Small typed builders of test data. Every call makes fresh, unique records, so test files
 * never depend on each other's data.
 */
import { randomInt } from 'node:crypto';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import type { DepartmentKind } from '../../src/generated/prisma/enums.js';
import { createApiKey } from '../../src/platform/auth/api-keys.js';
import type { Scope } from '../../src/platform/auth/scopes.js';
import { makeUscc, USCC_CHARSET } from '../../src/platform/uscc.js';
import type { RegisterEnterpriseInput, SubmitCaseInput } from '../generated/graphql.js';

export function aUscc(): string {
  const org = Array.from({ length: 9 }, () => USCC_CHARSET[randomInt(31)]).join('');
  return makeUscc(`91440105${org}`);
}

let seq = 0;
export function uniqueCode(prefix = 'T'): string {
  seq += 1;
  return `${prefix}${Date.now().toString(36).toUpperCase()}${seq}${randomInt(1000)}`;
}

export async function aDepartment(prisma: PrismaClient, kind: DepartmentKind = 'MARKET_REGULATION') {
  const code = uniqueCode('D');
  return prisma.department.create({
    data: { code, name: `测试部门 ${code}`, kind, consultationPhone: '020-12345678' },
  });
}

/** A department system with the given scopes; returns its plain API key. */
export async function aSystemKey(prisma: PrismaClient, departmentCode: string, scopes: Scope[]) {
  const system = await prisma.departmentSystem.create({
    data: { departmentCode, name: uniqueCode('sys-'), scopes },
  });
  return { system, key: await createApiKey(prisma, system.id) };
}

export function anEnterpriseInput(
  registrationAuthorityCode: string,
  overrides: Partial<RegisterEnterpriseInput> = {},
): RegisterEnterpriseInput {
  return {
    uscc: aUscc(),
    name: `广州测试科技有限公司${uniqueCode('')}`,
    type: 'LIMITED_LIABILITY_COMPANY',
    legalRepresentative: '陈伟',
    legalRepresentativeIdNumber: '11010519491231002X',
    registeredCapital: '1000000.00',
    establishedOn: '2020-05-20',
    registrationAuthorityCode,
    address: '广州市海珠区新港中路1号',
    street: '新港街道',
    businessScope: '软件开发；信息技术咨询服务',
    contactPhone: '13800138000',
    ...overrides,
  };
}

/** Departments and licence types as seeded (idempotent), so licences can be issued. */
export async function referenceData(prisma: PrismaClient): Promise<void> {
  const { seedDepartments, seedEnforcementDelegations } = await import('../../prisma/seed/demo.js');
  const { seedLicenceTypes } = await import('../../prisma/seed/approvals.js');
  await seedDepartments(prisma);
  await seedLicenceTypes(prisma);
  await seedEnforcementDelegations(prisma);
}

/** Registers an enterprise directly (for tests about other libraries). */
export async function anEnterprise(prisma: PrismaClient, registrationAuthorityCode = 'MR') {
  const input = anEnterpriseInput(registrationAuthorityCode);
  return prisma.enterprise.create({
    data: {
      ...input,
      type: input.type ?? 'LIMITED_LIABILITY_COMPANY',
      status: 'ACTIVE',
      establishedOn: new Date(input.establishedOn),
      contactPhone: input.contactPhone ?? null,
      sourceRecordId: null,
      sourceVersion: null,
    },
  });
}

export function aFoodLicenceInput(holder: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'FOOD_BUSINESS_LICENCE',
    // The food business licence numbering (JY + 14 digits); random, so test files never collide.
    number: `JY1440105${String(randomInt(10_000_000)).padStart(7, '0')}`,
    holder,
    issuedOn: '2025-01-10',
    validFrom: '2025-01-10',
    scope: '预包装食品销售；热食类食品制售',
    attributes: [
      { name: 'premises', value: '广州市海珠区新港中路1号首层' },
      { name: 'businessFormat', value: '餐饮服务经营者' },
    ],
    ...overrides,
  };
}

/**
 * A complete window application for a food business licence (HZ-MR-005: acceptance, undertaking,
 * review, approval, conclusion), with all four of its materials.
 */
export function aFoodCaseInput(
  holder: { uscc: string; name: string },
  overrides: Partial<SubmitCaseInput> = {},
): SubmitCaseInput {
  return {
    item: 'HZ-MR-005',
    channel: 'WINDOW',
    acceptancePlace: 'DISTRICT_CENTRE',
    applicantUscc: holder.uscc,
    applicantName: holder.name,
    applicantPhone: '13900139000',
    materials: ['M01', 'M02', 'M03', 'M04'].map((code) => ({ code })),
    ...overrides,
  };
}
