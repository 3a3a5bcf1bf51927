/**
 * Who may see what in the hall: an applicant sees their own records and those of the enterprises
 * they have proven they act for; a department sees what is addressed to it.
 */
import type { Caller } from '../../platform/auth/caller.js';
import type { BaseContext } from '../../platform/context.js';
import { unauthenticated } from '../../platform/errors.js';

export type ApplicantCaller = Extract<Caller, { kind: 'applicant' }>;

export function assertApplicant(caller: Caller): asserts caller is ApplicantCaller {
  if (caller.kind !== 'applicant') throw unauthenticated('Sign in to the online hall first (请先登录网上办事大厅)');
}

/** The enterprises (USCCs) the account acts for. */
export async function enterprisesOf(ctx: Pick<BaseContext, 'prisma'>, accountId: string): Promise<string[]> {
  const links = await ctx.prisma.hallEnterpriseLink.findMany({
    where: { accountId },
    select: { uscc: true },
    orderBy: { createdAt: 'asc' },
  });
  return links.map((l) => l.uscc);
}

/** Whether a record owned by `accountId` (and possibly an enterprise) is the applicant's to see. */
export function ownsOrActsFor(
  caller: ApplicantCaller,
  usccs: readonly string[],
  record: { accountId: string | null; uscc?: string | null },
): boolean {
  return record.accountId === caller.accountId || (record.uscc != null && usccs.includes(record.uscc));
}
