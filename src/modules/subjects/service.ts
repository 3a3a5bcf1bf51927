/**
 * Rules and data access for the Enterprise Subject Library: who may register or change an
 * enterprise, what is valid, and keeping the cache coherent with the database.
 */
import type { Enterprise } from '../../generated/prisma/client.js';
import { assertScope } from '../../platform/auth/caller.js';
import type { BaseContext } from '../../platform/context.js';
import { badInput, conflict, isUniqueViolation, notFound } from '../../platform/errors.js';
import { describeUsccProblem, usccProblem } from '../../platform/uscc.js';
import { recordChange } from '../../platform/outbox.js';
import { cacheEnterprise } from './cache.js';
import { parseInput } from './input.js';
import { enterpriseChange, enterpriseRow, validateRegistration, validateUpdate } from './rules.js';

export interface RegisterEnterpriseInput {
  uscc: string;
  name: string;
  type: string;
  legalRepresentative: string;
  legalRepresentativeIdNumber: string;
  registeredCapital: string;
  establishedOn: Date;
  registrationAuthorityCode: string;
  address: string;
  street: string;
  businessScope: string;
  status?: string | null;
  contactPhone?: string | null;
  sourceRecordId?: string | null;
  sourceVersion?: number | null;
}

export type UpdateEnterpriseInput = {
  [K in keyof Omit<RegisterEnterpriseInput, 'uscc' | 'sourceRecordId' | 'sourceVersion'>]?:
    RegisterEnterpriseInput[K] | null;
};

async function assertDepartmentExists(ctx: BaseContext, code: string): Promise<void> {
  const dept = await ctx.prisma.department.findUnique({ where: { code }, select: { code: true } });
  if (!dept) throw notFound(`No department has the code "${code}"`, { field: 'registrationAuthorityCode' });
}

export async function registerEnterprise(ctx: BaseContext, input: RegisterEnterpriseInput): Promise<Enterprise> {
  assertScope(ctx.caller, 'enterprise:register');
  const { uscc, ...rest } = input;
  const problem = usccProblem(uscc);
  if (problem) throw badInput(describeUsccProblem(uscc, problem), { field: 'uscc', ...problem });
  const data = parseInput(validateRegistration(rest));
  const { sourceRecordId, sourceVersion, ...fields } = data;
  await assertDepartmentExists(ctx, data.registrationAuthorityCode);
  try {
    const caller = ctx.caller;
    const created = await ctx.prisma.$transaction(async (tx) => {
      const row = await tx.enterprise.create({
        data: enterpriseRow(uscc, fields, {
          systemId: caller.systemId,
          recordId: sourceRecordId ?? uscc,
          version: sourceVersion ?? 1,
        }),
      });
      await recordChange(
        tx,
        enterpriseChange('CREATED', uscc, row.revision, data, {
          systemId: caller.systemId,
          departmentCode: caller.departmentCode,
        }),
      );
      return row;
    });
    await cacheEnterprise(ctx, created);
    ctx.logger.info({ uscc, system: ctx.caller.systemName }, 'enterprise registered');
    return created;
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw conflict(`An enterprise with the USCC ${uscc} (or this source record) is already registered`, { uscc });
    }
    throw err;
  }
}

export async function updateEnterprise(
  ctx: BaseContext,
  uscc: string,
  patch: UpdateEnterpriseInput,
  expectedRevision: number | null | undefined,
): Promise<Enterprise> {
  assertScope(ctx.caller, 'enterprise:update');
  const data = parseInput(validateUpdate(patch));
  if (data.registrationAuthorityCode) await assertDepartmentExists(ctx, data.registrationAuthorityCode);
  // Conditional update: the revision check and the write are one statement, so two concurrent
  // updates with the same expected revision cannot both succeed.
  const where = { uscc, ...(expectedRevision != null ? { revision: expectedRevision } : {}) };
  const caller = ctx.caller;
  const count = await ctx.prisma.$transaction(async (tx) => {
    const { count } = await tx.enterprise.updateMany({ where, data: { ...data, revision: { increment: 1 } } });
    if (count > 0) {
      const { revision } = await tx.enterprise.findUniqueOrThrow({ where: { uscc }, select: { revision: true } });
      await recordChange(
        tx,
        enterpriseChange('UPDATED', uscc, revision, data, {
          systemId: caller.systemId,
          departmentCode: caller.departmentCode,
        }),
      );
    }
    return count;
  });
  if (count === 0) {
    const current = await ctx.prisma.enterprise.findUnique({ where: { uscc }, select: { revision: true } });
    if (!current) throw notFound(`No enterprise has the USCC ${uscc}`, { uscc });
    throw conflict(
      `The enterprise ${uscc} is at revision ${current.revision}, not ${expectedRevision}; reload and retry`,
      {
        uscc,
        currentRevision: current.revision,
      },
    );
  }
  const updated = await ctx.prisma.enterprise.findUniqueOrThrow({ where: { uscc } });
  await cacheEnterprise(ctx, updated);
  ctx.logger.info({ uscc, system: ctx.caller.systemName, fields: Object.keys(data) }, 'enterprise updated');
  return updated;
}
