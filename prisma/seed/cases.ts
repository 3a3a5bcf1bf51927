/**
 * Demo data of the approval workflow: the sample service catalogue and a year of cases.
 * Small by default so the first start stays fast; `hub cases generate --count 30000` makes the
 * full year of the source report.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { importCatalogueText } from '../../src/modules/approvals/index.js';
import { projectRoot } from '../../src/platform/db/migrate.js';
import { generateCases } from './generate-cases.js';

// Found from the project root, so the compiled seed (dist/prisma/seed) reads the same file.
export const SAMPLE_CATALOGUE = path.join(projectRoot, 'prisma', 'seed', 'catalogue', 'haizhu-catalogue.yaml');

/** Imports the sample catalogue (upsert, so it is safe to repeat). */
export async function seedCatalogue(prisma: PrismaClient): Promise<number> {
  const r = await importCatalogueText(prisma, fs.readFileSync(SAMPLE_CATALOGUE, 'utf8'), SAMPLE_CATALOGUE);
  if (!r.ok)
    throw new Error(
      `sample catalogue has problems: ${r.problems.map((p) => `${p.item ?? ''} ${p.path}: ${p.message}`).join('; ')}`,
    );
  return r.items;
}

export async function seedApprovalWorkflow(
  prisma: PrismaClient,
  demoCases = 2000,
): Promise<{ serviceItems: number; cases: number }> {
  const serviceItems = await seedCatalogue(prisma);
  // Idempotent: demo cases are generated only into an empty case table.
  if ((await prisma.case.count()) > 0) return { serviceItems, cases: 0 };
  const r = await generateCases(prisma, { count: demoCases });
  return { serviceItems, cases: r.cases };
}
