/**
 * Which GraphQL requests the gateway may answer from the response cache, and under which key.
 *
 * Only queries whose every root field is one of the hot public or scoped reads below, asked by
 * the public or by a department system WITHOUT a stated purpose (x-purpose): a purpose unlocks
 * personal data, and every such read must reach the resolvers, which audit it. Applicants (hall
 * sessions) are never served from the cache. The key covers the document, the operation name,
 * the variables, the Accept header, the audience (public, or the system's department and scopes: the only things
 * these reads depend on besides the data), the day in Asia/Shanghai (EXPIRED is derived from it)
 * and the QR keys this process accepts. Mutations, subscriptions and anything else bypass.
 */
import { createHash } from 'node:crypto';
import { Kind, OperationTypeNode, parse, type OperationDefinitionNode } from 'graphql';
import type { Caller } from '../platform/auth/caller.js';

/**
 * Root fields whose answers depend only on the data, the audience and the day. Each was read for
 * caller-dependent branches: penalties and cases vary with the department, masking with scopes,
 * nothing with the system's own identity.
 */
export const CACHEABLE_ROOT_FIELDS: ReadonlySet<string> = new Set([
  '__typename',
  'enterprise',
  'licence',
  'licenceByNumber',
  'licenceTypes',
  'qrLookup',
  'serviceItem',
  'serviceItems',
  'department',
  'departments',
]);

const decisions = new Map<string, boolean>();
const operationNames = new Map<string, string | undefined>();
const MAX_DECISIONS = 2000;
const MAX_CACHEABLE_QUERY_CHARS = 4096;

/** The name of the operation a cacheable document selects (known once isCacheableDocument has seen it). */
export function cacheableOperationName(query: string, operationName: string | undefined): string | undefined {
  return operationNames.get(`${operationName ?? ''}\u0000${query}`);
}

/** Whether a document's selected operation is a query of cacheable root fields only (memoised per text). */
export function isCacheableDocument(query: string, operationName: string | undefined): boolean {
  // Hot reads are short documents; a long one is never worth parsing twice (Apollo parses it under
  // the query limits anyway), and probing with huge documents must cost no extra work here.
  if (query.length > MAX_CACHEABLE_QUERY_CHARS) return false;
  const memoKey = `${operationName ?? ''}\u0000${query}`;
  const known = decisions.get(memoKey);
  if (known !== undefined) return known;
  let decision = false;
  let name: string | undefined;
  try {
    const doc = parse(query, { maxTokens: 5000 });
    const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
    decision =
      op !== undefined &&
      op.operation === OperationTypeNode.QUERY &&
      (op.directives ?? []).length === 0 &&
      op.selectionSet.selections.every(
        (s) => s.kind === Kind.FIELD && CACHEABLE_ROOT_FIELDS.has(s.name.value) && (s.directives ?? []).length === 0,
      );
    name = op?.name?.value;
  } catch {
    decision = false;
  }
  if (decisions.size >= MAX_DECISIONS) {
    decisions.clear();
    operationNames.clear();
  }
  decisions.set(memoKey, decision);
  operationNames.set(memoKey, name);
  return decision;
}

/** The audience part of the key; null: this caller's answers are never cached. */
export function audienceOf(caller: Caller): string | null {
  if (caller.kind === 'public') return 'public';
  if (caller.kind !== 'system' || caller.purpose) return null;
  return `system:${caller.departmentCode}:${[...caller.scopes].sort().join(',')}`;
}

export interface CacheableRequest {
  query: string;
  operationName?: string | undefined;
  variables?: unknown;
}

/** The request's GraphQL body when it is a plain POSTed operation (no persisted-query extensions). */
export function cacheableBody(body: unknown): CacheableRequest | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  if (typeof b.query !== 'string' || b.extensions !== undefined) return null;
  if (b.operationName !== undefined && b.operationName !== null && typeof b.operationName !== 'string') return null;
  return {
    query: b.query,
    operationName: typeof b.operationName === 'string' ? b.operationName : undefined,
    variables: b.variables ?? null,
  };
}

/** The day in Asia/Shanghai (UTC+8, no daylight saving). */
function shanghaiDay(now: number): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}

export function responseCacheKey(
  request: CacheableRequest,
  audience: string,
  /** The Accept header: it decides the answer's content type. */
  accept: string,
  qrKeyIds: string,
  now: number = Date.now(),
): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        request.query,
        request.operationName ?? null,
        request.variables ?? null,
        audience,
        accept,
        shanghaiDay(now),
        qrKeyIds,
      ]),
    )
    .digest('base64url');
}
