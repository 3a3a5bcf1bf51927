/**
 * The limits every operation meets before it is planned or executed: tokens, depth, aliases,
 * directives and cost, each refused with its own `extensions.code`. graphql-armor's rules do the
 * counting: each memoises what it found per fragment name, so validation stays linear in the
 * document even when fragments spread each other many times (a 21-level "each fragment spreads
 * the next twice" document is 2^21 paths but 21 fragment visits).
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type GraphQLFormattedError, type ValidationContext, type ValidationRule } from 'graphql';
import type { HubConfig } from '../config/index.js';

export type QueryLimits = HubConfig['queryLimits'];

/** The codes of refused operations, as documented in the README. */
export const LIMIT_CODES = {
  depth: 'QUERY_TOO_DEEP',
  aliases: 'TOO_MANY_ALIASES',
  directives: 'TOO_MANY_DIRECTIVES',
  tokens: 'TOO_MANY_TOKENS',
  cost: 'QUERY_TOO_COSTLY',
} as const;

type Limit = keyof typeof LIMIT_CODES;

// graphql-armor prefixes its messages with "Syntax Error: " and gives them no code; the hub
// reports them through the validation context (a 400, not a thrown 500) with a precise code.
function reject(limit: Limit, max: number) {
  return (ctx: ValidationContext | null, err: GraphQLError): void => {
    ctx?.reportError(
      new GraphQLError(err.message.replace(/^Syntax Error: /, ''), {
        extensions: { code: LIMIT_CODES[limit], limit: max },
      }),
    );
  };
}

/** Validation rules for depth, aliases, directives and cost (tokens are counted by the parser). */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  const common = { propagateOnRejection: false, exposeLimits: true } as const;
  return [
    // flattenFragments: a spread does not add a level; only fields do (as the README documents).
    maxDepthRule({
      ...common,
      n: limits.maxDepth,
      flattenFragments: true,
      onReject: [reject('depth', limits.maxDepth)],
    }),
    maxAliasesRule({ ...common, n: limits.maxAliases, onReject: [reject('aliases', limits.maxAliases)] }),
    maxDirectivesRule({ ...common, n: limits.maxDirectives, onReject: [reject('directives', limits.maxDirectives)] }),
    costLimitRule({
      ...common,
      maxCost: limits.maxCost,
      flattenFragments: true,
      onReject: [reject('cost', limits.maxCost)],
    }),
  ];
}

const CODES = new Set<unknown>(Object.values(LIMIT_CODES));

/**
 * The limit code of a refused operation. Apollo Server wraps every validation error with the code
 * GRAPHQL_VALIDATION_FAILED; the rule's own error (and its code) is kept as the original error.
 */
export function limitCodeOf(error: unknown): string | undefined {
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  const code = original instanceof GraphQLError ? original.extensions.code : undefined;
  return typeof code === 'string' && CODES.has(code) ? code : undefined;
}

const TOKENS_MESSAGE = /^Syntax Error: Document contains more that (\d+) tokens/;

/**
 * Gives graphql-js's own token limit (`parseOptions.maxTokens`, which stops the lexer as soon as
 * the limit is passed) its precise code; other errors are returned unchanged.
 */
export function codeTokenLimit(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const m = TOKENS_MESSAGE.exec(formatted.message);
  if (!m) return formatted;
  return {
    message: `The document has more than ${m[1]} tokens`,
    extensions: { code: LIMIT_CODES.tokens, limit: Number(m[1]) },
  };
}

/** Whether the client prefers application/json to application/graphql-response+json (q values, then order). */
export function prefersLegacyJson(accept: string | undefined): boolean {
  if (!accept) return true;
  let best: { type: string; q: number } | undefined;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    const known =
      type === 'application/json' ||
      type === 'application/graphql-response+json' ||
      type === '*/*' ||
      type === 'application/*';
    if (known && q > 0 && (!best || q > best.q)) best = { type, q };
  }
  return best?.type !== 'application/graphql-response+json';
}

/**
 * GraphQL over HTTP: a client accepting only the legacy application/json media type gets request
 * errors (parse, validation, variable coercion) with status 200, as graphql-http recommends;
 * application/graphql-response+json keeps 400.
 */
export function legacyJsonStatusPlugin<T extends BaseContext>(): ApolloServerPlugin<T> {
  return {
    requestDidStart() {
      return Promise.resolve({
        willSendResponse({ request, response }) {
          const status = response.http.status;
          if (status === 400 && prefersLegacyJson(request.http?.headers.get('accept'))) response.http.status = 200;
          return Promise.resolve();
        },
      });
    },
  };
}
