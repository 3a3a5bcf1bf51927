/**
 * The case behind the public views (progress, receipt): found by receipt number and verification
 * code, with its item; the views built on it show no personal data.
 */
import type { Case, ServiceItem } from '../../../generated/prisma/client.js';
import { caseByReceiptAndCode } from '../cases/reading.js';
import type { ApprovalsContext } from '../context.js';

export interface PublicCase {
  c: Case;
  item: ServiceItem;
}

/** null when the receipt number or the code is wrong. */
export async function publicCase(ctx: ApprovalsContext, receipt: string, code: string): Promise<PublicCase | null> {
  const c = await caseByReceiptAndCode(ctx, receipt, code);
  if (!c) return null;
  const item = await ctx.loaders.itemByCode.load(c.itemCode);
  return item ? { c, item } : null;
}
