/**
 * Change-feed webhooks: consumers' registrations, and the worker that turns new feed events
 * into deliveries and POSTs them, signed, at least once, with exponential backoff.
 *
 * Enqueueing reads the feed with the same finality rule as every reader and advances the
 * webhook's cursor in the same transaction as the deliveries it creates, so an event is queued
 * exactly once per webhook. Sending claims a delivery by moving its nextAttemptAt past the
 * request timeout (compare-and-set), so several hub processes can run the worker without
 * sending the same attempt twice. Writers never wait for any of this.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { HubConfig } from '../../config/index.js';
import type { PrismaClient, Webhook } from '../../generated/prisma/client.js';
import type { ChangeEntity } from '../../generated/prisma/enums.js';
import { assertScope, type Caller } from '../../platform/auth/caller.js';
import { badInput, notFound } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import { isScope } from '../../platform/auth/scopes.js';
import { checkDestination, OutboundRefused, type OutboundPolicy } from '../../platform/outbound/guard.js';
import { OutboundError, postOutbound } from '../../platform/outbound/post.js';
import { eventPayload, MAX_PAGE, readChanges } from './read.js';
import { isUuid } from '../../platform/ids.js';

const MAX_BACKOFF_MS = 60 * 60 * 1000;
const MAX_WEBHOOKS_PER_SYSTEM = 20;
const CLAIM_BATCH = 50;
/** Deliveries of one webhook per round, and unanswered at once, at most (see sendDueDeliveries). */
const PER_WEBHOOK_BATCH = 10;
/** Unanswered deliveries of this process at once, all webhooks together. */
const MAX_IN_FLIGHT = 200;

/** The headers a consumer verifies (documented in docs/feed.md). */
export const HEADERS = {
  eventId: 'x-hub-event-id',
  timestamp: 'x-hub-timestamp',
  signature: 'x-hub-signature',
  webhookId: 'x-hub-webhook-id',
  /** `<webhook id>:<event seq>`, the same on every attempt: a receiver drops what it has processed. */
  idempotencyKey: 'idempotency-key',
} as const;

/** `sha256=` + hex HMAC-SHA256 of `${timestamp}.${body}` with the webhook's secret. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Only absolute http(s) URLs without credentials whose host is (and resolves to) a public address,
 * unless the outbound policy allows more; checked again at every delivery.
 */
export async function validateWebhookUrl(raw: string, policy: OutboundPolicy): Promise<string> {
  let url: URL;
  try {
    url = await checkDestination(raw, policy);
  } catch (err) {
    if (err instanceof OutboundRefused)
      throw badInput(`The webhook URL is ${err.message}`, { field: 'url', reason: err.reason });
    throw err;
  }
  if (url.href.length > 2000) throw badInput('The webhook URL is too long (2000 characters at most)', { field: 'url' });
  return url.href;
}

export async function registerWebhook(
  prisma: PrismaClient,
  caller: Caller,
  input: { url: string; types: readonly ChangeEntity[] | null | undefined },
  policy: OutboundPolicy,
): Promise<{ webhook: Webhook; secret: string }> {
  assertScope(caller, 'feed:webhooks');
  // A webhook delivers the feed, so it needs the right to read it.
  assertScope(caller, 'feed:read');
  const url = await validateWebhookUrl(input.url, policy);
  if ((await prisma.webhook.count({ where: { systemId: caller.systemId } })) >= MAX_WEBHOOKS_PER_SYSTEM) {
    throw badInput(`A system can register ${MAX_WEBHOOKS_PER_SYSTEM} webhooks at most; delete one first`);
  }
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  // New webhooks deliver what happens from now on, not the whole history (read `changes` for that).
  const [head] = await prisma.$queryRaw<
    { head: bigint }[]
  >`SELECT COALESCE(max(seq), 0)::bigint AS head FROM "ChangeEvent"`;
  const webhook = await prisma.webhook.create({
    data: {
      systemId: caller.systemId,
      url,
      secret,
      entityTypes: [...new Set(input.types ?? [])],
      cursor: head?.head ?? 0n,
    },
  });
  return { webhook, secret };
}

export async function listWebhooks(prisma: PrismaClient, caller: Caller): Promise<Webhook[]> {
  assertScope(caller, 'feed:webhooks');
  return prisma.webhook.findMany({ where: { systemId: caller.systemId }, orderBy: { createdAt: 'asc' } });
}

