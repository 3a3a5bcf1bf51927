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

// SQLSTATEs of a lost or refused connection: the server shut the session down (57P01 is what
// pg_terminate_backend and a fast shutdown send), is starting up, or the link broke (class 08).
const CONNECTION_SQLSTATE = /^(57P0[123]|08\d{3}|53300)$/;
// The driver adapter's own kinds for the same, and Prisma's codes for an unreachable server, a
// closed connection, a pool that could not hand out a connection, and a transaction that died with it.
const CONNECTION_KINDS = new Set(['ConnectionClosed', 'SocketTimeout', 'DatabaseNotReachable', 'TooManyConnections']);
const CONNECTION_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
const CONNECTION_MESSAGE =
  /Connection terminated|terminating connection|connection error and is not queryable|ECONNRESET|ECONNREFUSED|EPIPE|Transaction already closed/i;

/**
 * True when the database connection was lost or refused (PostgreSQL restarted, a backend
 * terminated, the network broke) rather than the statement being wrong: the operation may be
 * sent again. Walks Prisma's error, its driver adapter error and their causes.
 */
export function isConnectionLoss(err: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): boolean => {
    if (typeof e !== 'object' || e === null || depth > 6 || seen.has(e)) return false;
    seen.add(e);
    const o = e as Record<string, unknown>;
    for (const key of ['code', 'originalCode'] as const) {
      const v = o[key];
      if (typeof v === 'string' && (CONNECTION_SQLSTATE.test(v) || CONNECTION_PRISMA_CODES.has(v))) return true;
    }
    if (typeof o.kind === 'string' && CONNECTION_KINDS.has(o.kind)) return true;
    if (typeof o.message === 'string' && CONNECTION_MESSAGE.test(o.message)) return true;
    const meta = o.meta as Record<string, unknown> | undefined;
    return visit(o.cause, depth + 1) || visit(meta?.driverAdapterError, depth + 1) || visit(o.originalError, depth + 1);
  };
  return visit(err, 0);
}

/**
 * The error a caller gets when the database connection was lost during its operation. Its
 * transaction was rolled back by PostgreSQL (or, if the loss came after COMMIT, it committed):
 * sending the same operation again is safe for the hub's idempotent and conflict-checked writes.
 */
export function serviceUnavailable(what = 'The database connection was lost during the operation'): GraphQLError {
  return new GraphQLError(`${what}; nothing was half-applied, send it again`, {
    extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
  });
}
