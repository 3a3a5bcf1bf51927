/**
 * Once-only materials (一次提交、共享获取): a material whose catalogue entry names a shared source is
 * taken from the libraries when the applicant has it there, and recorded with the datum that
 * fulfilled it; the applicant is not asked for it.
 */
import type { PrismaClient } from '../../../generated/prisma/client.js';
import { fromLocal, shanghaiToday } from '../calendar/store.js';
import type { ItemMaterial, ItemSharedSource } from '../catalogue/catalogue.js';
import type { MaterialRef, SharedMaterial } from './json.js';

type Reader = Pick<PrismaClient, 'enterprise' | 'licence'>;

/** The datum of the libraries that stands in for a material, or null when the applicant has none. */
async function findShared(
  prisma: Reader,
  uscc: string,
  shared: ItemSharedSource,
  now: Date,
): Promise<Omit<SharedMaterial, 'code' | 'name'> | null> {
  if (shared.source === 'SUBJECT_REGISTRATION') {
    // A cancelled or revoked enterprise's registration no longer proves a subject qualification.
    const e = await prisma.enterprise.findFirst({
      where: { uscc, status: { in: ['ACTIVE', 'MOVED_OUT'] } },
      select: { uscc: true, revision: true },
    });
    return e ? { source: shared.source, entityType: 'ENTERPRISE', entityId: e.uscc, revision: e.revision } : null;
  }
  // The derived status: a VALID row past its last day is EXPIRED and does not count.
  const today = fromLocal(shanghaiToday(now));
  const l = await prisma.licence.findFirst({
    where: {
      holderUscc: uscc,
      typeCode: shared.licenceType,
      status: 'VALID',
      OR: [{ validUntil: null }, { validUntil: { gte: today } }],
    },
    orderBy: [{ validUntil: { sort: 'desc', nulls: 'first' } }, { issuedOn: 'desc' }],
    select: { id: true, revision: true },
  });
  return l ? { source: shared.source, entityType: 'LICENCE', entityId: l.id, revision: l.revision } : null;
}

/**
 * Splits the missing materials into those the libraries fulfil for this applicant and those it
 * must still hand in. Without a USCC nothing can be looked up, and everything stays missing.
 */
export async function fulfilFromLibraries(
  prisma: Reader,
  materials: readonly ItemMaterial[],
  missing: readonly MaterialRef[],
  applicantUscc: string | null,
  now: Date,
): Promise<{ shared: SharedMaterial[]; missing: MaterialRef[] }> {
  if (!applicantUscc) return { shared: [], missing: [...missing] };
  const byCode = new Map(materials.map((m) => [m.code, m]));
  const shared: SharedMaterial[] = [];
  const still: MaterialRef[] = [];
  for (const m of missing) {
    const source = byCode.get(m.code)?.shared;
    const found = source ? await findShared(prisma, applicantUscc, source, now) : null;
    if (found) shared.push({ code: m.code, name: m.name, ...found });
    else still.push(m);
  }
  return { shared, missing: still };
}
