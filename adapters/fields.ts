/**
 * Field-by-field mapping: each canonical field names its source column/element and a zod schema
 * that reads the source value; `readFields` applies them all and collects every problem at once.
 */
import { z } from 'zod';
import type { FieldProblem } from './canonical.js';
import { cleanText, fail, ok, type Conversion } from './adapter.js';

/**
 * A source value before conversion: cleaned text, or null when empty or absent. Numbers (JSON)
 * become their decimal text; an XML element with attributes contributes its text content.
 */
function readCell(v: unknown): Conversion<string | null> {
  if (v === undefined || v === null) return ok(null);
  if (typeof v === 'string') {
    const s = cleanText(v);
    // U+FFFD stands for bytes that were neither UTF-8 nor GB 18030: the value is damaged.
    if (s.includes('\uFFFD')) return fail('contains characters that could not be decoded (damaged bytes in the file)');
    return ok(s === '' ? null : s);
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return fail('is not a finite number');
    // A JSON number such as an 18-digit permit number has already lost digits when it was parsed.
    if (Number.isInteger(v) && !Number.isSafeInteger(v))
      return fail(`the number ${v} is too long to be exact; write it as a JSON string`);
    return ok(String(v));
  }
  if (Array.isArray(v)) return fail(`expected one value, got ${v.length}`);
  if (typeof v === 'object') {
    if ('#text' in v) return readCell(v['#text']);
    return Object.keys(v).length === 0 ? ok(null) : fail('expected a value, got a structure');
  }
  // Parsed files leave only booleans (and bigints) here; symbols and functions have no useful text.
  if (typeof v === 'boolean' || typeof v === 'bigint') return fail(`expected text, got ${typeof v} ${String(v)}`);
  return fail(`expected text, got ${typeof v}`);
}

/** Zod schema of one field: the cell is read, then converted; a failure becomes the issue's message. */
function converted<T>(convert: (s: string) => Conversion<T>, required: true): z.ZodType<T>;
function converted<T>(convert: (s: string) => Conversion<T>, required: false): z.ZodType<T | null>;
function converted<T>(convert: (s: string) => Conversion<T>, required: boolean): z.ZodType<T | null> {
  // One transform per field and no closures per value: this runs for every cell of 100 000-row files.
  return z.unknown().transform((v, ctx): T | null => {
    const cell = readCell(v);
    const r = !cell.ok
      ? cell
      : cell.value !== null
        ? convert(cell.value)
        : required
          ? fail('is required but empty')
          : null;
    if (r === null) return null;
    if (r.ok) return r.value;
    ctx.issues.push({ code: 'custom', message: r.reason, input: v });
    return z.NEVER;
  });
}

/** A required field read by `convert`. */
export const required = <T>(convert: (s: string) => Conversion<T>): z.ZodType<T> => converted(convert, true);

/** An optional field read by `convert`; empty or absent gives null. */
export const optional = <T>(convert: (s: string) => Conversion<T>): z.ZodType<T | null> => converted(convert, false);

/** One canonical field: where its value is in the source, and how to read it. */
export interface FieldSpec<T> {
  /** The source's own column or element name, reported as the problem's field. */
  source: string;
  /** The canonical field name, when it is not the spec's key (e.g. 'attributes.floorArea'). */
  canonical?: string;
  schema: z.ZodType<T>;
  /** Reads the value from a structured raw record; default: `raw[source]`. */
  value?: (raw: Record<string, unknown>) => unknown;
}

export type FieldSpecs = Record<string, FieldSpec<unknown>>;
export type FieldValues<S extends FieldSpecs> = { [K in keyof S]: S[K] extends FieldSpec<infer T> ? T : never };

export type FieldReading<S extends FieldSpecs> =
  | { ok: true; values: FieldValues<S>; problems: FieldProblem[] }
  | { ok: false; values: Partial<FieldValues<S>>; problems: FieldProblem[] };

/** The problem of one field, worded like every other: source name as field, canonical name first in the reason. */
export function problemOf(key: string, spec: FieldSpec<unknown>, message: string): FieldProblem {
  return { field: spec.source, reason: `${spec.canonical ?? key}: ${message}` };
}

/**
 * Reads every field of a raw record. Fields that fail are left out of `values`, so rules across
 * fields can still look at the ones that were read (and report their problems in the same go).
 */
export function readFields<S extends FieldSpecs>(raw: Record<string, unknown>, specs: S): FieldReading<S> {
  const values: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  for (const [key, spec] of Object.entries(specs)) {
    const r = spec.schema.safeParse(spec.value ? spec.value(raw) : raw[spec.source]);
    if (r.success) values[key] = r.data;
    else for (const issue of r.error.issues) problems.push(problemOf(key, spec, issue.message));
  }
  return problems.length === 0
    ? { ok: true, values: values as FieldValues<S>, problems }
    : { ok: false, values: values as Partial<FieldValues<S>>, problems };
}

/** Collects problems of rules across fields, worded like field problems. */
export class CrossChecks<S extends FieldSpecs> {
  readonly problems: FieldProblem[] = [];
  constructor(private readonly specs: S) {}
  add(key: keyof S & string, message: string): void {
    this.problems.push(problemOf(key, this.specs[key]!, message));
  }
}
