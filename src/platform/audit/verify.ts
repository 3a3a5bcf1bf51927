/**
 * Checks the read audit's hash chain from the first entry to the last, page by page, and names
 * the first entry whose link or content does not match.
 */
import type { AuditEntry, PrismaClient } from '../../generated/prisma/client.js';
import { entryHash, GENESIS_HASH } from './chain.js';

export type AuditVerifyResult =
  { ok: true; entries: number; head: string } | { ok: false; entries: number; brokenSeq: bigint; reason: string };

export async function verifyAuditChain(prisma: PrismaClient, pageSize = 1000): Promise<AuditVerifyResult> {
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let after: bigint | null = null;
  for (;;) {
    const page: AuditEntry[] = await prisma.auditEntry.findMany({
      where: after === null ? {} : { seq: { gt: after } },
      orderBy: { seq: 'asc' },
      take: pageSize,
    });
    for (const row of page) {
      if (row.prevHash !== prevHash) {
        return {
          ok: false,
          entries: checked,
          brokenSeq: row.seq,
          reason: `its prevHash does not match the hash of the entry before it: an entry before it was deleted, inserted or rehashed`,
        };
      }
      const expected = entryHash(prevHash, row);
      if (row.hash !== expected) {
        return {
          ok: false,
          entries: checked,
          brokenSeq: row.seq,
          reason: 'its content does not match its hash: the entry was edited',
        };
      }
      prevHash = row.hash;
      checked += 1;
    }
    if (page.length < pageSize) return { ok: true, entries: checked, head: prevHash };
    after = page[page.length - 1]!.seq;
  }
}
