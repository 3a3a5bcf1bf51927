/**
 * Imports a service catalogue file into ServiceItem rows (upsert by code). The file is checked
 * against the departments and licence types in the database; a file with any problem imports
 * nothing and every problem is reported at once.
 */
import { z } from 'zod';
import type { PrismaClient, ServiceItem } from '../../../generated/prisma/client.js';
import { assertScope } from '../../../platform/auth/caller.js';
import type { BaseContext } from '../../../platform/context.js';
import { parseCatalogue } from './catalogue-file.js';
import { MATERIAL_REQUIREMENTS, type CatalogueItem } from './catalogue-format.js';
import type { CatalogueProblem } from './catalogue-problems.js';
import { jointServiceUpserts, parseJointServices } from '../joint/joint-catalogue.js';

export type CatalogueImportResult =
  { ok: true; created: number; updated: number; items: number } | { ok: false; problems: CatalogueProblem[] };

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
export async function importCatalogueText(
  prisma: PrismaClient,
  text: string,
  file: string,
): Promise<CatalogueImportResult> {
  const [departments, types] = await Promise.all([
    prisma.department.findMany({ select: { code: true } }),
    prisma.licenceType.findMany({ select: { code: true } }),
  ]);
  const parsed = parseCatalogue(text, file, {
    knownDepartments: departments.map((d) => d.code),
    knownLicenceTypes: types.map((t) => t.code),
  });
  if ('problems' in parsed) return { ok: false, problems: parsed.problems };
  const joint = parseJointServices(
    text,
    file,
    parsed.items,
    departments.map((d) => d.code),
  );
  if ('problems' in joint) return { ok: false, problems: joint.problems };
  const existing = new Set(
    (
      await prisma.serviceItem.findMany({
        where: { code: { in: parsed.items.map((i) => i.code) } },
        select: { code: true },
      })
    ).map((r) => r.code),
  );
  await prisma.$transaction([
    ...parsed.items.map((it) =>
      prisma.serviceItem.upsert({
        where: { code: it.code },
        create: { code: it.code, ...rowOf(it) },
        update: rowOf(it),
      }),
    ),
    ...jointServiceUpserts(prisma, joint.services),
  ]);
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

// Readers of ServiceItem's JSON columns, as the import writes them (rowOf above): checked where
// they are read, so a malformed row fails loudly instead of flowing on mistyped.
const itemMaterial = z.object({
  code: z.string(),
  name: z.string(),
  form: z.string(),
  copies: z.number().int(),
  requirement: z.enum(MATERIAL_REQUIREMENTS),
  condition: z.string().optional(),
  note: z.string().optional(),
  shared: z
    .discriminatedUnion('source', [
      z.object({ source: z.literal('SUBJECT_REGISTRATION') }),
      z.object({ source: z.literal('LICENCE'), licenceType: z.string() }),
    ])
    .optional(),
});
const itemFee = z.object({ name: z.string(), amountYuan: z.string(), basis: z.string() });

/** A material of an item as stored in ServiceItem.materials. */
export type ItemMaterial = z.infer<typeof itemMaterial>;
/** Where the hub finds a material itself, as stored in ServiceItem.materials. */
export type ItemSharedSource = NonNullable<ItemMaterial['shared']>;
/** A fee of an item as stored in ServiceItem.fees. */
export type ItemFee = z.infer<typeof itemFee>;

function readList<T>(schema: z.ZodType<T>, json: unknown, what: string): T[] {
  const parsed = z.array(schema).safeParse(json);
  if (!parsed.success) throw new Error(`${what} is not what the catalogue import writes (${parsed.error.message})`);
  return parsed.data;
}

/** ServiceItem.materials as written by the import. */
export function itemMaterials(item: Pick<ServiceItem, 'code' | 'materials'>): ItemMaterial[] {
  return readList(itemMaterial, item.materials, `Item ${item.code}: materials`);
}

/** ServiceItem.fees as written by the import; empty for a free item. */
export function itemFees(item: Pick<ServiceItem, 'code' | 'fees'>): ItemFee[] {
  return readList(itemFee, item.fees, `Item ${item.code}: fees`);
}
