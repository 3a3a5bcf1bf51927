/**
 * Problems of a catalogue file as editors read them: where (item, path, line) and what, worded
 * from zod issues; and the defensive readers of raw YAML values the checks share.
 */
import type { z } from 'zod';

/** One problem in a catalogue file. `path` is relative to the item when `item` is set, else from the root (`$.items[3]`). */
export interface CatalogueProblem {
  file: string;
  item: string | null;
  path: string;
  message: string;
  /** 1-based line of the offending (or, for a missing field, the enclosing) YAML node. */
  line?: number;
}

export type PathSegment = string | number;
export type Report = (path: PathSegment[], message: string) => void;

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const trimmed = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

export const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : JSON.stringify(v);

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

/** Turns a zod issue into the editor-facing wording used in problem reports. */
export function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      // YAML reads unquoted 12345 or 20.00 as numbers: the usual cause with phones, codes and amounts.
      if (issue.expected === 'string' && typeof issue.input === 'number') {
        return `must be text, not the number ${String(issue.input)}: put it in quotes`;
      }
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${describe(issue.input)}`;
    case 'invalid_value': {
      const options = `one of ${issue.values.map(String).join(', ')}`;
      return issue.input === undefined
        ? `is required (${options})`
        : `must be ${options}, not ${describe(issue.input)}`;
    }
    case 'too_small':
      if (issue.origin === 'array')
        return `must list at least ${String(issue.minimum)} entr${issue.minimum === 1 ? 'y' : 'ies'}`;
      if (issue.origin === 'string') return 'must not be empty';
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${String(issue.maximum)} characters`;
      return `must be at most ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

/** `materials[1].condition` style. */
export function formatPath(path: readonly PathSegment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** Editors fix files top to bottom; problems without a line (an empty file) go last. */
export function byLine(problems: CatalogueProblem[]): CatalogueProblem[] {
  return problems
    .map((p, order) => ({ p, order }))
    .sort((a, b) => (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || a.order - b.order)
    .map(({ p }) => p);
}
