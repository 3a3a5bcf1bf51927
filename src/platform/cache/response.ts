/**
 * Stored answers of whole read operations (the gateway decides which may be kept and under which
 * key), valid only while nothing has been committed since they were computed.
 *
 * Every entry carries the generation it was computed under; every committed write that tracked
 * tables see (see onCommittedWrite in platform/db/client.ts) replaces the generation with a new
 * random value, in the shared cache (Redis), before the writer's COMMIT returns. A reader fetches
 * its entry and the current generation in one round trip and uses the entry only when they
 * match; a reader that computed its answer before a commit stores it under the generation it
 * read before computing, which the commit has already replaced. So once a commit has returned,
 * no instance sharing the cache answers from before it.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Cache } from './index.js';

/** The generation lives as long as the cache keeps anything; entries far shorter. */
const GENERATION_TTL_SECONDS = 30 * 24 * 3600;

export interface ResponseLookup {
  /** The stored answer, when it is current. */
  body: string | null;
  /** The generation to store a freshly computed answer under; null: do not store. */
  generation: string | null;
}

export class ResponseCache {
  private readonly generationKey: string;
  /** Set while a generation change could not be written: nothing is read or stored until it is. */
  private pendingBump = false;

  constructor(
    private readonly cache: Cache,
    private readonly prefix: string,
    readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {
    this.generationKey = `${prefix}rc:generation`;
  }

  get enabled(): boolean {
    return this.ttlSeconds > 0;
  }

  private entryKey(key: string): string {
    return `${this.prefix}rc:${key}`;
  }

  async lookup(key: string): Promise<ResponseLookup> {
    if (!this.enabled) return { body: null, generation: null };
    if (this.pendingBump && !(await this.bump())) return { body: null, generation: null };
    const [entry, generation] = await this.cache.getMany([this.entryKey(key), this.generationKey]);
    if (generation === null || generation === undefined) {
      // No generation (a fresh or restarted cache, or one out of reach): start one; store nothing
      // under "none", since entries stored so could outlive a generation that later went missing.
      await this.cache.setMany([[this.generationKey, randomUUID()]], GENERATION_TTL_SECONDS, { onlyIfAbsent: true });
      return { body: null, generation: null };
    }
    if (entry && entry.startsWith(`${generation}\n`)) {
      return { body: entry.slice(generation.length + 1), generation };
    }
    return { body: null, generation };
  }

  async store(key: string, generation: string, body: string): Promise<void> {
    if (!this.enabled || this.pendingBump) return;
    await this.cache.setMany([[this.entryKey(key), `${generation}\n${body}`]], this.ttlSeconds);
  }

  /**
   * Replaces the generation (after a commit). Returns whether the new one is in place; if not
   * (the cache is out of reach), this instance answers nothing from the cache until it is.
   */
  async bump(): Promise<boolean> {
    if (!this.enabled) return true;
    const next = randomUUID();
    await this.cache.setMany([[this.generationKey, next]], GENERATION_TTL_SECONDS);
    const [now] = await this.cache.getMany([this.generationKey]);
    // Another writer's bump in between reads as a failure too: this instance then bumps once more
    // before its next lookup, which costs a miss and never a stale answer.
    const ok = now === next;
    if (!ok && !this.pendingBump) this.logger.warn('response cache generation not written; cached answers bypassed');
    this.pendingBump = !ok;
    return ok;
  }
}
