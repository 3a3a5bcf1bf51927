/**
 * Resolves which department system a batch of records comes from, and lists/re-submits
 * quarantined records.
 */
import type { Adapter } from '../../../adapters/adapter.js';
import { adapters } from '../../../adapters/registry.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Platform } from '../../platform/context.js';
import { IngestError, ingestFile, type IngestSource, type RunReport } from './pipeline.js';

export function adapterNamed(name: string): Adapter {
  const a = adapters[name];
  if (!a)
    throw new IngestError(`no adapter is named "${name}"; known: ${Object.keys(adapters).join(', ')}`, 'NOT_FOUND');
  return a;
}

/** The department system an operator's CLI ingestion is recorded under (created on first use). */
export async function cliSource(prisma: PrismaClient, adapter: Adapter, systemName?: string): Promise<IngestSource> {
  const dept = await prisma.department.findUnique({ where: { code: adapter.department } });
  if (!dept)
    throw new IngestError(
      `department ${adapter.department} of the ${adapter.name} adapter is not in the directory (run \`hub seed\`)`,
      'NOT_FOUND',
    );
  const name = systemName ?? adapter.name;
  const system = await prisma.departmentSystem.upsert({
    where: { departmentCode_name: { departmentCode: dept.code, name } },
    create: { departmentCode: dept.code, name, scopes: [] },
    update: {},
  });
  return { systemId: system.id, departmentCode: dept.code };
}

/**
 * Re-submits a quarantined record after correction: the corrected raw values go through the
 * adapter's mapping and the same once-only pipeline; the quarantine entry is closed if it applies.
 */
export async function resubmitQuarantined(
  platform: Pick<Platform, 'prisma' | 'cache' | 'config'>,
  id: string,
  correctedRaw: Record<string, unknown> | null,
): Promise<{ report: RunReport; resolved: boolean }> {
  const q = await platform.prisma.quarantinedRecord.findUnique({ where: { id } });
  if (!q) throw new IngestError(`no quarantined record has the id ${id}`, 'NOT_FOUND');
  if (q.status !== 'OPEN') throw new IngestError(`quarantined record ${id} is already ${q.status}`, 'BAD_USER_INPUT');
  const adapter = adapterNamed(q.adapter);
  const system = await platform.prisma.departmentSystem.findUniqueOrThrow({ where: { id: q.systemId } });
  const raw = correctedRaw ?? (q.raw as Record<string, unknown>);
  // One record, as the adapter parsed it, under a synthetic file name that names the original.
  const record = { location: { file: q.file, path: q.location }, sourceRecordId: q.sourceRecordId, raw, problems: [] };
  const single: Adapter = { ...adapter, parse: () => [record] };
  const report = await ingestFile(
    platform,
    single,
    { systemId: system.id, departmentCode: system.departmentCode },
    `resubmit:${q.file}#${q.location}:${Date.now()}`,
    Buffer.from(JSON.stringify(raw)),
  );
  const resolved = report.rejected === 0;
  if (resolved) {
    await platform.prisma.quarantinedRecord.update({
      where: { id },
      data: { status: 'RESUBMITTED', resolvedAt: new Date() },
    });
  } else {
    // Still bad: the original entry carries the new reasons; no second entry for the same record.
    const again = await platform.prisma.quarantinedRecord.findFirst({ where: { runId: report.runId } });
    await platform.prisma.$transaction([
      platform.prisma.quarantinedRecord.update({
        where: { id },
        data: { raw: (again?.raw ?? q.raw) as object, problems: (again?.problems ?? q.problems) as object },
      }),
      platform.prisma.quarantinedRecord.deleteMany({ where: { runId: report.runId } }),
    ]);
  }
  return { report, resolved };
}
