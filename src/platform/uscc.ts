/**
 * Unified Social Credit Code (统一社会信用代码) validation per GB 32100-2015: 18 characters from a
 * 31-character set (no I, O, S, V, Z); the 18th is a check character over the first 17.
 */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
export const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export type UsccProblem =
  | { reason: 'LENGTH'; length: number }
  | { reason: 'ILLEGAL_CHARACTER'; position: number; character: string }
  | { reason: 'CHECK_CHARACTER'; expected: string; actual: string };

/** Computes the check character for the first 17 characters (which must all be in the charset). */
export function usccCheckCharacter(body17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARSET.indexOf(body17[i] ?? '');
    if (v < 0) throw new RangeError(`character ${i + 1} of "${body17}" is not in the USCC character set`);
    sum += v * USCC_WEIGHTS[i]!;
  }
  const check = (31 - (sum % 31)) % 31;
  return USCC_CHARSET[check]!;
}

/** Returns what is wrong with a candidate USCC, or null when it is valid. */
export function usccProblem(code: string): UsccProblem | null {
  const chars = [...code];
  if (chars.length !== 18) return { reason: 'LENGTH', length: chars.length };
  for (let i = 0; i < 18; i++) {
    if (!USCC_CHARSET.includes(chars[i]!))
      return { reason: 'ILLEGAL_CHARACTER', position: i + 1, character: chars[i]! };
  }
  const expected = usccCheckCharacter(code.slice(0, 17));
  if (expected !== chars[17]) return { reason: 'CHECK_CHARACTER', expected, actual: chars[17]! };
  return null;
}

export function describeUsccProblem(code: string, p: UsccProblem): string {
  switch (p.reason) {
    case 'LENGTH':
      return `"${code}" is not a Unified Social Credit Code: it has ${p.length} characters, a USCC has 18`;
    case 'ILLEGAL_CHARACTER': {
      const hint = /[a-z]/.test(p.character)
        ? ' (USCCs use upper-case letters)'
        : ' (allowed: digits and the upper-case letters except I, O, S, V, Z)';
      return `"${code}" is not a Unified Social Credit Code: character ${p.position} "${p.character}" is not allowed${hint}`;
    }
    case 'CHECK_CHARACTER':
      return `"${code}" is not a Unified Social Credit Code: the check character is "${p.actual}" but the first 17 characters give "${p.expected}" (a typing error?)`;
  }
}

export function isValidUscc(code: string): boolean {
  return usccProblem(code) === null;
}

/** Builds a valid USCC from its first 17 characters. */
export function makeUscc(body17: string): string {
  return body17 + usccCheckCharacter(body17);
}
