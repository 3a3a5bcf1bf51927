/**
 * Typed attributes of licences: each licence type declares its attributes, and a licence's
 * values are checked against that declaration.
 */
import { z } from 'zod';

export const attributeDefinition = z.object({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
  label: z.string().min(1),
  type: z.enum(['STRING', 'NUMBER', 'BOOLEAN', 'DATE']),
  required: z.boolean().default(false),
});
export type AttributeDefinition = z.infer<typeof attributeDefinition>;
export type AttributeValue = string | number | boolean;

export function parseAttributeSchema(json: unknown): AttributeDefinition[] {
  return z.array(attributeDefinition).parse(json);
}

/** Checks values against the type's definitions; returns one problem per bad attribute. */
export function attributeProblems(
  defs: AttributeDefinition[],
  values: Record<string, AttributeValue>,
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const known = new Map(defs.map((d) => [d.name, d]));
  for (const name of Object.keys(values)) {
    if (!known.has(name))
      problems.push({
        field: `attributes.${name}`,
        message: `not an attribute of this licence type (known: ${[...known.keys()].join(', ') || 'none'})`,
      });
  }
  for (const d of defs) {
    const v = values[d.name];
    if (v === undefined || v === '') {
      if (d.required) problems.push({ field: `attributes.${d.name}`, message: `${d.label} is required` });
      continue;
    }
    const ok =
      d.type === 'STRING'
        ? typeof v === 'string'
        : d.type === 'NUMBER'
          ? typeof v === 'number' && Number.isFinite(v)
          : d.type === 'BOOLEAN'
            ? typeof v === 'boolean'
            : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v));
    if (!ok) problems.push({ field: `attributes.${d.name}`, message: `${d.label} must be a ${d.type.toLowerCase()}` });
  }
  return problems;
}

/** Reads attribute values given as strings (GraphQL input, CSV) into their declared types. */
export function coerceAttributes(
  defs: AttributeDefinition[],
  input: { name: string; value: string }[],
): Record<string, AttributeValue> {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const out: Record<string, AttributeValue> = {};
  for (const { name, value } of input) {
    const d = byName.get(name);
    if (d?.type === 'NUMBER' && value.trim() !== '' && !Number.isNaN(Number(value))) out[name] = Number(value);
    else if (d?.type === 'BOOLEAN' && (value === 'true' || value === 'false')) out[name] = value === 'true';
    else out[name] = value;
  }
  return out;
}
