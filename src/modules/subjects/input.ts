/**
 * Field rules for enterprise registrations and updates. Every problem is reported at once,
 * with the field it concerns, so a caller can fix its record in one go.
 */
import { z } from 'zod';
import { EnterpriseStatus, EnterpriseType } from '../../generated/prisma/enums.js';
import { badInput } from '../../platform/errors.js';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** Mainland resident ID numbers (GB 11643) carry a check character; other documents are free-form. */
export function identityDocumentProblem(id: string): string | null {
  if (/^\d{17}[\dX]$/.test(id)) {
    const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
    return ID_CHECK[sum % 11] === id[17] ? null : 'the check character of this resident ID number is wrong';
  }
  if (/^\d{17}x$/.test(id)) return 'use an upper-case X in resident ID numbers';
  if (/^\d{15,18}$/.test(id)) return 'a resident ID number has 18 characters';
  return /^[A-Z0-9]{5,30}$/.test(id)
    ? null
    : 'expected an 18-character resident ID number or a passport/permit number (A-Z, 0-9)';
}

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const phone = z
  .string()
  .trim()
  .regex(/^\+?[\d\- ]{7,20}$/, 'not a phone number');
const today = () => new Date(new Date().toISOString().slice(0, 10));

const base = {
  name: text(200),
  type: z.nativeEnum(EnterpriseType),
  legalRepresentative: text(100),
  legalRepresentativeIdNumber: z
    .string()
    .trim()
    .superRefine((v, c) => {
      const p = identityDocumentProblem(v);
      if (p) c.addIssue({ code: 'custom', message: p });
    }),
  registeredCapital: z.string().refine((v) => Number(v) >= 0, 'must not be negative'),
  establishedOn: z.date().refine((d) => d <= today(), 'must not be in the future'),
  registrationAuthorityCode: text(40),
  address: text(300),
  street: text(100),
  businessScope: text(4000),
  status: z.nativeEnum(EnterpriseStatus),
  contactPhone: phone.nullable(),
};

export const registerSchema = z.object({
  ...base,
  status: base.status.default('ACTIVE'),
  contactPhone: base.contactPhone.optional(),
  sourceRecordId: text(100).optional(),
  sourceVersion: z.number().int().min(1).optional(),
});

export const updateSchema = z
  .object(base)
  .partial()
  .refine((o) => Object.values(o).some((v) => v !== undefined), 'give at least one field to change');

/** One field problem: the field's path (null for the whole input) and what is wrong with it. */
export interface InputProblem {
  field: string | null;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; problems: InputProblem[] };

/** Validates input and lists every field problem (for callers that report rather than throw). */
export function validateInput<T extends z.ZodTypeAny>(schema: T, input: unknown): Validation<z.infer<T>> {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, problems: r.error.issues.map((i) => ({ field: i.path.join('.') || null, message: i.message })) };
}

/** The API's form of a validation: its value, or one BAD_USER_INPUT listing every field problem. */
export function parseInput<T>(validation: Validation<T>): T {
  if (validation.ok) return validation.value;
  const summary = validation.problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; ');
  throw badInput(`Invalid enterprise data: ${summary}`, { problems: validation.problems });
}
