import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import {
  describeUsccProblem,
  isValidUscc,
  makeUscc,
  USCC_CHARSET,
  usccCheckCharacter,
  usccProblem,
} from '../src/platform/uscc.js';

const charsetChar = fc.constantFrom(...USCC_CHARSET.split(''));
const body17 = fc.array(charsetChar, { minLength: 17, maxLength: 17 }).map((a) => a.join(''));
const validUscc = body17.map(makeUscc);

describe('USCC (GB 32100-2015)', () => {
  it('accepts published codes', () => {
    // Check characters of real, published codes (e.g. Tencent: 9144030071526726XG).
    expect(usccProblem('9144030071526726XG')).toBeNull();
    expect(usccProblem('91110000802100433B')).toBeNull();
    expect(usccCheckCharacter('91440300715267260')).not.toBe('G');
  });

  it('every code built by the rule passes', () => {
    fc.assert(
      fc.property(validUscc, (code) => isValidUscc(code)),
      { numRuns: 2000 },
    );
  });

  it('every single-character change of a valid code fails', () => {
    const anyChar = fc.oneof(charsetChar, fc.constantFrom('I', 'O', 'S', 'V', 'Z', 'a', 'x', '-', ' ', '中'));
    fc.assert(
      fc.property(validUscc, fc.integer({ min: 0, max: 17 }), anyChar, (code, pos, ch) => {
        fc.pre(code[pos] !== ch);
        const changed = code.slice(0, pos) + ch + code.slice(pos + 1);
        return !isValidUscc(changed);
      }),
      { numRuns: 5000 },
    );
  });

  it('says what is wrong: length, illegal character, or check character', () => {
    expect(usccProblem('91440105')).toEqual({ reason: 'LENGTH', length: 8 });
    expect(usccProblem('9144030071526726IG')).toEqual({ reason: 'ILLEGAL_CHARACTER', position: 17, character: 'I' });
    expect(usccProblem('9144030071526726XA')).toEqual({ reason: 'CHECK_CHARACTER', expected: 'G', actual: 'A' });
    const lower = '9144030071526726xg';
    expect(describeUsccProblem(lower, usccProblem(lower)!)).toMatch(/upper-case/);
    expect(describeUsccProblem('9144030071526726XA', usccProblem('9144030071526726XA')!)).toMatch(/check character/);
  });
});
