/**
 * Imports a service catalogue file into ServiceItem rows (upsert by code). The file is checked
 * against the departments and licence types in the database; a file with any problem imports
 * nothing and every problem is reported at once.
 */
import type { PrismaClient } from '../../../generated/prisma/client.js';
import { assertScope } from '../../../platform/auth/caller.js';
import type { BaseContext } from '../../../platform/context.js';
import { parseCatalogue, type CatalogueItem, type CatalogueProblem } from './catalogue-file.js';

export type CatalogueImportResult =
  | { ok: true; created: number; updated: number; items: number }
  | { ok: false; problems: CatalogueProblem[] };

function rowOf(it: CatalogueItem) {
  return {
    name: it.name,
    departmentCode: it.departmentCode,
    audience: it.audience,
    acceptedAt: it.acceptedAt,
    onTheSpot: it.onTheSpot,
    conditions: it.conditions,
    legalBasis: it.legalBasis,
    materials: it.materials.map((m) => ({ ...m })),
    steps: it.steps,
    specialStages: it.specialStages,
    statutoryLimitDays: it.statutoryLimitDays,
    committedLimitDays: it.committedLimitDays,
    fees: it.fees.map((f) => ({ ...f })),
    online: it.online,
    producesLicenceTypeCode: it.producesLicenceType,
    dependsOn: it.dependsOn,
    consultationPhone: it.consultationPhone ?? null,
    supervisionPhone: it.supervisionPhone ?? null,
  };
}

/** No permission check: for the CLI and the seed, which run with the operator's authority. */
export async function importCatalogueText(prisma: PrismaClient, text: string, file: string): Promise<CatalogueImportResult> {
  const [departments, types] = await Promise.all([
    prisma.department.findMany({ select: { code: true } }),
    prisma.licenceType.findMany({ select: { code: true } }),
  ]);
  const parsed = parseCatalogue(text, file, {
    knownDepartments: departments.map((d) => d.code),
    knownLicenceTypes: types.map((t) => t.code),
  });
  if ('problems' in parsed) return { ok: false, problems: parsed.problems };
  const existing = new Set(
    (await prisma.serviceItem.findMany({ where: { code: { in: parsed.items.map((i) => i.code) } }, select: { code: true } })).map((r) => r.code),
  );
  await prisma.$transaction(
    parsed.items.map((it) =>
      prisma.serviceItem.upsert({ where: { code: it.code }, create: { code: it.code, ...rowOf(it) }, update: rowOf(it) }),
    ),
  );
  const created = parsed.items.filter((i) => !existing.has(i.code)).length;
  return { ok: true, created, updated: parsed.items.length - created, items: parsed.items.length };
}

/** The catalogue:admin mutation. */
export async function importCatalogue(ctx: BaseContext, text: string, file: string): Promise<CatalogueImportResult> {
  assertScope(ctx.caller, 'catalogue:admin');
  const result = await importCatalogueText(ctx.prisma, text, file);
  ctx.logger.info({ file, ok: result.ok, system: ctx.caller.systemName }, 'catalogue import');
  return result;
}

export interface ItemMaterial {
  code: string;
  name: string;
  form: string;
  copies: number;
  requirement: 'REQUIRED' | 'CONDITIONAL';
  condition?: string;
  note?: string;
}

export interface ItemFee {
  name: string;
  amountYuan: string;
  basis: string;
}

/** ServiceItem.materials as written by the import. */
export function itemMaterials(json: unknown): ItemMaterial[] {
  return Array.isArray(json) ? (json as ItemMaterial[]) : [];
}

export function itemFees(json: unknown): ItemFee[] {
  return Array.isArray(json) ? (json as ItemFee[]) : [];
}
