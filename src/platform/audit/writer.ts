/**
 * Writes read-audit entries: one transaction per batch, serialised by an advisory lock so that
 * each entry links to the one committed before it, whichever process writes.
 */
import type { PrismaClient } from '../../generated/prisma/client.js';
import { entryHash, GENESIS_HASH, type AuditContent } from './chain.js';

/** Advisory lock key of the audit chain ("audt" in ASCII); the change feed uses "feed". */
const AUDIT_LOCK = 0x61756474;

export type NewAuditEntry = Omit<AuditContent, 'seq'>;

/** Appends the entries in order, in one INSERT, and returns once they are committed. */
export async function appendAuditEntries(prisma: PrismaClient, entries: readonly NewAuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await prisma.$transaction(async (tx) => {
    // Held until commit: the next writer reads this batch's last hash, never a stale one.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`;
    const last = await tx.$queryRaw<{ hash: string }[]>`SELECT "hash" FROM "AuditEntry" ORDER BY "seq" DESC LIMIT 1`;
    // The hash covers seq, so the numbers are drawn before hashing (in order, under the lock).
    const seqs = await tx.$queryRaw<{ seq: bigint }[]>`
      SELECT nextval(pg_get_serial_sequence('"AuditEntry"', 'seq')) AS seq FROM generate_series(1, ${entries.length}::int)`;
    let prevHash = last[0]?.hash ?? GENESIS_HASH;
    const rows = entries.map((e, i) => {
      const content: AuditContent = { ...e, seq: seqs[i]!.seq };
      const hash = entryHash(prevHash, content);
      const row = { ...content, fields: [...e.fields], prevHash, hash };
      prevHash = hash;
      return row;
    });
    await tx.auditEntry.createMany({ data: rows });
  });
}
