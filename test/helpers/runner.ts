/**
 * What the tests used from Vitest that Jest lacks, on top of @jest/globals: values handed over
 * by the global setup (Vitest's provide/inject), a hook timeout longer than the test timeout,
 * skipping with a printed reason (describe.skipIf / it.skipIf), polling until an assertion
 * holds (expect.poll), and an assertion with a message of its own (expect(value, message)).
 */
import { afterAll as jestAfterAll, beforeAll as jestBeforeAll, describe, expect, it } from '@jest/globals';

/**
 * Timeout for beforeAll/afterAll: Jest applies testTimeout (30 s) to hooks too, but starting
 * hubs and reference data on a busy machine may take longer, as Vitest's hookTimeout allowed.
 */
export const HOOK_TIMEOUT = 120_000;

export interface Provided {
  /** The migrated database of this run: DATABASE_URL, or the embedded default. */
  databaseUrl: string;
  /** REDIS_URL, or undefined (the in-memory cache). */
  redisUrl: string | undefined;
  /** True when the database is PGlite (the embedded default), which serves one connection at a time. */
  databaseEmbedded: boolean;
}

/** A value from test/global-setup.ts, which runs in Jest's parent process and passes it through process.env. */
export function inject<K extends keyof Provided>(key: K): Provided[K] {
  const databaseUrl = process.env.HUB_TEST_DATABASE_URL;
  if (!databaseUrl)
    throw new Error('HUB_TEST_DATABASE_URL is not set: run the tests with `npm test` (test/global-setup.ts sets it)');
  const provided: Provided = {
    databaseUrl,
    redisUrl: process.env.HUB_TEST_REDIS_URL || undefined,
    databaseEmbedded: process.env.HUB_TEST_DATABASE_EMBEDDED === '1',
  };
  return provided[key];
}

function printSkip(name: string, reason: string): void {
  process.stderr.write(`skipped: ${name} (${reason})\n`);
}

/** Vitest's describe.skipIf: `describe`, or `describe.skip` with the reason printed when `condition` holds. */
export function describeSkipIf(condition: boolean, reason: string) {
  return (name: string, fn: () => void): void => {
    if (!condition) return describe(name, fn);
    printSkip(name, reason);
    describe.skip(name, fn);
  };
}

/** Vitest's it.skipIf (and a test's ctx.skip()): `it`, or `it.skip` with the reason printed when `condition` holds. */
export function itSkipIf(condition: boolean, reason: string) {
  return (name: string, fn: () => Promise<unknown>, timeout?: number): void => {
    if (!condition) return it(name, fn, timeout);
    printSkip(name, reason);
    it.skip(name, fn, timeout);
  };
}

/**
 * Vitest's expect.poll: reads `read()` and runs `assert` on it until it passes, every `interval`
 * ms; after `timeout` ms fails with the assertion's last error. Same defaults as Vitest.
 */
export async function poll<T>(
  read: () => T | Promise<T>,
  assert: (value: T) => void,
  { timeout = 1000, interval = 50 }: { timeout?: number; interval?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      assert(await read());
      return;
    } catch (err) {
      if (Date.now() + interval > deadline) throw err;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

type Matchers<T> = ReturnType<typeof expect<T>>;

/** Vitest's expect(actual, message): Jest's expect, with `message` put before the failure's own. */
export function expectWithMessage<T>(actual: T, message: string): Matchers<T> {
  return withMessage(expect(actual), message);
}

function withMessage<M extends object>(matchers: M, message: string): M {
  return new Proxy(matchers, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value === 'function') {
        return function matcher(...args: unknown[]): unknown {
          try {
            const result: unknown = value.apply(target, args);
            if (result instanceof Promise)
              return result.catch((err: unknown) => {
                throw prefixed(err, message);
              });
            return result;
          } catch (err) {
            throw prefixed(err, message, matcher);
          }
        };
      }
      // .not, .resolves, .rejects
      if (value !== null && typeof value === 'object') return withMessage(value, message);
      return value;
    },
  });
}

function prefixed(err: unknown, message: string, from?: (...args: never[]) => unknown): unknown {
  if (!(err instanceof Error)) return err;
  err.message = `${message}\n\n${err.message}`;
  // Point the stack at the test's line rather than at this helper.
  if (from) Error.captureStackTrace(err, from);
  return err;
}

/** Jest's beforeAll with the hook timeout Vitest allowed (starting hubs on a busy machine takes a while). */
export function beforeAll(fn: () => unknown, timeout: number = HOOK_TIMEOUT): void {
  jestBeforeAll(async () => {
    await fn();
  }, timeout);
}

/** Jest's afterAll with the same hook timeout. */
export function afterAll(fn: () => unknown, timeout: number = HOOK_TIMEOUT): void {
  jestAfterAll(async () => {
    await fn();
  }, timeout);
}

/**
 * `promise`, or after `ms` what `onTimeout` returns (or throws). The timer is cleared either way:
 * a pending timer would keep Jest's worker alive after the file ends ("failed to exit gracefully").
 */
export async function withinMs<T, F = never>(promise: Promise<T>, ms: number, onTimeout: () => F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<F>((resolve, reject) => {
        timer = setTimeout(() => {
          try {
            resolve(onTimeout());
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
