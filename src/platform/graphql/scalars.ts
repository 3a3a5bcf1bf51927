/**
 * Scalars shared by every subgraph (composition requires identical definitions by name).
 */
import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { describeUsccProblem, usccProblem } from '../uscc.js';

/** The parts of a scalar that Pothos' `builder.scalarType` and graphql-js both accept. */
export interface ScalarDefinition<Internal, External> {
  description: string;
  serialize(value: unknown): External;
  parseValue(value: unknown): Internal;
  parseLiteral(ast: ValueNode): Internal;
}

function parseUscc(value: unknown, node?: ValueNode): string {
  if (typeof value !== 'string') {
    throw new GraphQLError('A USCC must be given as a string of 18 characters', {
      nodes: node ? [node] : undefined,
      extensions: { code: 'BAD_USER_INPUT', reason: 'NOT_A_STRING' },
    });
  }
  const problem = usccProblem(value);
  if (problem) {
    throw new GraphQLError(describeUsccProblem(value, problem), {
      nodes: node ? [node] : undefined,
      extensions: { code: 'BAD_USER_INPUT', ...problem },
    });
  }
  return value;
}

export const usccScalar: ScalarDefinition<string, string> = {
  description:
    'Unified Social Credit Code (统一社会信用代码), GB 32100-2015: 18 characters from 0-9 and A-Z without I, O, S, V, Z; the 18th is the check character. Invalid codes are refused with BAD_USER_INPUT and a `reason` of LENGTH, ILLEGAL_CHARACTER or CHECK_CHARACTER.',
  serialize: (v) => String(v),
  parseValue: (v) => parseUscc(v),
  parseLiteral: (ast) => parseUscc(ast.kind === Kind.STRING ? ast.value : undefined, ast),
};

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(value: unknown, node?: ValueNode): Date {
  const m = typeof value === 'string' ? DATE_RE.exec(value) : null;
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || d.toISOString().slice(0, 10) !== value) {
    throw new GraphQLError(`"${String(value)}" is not a calendar date (expected YYYY-MM-DD)`, {
      nodes: node ? [node] : undefined,
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return d;
}

export const dateScalar: ScalarDefinition<Date, string> = {
  description: 'A calendar date, YYYY-MM-DD (the day in China Standard Time).',
  serialize: (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v)),
  parseValue: (v) => parseDate(v),
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined, ast),
};

function parseDateTime(value: unknown, node?: ValueNode): Date {
  const d = typeof value === 'string' && /\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : null;
  if (!d || Number.isNaN(d.getTime())) {
    throw new GraphQLError(`"${String(value)}" is not an ISO 8601 date-time with offset`, {
      nodes: node ? [node] : undefined,
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return d;
}

export const dateTimeScalar: ScalarDefinition<Date, string> = {
  description: 'An instant, ISO 8601 with offset (serialized in UTC, e.g. 2026-01-05T02:00:00.000Z).',
  serialize: (v) => (v instanceof Date ? v.toISOString() : String(v)),
  parseValue: (v) => parseDateTime(v),
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined, ast),
};

const DECIMAL_RE = /^-?\d{1,18}(\.\d{1,2})?$/;

function parseDecimal(value: unknown, node?: ValueNode): string {
  const s = typeof value === 'number' ? String(value) : value;
  if (typeof s !== 'string' || !DECIMAL_RE.test(s)) {
    throw new GraphQLError(
      `"${String(value)}" is not an amount in yuan (up to 18 digits and 2 decimals, e.g. "1000000.00")`,
      {
        nodes: node ? [node] : undefined,
        extensions: { code: 'BAD_USER_INPUT' },
      },
    );
  }
  return s;
}

export const decimalScalar: ScalarDefinition<string, string> = {
  description: 'An exact decimal amount in yuan, as a string (e.g. "5000000.00"), never a float.',
  serialize: (v) => String(v),
  parseValue: (v) => parseDecimal(v),
  parseLiteral: (ast) =>
    parseDecimal(
      ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? ast.value : undefined,
      ast,
    ),
};
