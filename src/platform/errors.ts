/**
 * GraphQL errors for unexpected or refused requests, each with a precise `extensions.code`.
 * Business outcomes that clients should branch on belong in the schema, not here.
 */
import { GraphQLError } from 'graphql';

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'INTERNAL_SERVER_ERROR';

export function hubError(code: ErrorCode, message: string, details: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...details } });
}

export const badInput = (message: string, details?: Record<string, unknown>) =>
  hubError('BAD_USER_INPUT', message, details);
export const notFound = (message: string, details?: Record<string, unknown>) =>
  hubError('NOT_FOUND', message, details);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  hubError('CONFLICT', message, details);
export const unauthenticated = (message: string) => hubError('UNAUTHENTICATED', message);
export const forbidden = (message: string, details?: Record<string, unknown>) =>
  hubError('FORBIDDEN', message, details);

/** Prisma's error code for a unique-constraint violation. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}

