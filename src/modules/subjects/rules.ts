/**
 * The enterprise rules every writer applies (the GraphQL mutations and ingestion): what a valid
 * registration or update is, the row a registration writes, and the change-feed event it records.
 * Pure functions: the callers own their transactions, permission checks and batching.
 */
import type { Prisma } from '../../generated/prisma/client.js';
import type { ChangeActor, ChangeInput } from '../../platform/outbox.js';
import { registerSchema, updateSchema, validateInput, type Validation } from './input.js';
import type { z } from 'zod';

export type RegistrationData = z.infer<typeof registerSchema>;
export type UpdateData = z.infer<typeof updateSchema>;
/** The enterprise's own fields of a valid registration (without its source reference). */
export type EnterpriseFields = Omit<RegistrationData, 'sourceRecordId' | 'sourceVersion'>;

/** Where a row comes from: the department system, its record id and version. */
export interface EnterpriseSource {
  systemId: string;
  recordId: string;
  version: number;
}

// GraphQL gives null for "not given"; the schemas take absent fields.
const withoutNulls = (o: object) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

/** Validates a registration's fields (the USCC is checked by its own rule, usccProblem). */
export function validateRegistration(fields: object): Validation<RegistrationData> {
  return validateInput(registerSchema, withoutNulls(fields));
}

/** Validates an update's patch: only the given fields, at least one. */
export function validateUpdate(patch: object): Validation<UpdateData> {
  return validateInput(updateSchema, withoutNulls(patch));
}

/** The Enterprise row a valid registration writes. */
export function enterpriseRow(
  uscc: string,
  fields: EnterpriseFields,
  source: EnterpriseSource,
): Prisma.EnterpriseCreateManyInput & { registeredCapital: string } {
  return {
    ...fields,
    uscc,
    contactPhone: fields.contactPhone ?? null,
    sourceSystemId: source.systemId,
    sourceRecordId: source.recordId,
    sourceVersion: source.version,
  };
}

/** The change-feed event of a registration (CREATED, with the USCC) or an update (UPDATED). */
export function enterpriseChange(
  action: 'CREATED' | 'UPDATED',
  uscc: string,
  revision: number,
  changes: Record<string, unknown>,
  actor: ChangeActor | null,
): ChangeInput {
  return {
    entityType: 'ENTERPRISE',
    entityId: uscc,
    action,
    revision,
    actor,
    changes: action === 'CREATED' ? { ...changes, uscc } : changes,
  };
}