export async function deleteWebhook(prisma: PrismaClient, caller: Caller, id: string): Promise<void> {
  assertScope(caller, 'feed:webhooks');
  const valid = isUuid(id);
  const { count } = valid
    ? await prisma.webhook.deleteMany({ where: { id, systemId: caller.systemId } })
    : { count: 0 };
  if (count === 0) throw notFound('No webhook of the caller has this id', { id });
}

/** Queues deliveries of the events each active webhook has not seen; returns how many. */
export async function enqueueDeliveries(prisma: PrismaClient): Promise<number> {
  const hooks = await prisma.webhook.findMany({ where: { active: true } });
  if (hooks.length === 0) return 0;
  const systems = await prisma.departmentSystem.findMany({
    where: { id: { in: [...new Set(hooks.map((h) => h.systemId))] } },
  });
  const allowed = new Set(systems.filter((s) => s.active && s.scopes.includes('feed:read')).map((s) => s.id));
  let queued = 0;
  for (const hook of hooks) {
    if (!allowed.has(hook.systemId)) continue;
    queued += await prisma.$transaction(async (tx) => {
      const page = await readChanges(tx, { after: hook.cursor, types: hook.entityTypes, limit: MAX_PAGE });
      if (page.endCursor === hook.cursor) return 0;
      // Compare-and-set: another process that advanced the cursor first makes this one a no-op.
      const moved = await tx.webhook.updateMany({
        where: { id: hook.id, cursor: hook.cursor },
        data: { cursor: page.endCursor },
      });
      if (moved.count === 0) return 0;
      const created = await tx.webhookDelivery.createMany({
        data: page.events.map((e) => ({ webhookId: hook.id, eventSeq: e.seq })),
        skipDuplicates: true,
      });
      return created.count;
    });
  }
  return queued;
}

export interface DeliveryOptions {
  backoffMs: number;
  maxAttempts: number;
  timeoutMs: number;
  /** Where deliveries may go (checked again on every attempt, after DNS resolution). */
  outbound: OutboundPolicy;
  /**
   * Deliveries still waiting for their receiver (the worker's): when given, sending does not wait
   * for the answers, so a receiver that hangs until the timeout holds back no one else's round.
   */
  inFlight?: InFlight;
}

