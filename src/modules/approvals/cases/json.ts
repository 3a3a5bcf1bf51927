/**
 * Readers of the JSON columns of a case (materials received, the one-time notice, shared materials): checked with
 * zod where they are read, so a malformed row fails loudly instead of flowing on mistyped.
 */
import { z } from 'zod';
import type { Case } from '../../../generated/prisma/client.js';

const materialRef = z.object({ code: z.string(), name: z.string(), copies: z.number().int() });

/** A material as a case records it: received, or listed on the one-time notice. */
export type MaterialRef = z.infer<typeof materialRef>;

const materialRefs = z.array(materialRef);

function readMaterials(json: unknown, caseId: string, column: string): MaterialRef[] {
  const parsed = materialRefs.safeParse(json);
  if (!parsed.success)
    throw new Error(`Case ${caseId}: ${column} is not a list of materials (${parsed.error.message})`);
  return parsed.data;
}

const sharedMaterial = z.object({
  code: z.string(),
  name: z.string(),
  source: z.enum(['SUBJECT_REGISTRATION', 'LICENCE']),
  entityType: z.enum(['ENTERPRISE', 'LICENCE']),
  entityId: z.string(),
  revision: z.number().int(),
});

/** A material fulfilled from the libraries (免于提交): which datum, at which revision. */
export type SharedMaterial = z.infer<typeof sharedMaterial>;

/** Case.sharedMaterials: materials the hub took from the libraries instead of asking for them. */
export function sharedMaterials(c: Pick<Case, 'id' | 'sharedMaterials'>): SharedMaterial[] {
  const parsed = z.array(sharedMaterial).safeParse(c.sharedMaterials);
  if (!parsed.success)
    throw new Error(`Case ${c.id}: sharedMaterials is not a list of shared materials (${parsed.error.message})`);
  return parsed.data;
}

/** Case.materialsReceived: every material taken so far, with the copies received. */
export function materialsReceived(c: Pick<Case, 'id' | 'materialsReceived'>): MaterialRef[] {
  return readMaterials(c.materialsReceived, c.id, 'materialsReceived');
}

/** Case.missingMaterials: the one-time notice (一次性告知), everything missing at submission. */
export function oneTimeNotice(c: Pick<Case, 'id' | 'missingMaterials'>): MaterialRef[] {
  return readMaterials(c.missingMaterials, c.id, 'missingMaterials');
}
