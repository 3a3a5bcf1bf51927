/**
 * Unmasked reads of personal data: refused without a stated purpose, and recorded in the audit
 * chain before the value is returned. The reads of one request are collected (DataLoader-style,
 * until the event loop turns) and written in one INSERT; each resolver waits for that commit.
 */
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Caller } from '../auth/caller.js';
import { forbidden } from '../errors.js';
import { appendAuditEntries, type NewAuditEntry } from './writer.js';

/** One personal field of one record, read unmasked. */
export interface PersonalRead {
  /** ENTERPRISE, CASE ... */
  entityType: string;
  entityId: string;
  field: string;
}

interface Pending {
  reads: PersonalRead[];
  waiters: { resolve(): void; reject(err: unknown): void }[];
}

/**
 * Batches by caller object: `requestCaller` makes one per request (shared by every in-process
 * subgraph of that request, or one per subgraph call behind the signed token), so a batch never
 * mixes requests, and it is collected with the request.
 */
const pendingByCaller = new WeakMap<object, Pending>();

function entriesOf(
  caller: Extract<Caller, { kind: 'system' }>,
  purpose: string,
  reads: PersonalRead[],
): NewAuditEntry[] {
  const byEntity = new Map<string, { entityType: string; entityId: string; fields: Set<string> }>();
  for (const r of reads) {
    const key = `${r.entityType}\u0000${r.entityId}`;
    let e = byEntity.get(key);
    if (!e) byEntity.set(key, (e = { entityType: r.entityType, entityId: r.entityId, fields: new Set() }));
    e.fields.add(r.field);
  }
  const occurredAt = new Date();
  return [...byEntity.values()].map((e) => ({
    occurredAt,
    systemId: caller.systemId,
    departmentCode: caller.departmentCode,
    keyId: caller.keyId,
    entityType: e.entityType,
    entityId: e.entityId,
    fields: [...e.fields].sort(),
    purpose,
    requestId: caller.requestId ?? 'unknown',
  }));
}

/**
 * Returns `value` once the read is recorded. Throws FORBIDDEN (reason PURPOSE_REQUIRED) when the
 * request states no purpose; call it only for callers entitled to the unmasked value.
 */
export async function revealPersonal<T>(
  ctx: { caller: Caller; prisma: PrismaClient },
  read: PersonalRead,
  value: T,
): Promise<T> {
  const caller = ctx.caller;
  if (caller.kind !== 'system' || !caller.purpose) {
    throw forbidden(
      `Reading ${read.field} unmasked needs a stated purpose: send the header x-purpose (e.g. the case or file it is for)`,
      {
        reason: 'PURPOSE_REQUIRED',
        field: read.field,
      },
    );
  }
  const purpose = caller.purpose;
  let pending = pendingByCaller.get(caller);
  if (!pending) {
    const batch: Pending = { reads: [], waiters: [] };
    pending = batch;
    pendingByCaller.set(caller, batch);
    // setImmediate rather than a microtask: the fields of a whole list resolve in one turn.
    setImmediate(() => {
      pendingByCaller.delete(caller);
      appendAuditEntries(ctx.prisma, entriesOf(caller, purpose, batch.reads)).then(
        () => batch.waiters.forEach((w) => w.resolve()),
        (err: unknown) => batch.waiters.forEach((w) => w.reject(err)),
      );
    });
  }
  pending.reads.push(read);
  await new Promise<void>((resolve, reject) => pending.waiters.push({ resolve, reject }));
  return value;
}