/** Deliveries sent and not answered yet, in this process. */
export class InFlight {
  constructor(private readonly onError: (err: unknown) => void) {}
  readonly perWebhook = new Map<string, number>();
  readonly pending = new Set<Promise<void>>();
  get size(): number {
    return this.pending.size;
  }
  track(webhookId: string, send: () => Promise<void>): void {
    this.perWebhook.set(webhookId, (this.perWebhook.get(webhookId) ?? 0) + 1);
    const p: Promise<void> = send()
      .catch(this.onError)
      .finally(() => {
        this.pending.delete(p);
        const left = (this.perWebhook.get(webhookId) ?? 1) - 1;
        if (left > 0) this.perWebhook.set(webhookId, left);
        else this.perWebhook.delete(webhookId);
      });
    this.pending.add(p);
  }
  /** Waits for every delivery in flight (on stop). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

function retryDelay(attempts: number, backoffMs: number): number {
  return Math.min(backoffMs * 2 ** Math.max(attempts - 1, 0), MAX_BACKOFF_MS);
}

/** Sends the deliveries that are due; returns how many were attempted. */
export async function sendDueDeliveries(prisma: PrismaClient, opts: DeliveryOptions): Promise<number> {
  // The oldest due deliveries, at most PER_WEBHOOK_BATCH of each webhook: a receiver that has
  // been down for hours, with thousands of retries due, must not hold back everyone else's.
  const picked = await prisma.$queryRaw<{ id: string }[]>`
    SELECT id FROM (
      SELECT id, "nextAttemptAt", "eventSeq",
             row_number() OVER (PARTITION BY "webhookId" ORDER BY "nextAttemptAt", "eventSeq") AS rank
      FROM "WebhookDelivery"
      WHERE status = 'PENDING' AND "nextAttemptAt" <= ${new Date()}
    ) d
    WHERE rank <= ${PER_WEBHOOK_BATCH}
    ORDER BY "nextAttemptAt", "eventSeq"
    LIMIT ${CLAIM_BATCH}`;
  if (picked.length === 0) return 0;
  const due = await prisma.webhookDelivery.findMany({
    where: { id: { in: picked.map((p) => p.id) } },
    orderBy: [{ nextAttemptAt: 'asc' }, { eventSeq: 'asc' }],
  });
  const leaseUntil = new Date(Date.now() + opts.timeoutMs + 5000);
  const claimed: typeof due = [];
  const inFlight = opts.inFlight;
  const perWebhook = new Map(inFlight?.perWebhook);
  for (const d of due) {
    // A receiver with PER_WEBHOOK_BATCH unanswered deliveries gets no more until they end.
    if (inFlight) {
      if (inFlight.size + claimed.length >= MAX_IN_FLIGHT) break;
      if ((perWebhook.get(d.webhookId) ?? 0) >= PER_WEBHOOK_BATCH) continue;
    }
    const won = await prisma.webhookDelivery.updateMany({
      where: { id: d.id, status: 'PENDING', nextAttemptAt: d.nextAttemptAt },
      data: { nextAttemptAt: leaseUntil },
    });
    if (won.count === 1) {
      claimed.push(d);
      perWebhook.set(d.webhookId, (perWebhook.get(d.webhookId) ?? 0) + 1);
    }
  }
  if (claimed.length === 0) return 0;
  const hooks = new Map(
    (await prisma.webhook.findMany({ where: { id: { in: [...new Set(claimed.map((d) => d.webhookId))] } } })).map(
      (h) => [h.id, h],
    ),
  );
  const events = new Map(
    (await prisma.changeEvent.findMany({ where: { seq: { in: claimed.map((d) => d.eventSeq) } } })).map((e) => [
      e.seq,
      e,
    ]),
  );
  // Masking follows the registering system's scopes now, not when it registered.
  const systems = new Map(
    (
      await prisma.departmentSystem.findMany({
        where: { id: { in: [...new Set([...hooks.values()].map((h) => h.systemId))] } },
      })
    ).map((s) => [s.id, s]),
  );
  const send = async (d: (typeof due)[number]) => {
    const hook = hooks.get(d.webhookId);
    const event = events.get(d.eventSeq);
    if (!hook || !event) return; // webhook deleted meanwhile (its deliveries cascade away)
    const system = systems.get(hook.systemId);
    const scopes = system?.active ? system.scopes.filter(isScope) : [];
    const attempts = d.attempts + 1;
    let error: string | null = null;
    if (!scopes.includes('feed:read')) {
      error = 'the system may no longer read the feed (inactive or without feed:read)';
    } else {
      const body = JSON.stringify(eventPayload(event, scopes));
      const timestamp = String(Math.floor(Date.now() / 1000));
      try {
        const res = await postOutbound(opts.outbound, {
          url: hook.url,
          timeoutMs: opts.timeoutMs,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'data-sharing-hub-webhooks',
            [HEADERS.eventId]: String(event.seq),
            [HEADERS.timestamp]: timestamp,
            [HEADERS.signature]: signature(hook.secret, timestamp, body),
            [HEADERS.webhookId]: hook.id,
            [HEADERS.idempotencyKey]: `${hook.id}:${event.seq}`,
          },
          body,
        });
        // The reply itself is never recorded: it may come from a service the registrant cannot see.
        if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
      } catch (err) {
        error = err instanceof OutboundError ? err.reason : 'network error';
      }
    }
    // updateMany: the webhook may have been deleted meanwhile, its deliveries with it.
    await prisma.webhookDelivery.updateMany({
      where: { id: d.id },
      data:
        error === null
          ? { status: 'DELIVERED', attempts, deliveredAt: new Date(), lastError: null }
          : {
              status: attempts >= opts.maxAttempts ? 'FAILED' : 'PENDING',
              attempts,
              lastError: error.slice(0, 1000),
              nextAttemptAt: new Date(Date.now() + retryDelay(attempts, opts.backoffMs)),
            },
    });
  };
  if (inFlight) for (const d of claimed) inFlight.track(d.webhookId, () => send(d));
  else await Promise.all(claimed.map(send));
  return claimed.length;
}

export interface WebhookWorker {
  /** One round: queue new deliveries, send the due ones. */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs enqueue + send rounds every `intervalMs` until stopped. */
export function startWebhookWorker(
  prisma: PrismaClient,
  logger: Logger,
  config: HubConfig['feed']['webhooks'],
  outbound: OutboundPolicy,
): WebhookWorker {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const inFlight = new InFlight((err) => {
    if (!stopped) logger.warn({ err }, 'recording a webhook delivery failed; it is tried again when its lease ends');
  });
  const runOnce = async () => {
    try {
      await enqueueDeliveries(prisma);
      await sendDueDeliveries(prisma, { ...config, outbound, inFlight });
    } catch (err) {
      if (!stopped) logger.warn({ err }, 'webhook round failed; retrying at the next round');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce().finally(schedule);
    }, config.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await inFlight.settled();
    },
  };
}
