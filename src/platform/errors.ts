/**
 * GraphQL errors for unexpected or refused requests, each with a precise `extensions.code`.
 * Business outcomes that clients should branch on belong in the schema, not here.
 */
import { GraphQLError } from 'graphql';

export type ErrorCode =
  'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'INTERNAL_SERVER_ERROR';

export function hubError(code: ErrorCode, message: string, details: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...details } });
}

export const badInput = (message: string, details?: Record<string, unknown>) =>
  hubError('BAD_USER_INPUT', message, details);
export const notFound = (message: string, details?: Record<string, unknown>) => hubError('NOT_FOUND', message, details);
export const conflict = (message: string, details?: Record<string, unknown>) => hubError('CONFLICT', message, details);
export const unauthenticated = (message: string) => hubError('UNAUTHENTICATED', message);
export const forbidden = (message: string, details?: Record<string, unknown>) =>
  hubError('FORBIDDEN', message, details);

/** Prisma's error code for a unique-constraint violation. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}

// SQLSTATE class 22 (data exception): the value sent cannot be stored or compared, which is the
// client's input (a NUL byte, bad UTF-8, a number or string out of range), never a server fault.
const INPUT_SQLSTATES: Record<string, string> = {
  '22021': 'The input contains bytes that are not valid text (for example a NUL character)',
  '22P05': 'The input contains a character the database cannot store',
  '22001': 'A value in the input is too long',
  '22003': 'A number in the input is out of range',
  '22007': 'A date or time in the input is malformed',
  '22008': 'A date or time in the input is out of range',
  '22P02': 'A value in the input has the wrong format',
};
// Prisma's own codes for the same situations when it detects them before PostgreSQL does.
const INPUT_PRISMA_CODES: Record<string, string> = {
  P2000: 'A value in the input is too long',
  P2006: 'A value in the input is not valid',
  P2007: 'A value in the input is not valid',
  P2020: 'A value in the input is out of range',
};

function codeOf(err: unknown, key: 'code' | 'originalCode'): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const value = (err as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Recognises a database error caused by the client's input (through Prisma or its PostgreSQL
 * driver adapter) and turns it into BAD_USER_INPUT with a message naming no database internals.
 */
export function databaseInputError(err: unknown): GraphQLError | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const sqlState = codeOf(e, 'originalCode') ?? codeOf(e, 'code');
    const message = sqlState ? (INPUT_SQLSTATES[sqlState] ?? INPUT_PRISMA_CODES[sqlState]) : undefined;
    if (message) return badInput(message);
    if (typeof e !== 'object') break;
  }
  return undefined;
}
