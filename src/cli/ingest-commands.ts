/**
 * `hub ingest` and `hub quarantine`: department files in, rejected records out for correction.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { adapters } from '../../adapters/registry.js';
import { IngestError, ingestFile, type RunReport } from '../modules/ingestion/index.js';
import { adapterNamed, cliSource, resubmitQuarantined } from '../modules/ingestion/index.js';
import { withPlatform } from './platform.js';

// Info logs would interleave with the progress bars and reports.
const quietly = <T>(fn: Parameters<typeof withPlatform<T>>[0]) => withPlatform(fn, { quiet: true });

function filesOf(target: string, format: string): string[] {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) throw new Error(`${target} does not exist`);
  if (stat.isFile()) return [target];
  // In a folder, only files of the adapter's format: exports often sit beside other files.
  return fs
    .readdirSync(target)
    .filter((f) => !f.startsWith('.') && f.toLowerCase().endsWith(`.${format}`))
    .map((f) => path.join(target, f))
    .filter((f) => fs.statSync(f).isFile())
    .sort();
}

function printReport(r: RunReport): void {
  process.stdout.write(
    `${r.file}: ${r.total} records — created ${r.created}, updated ${r.updated}, unchanged ${r.unchanged}, ` +
      `conflicting ${r.conflicting}, rejected ${r.rejected} (${(r.durationMs / 1000).toFixed(1)} s, ` +
      `${Math.round(r.total / Math.max(r.durationMs / 1000, 0.001))} records/s; run ${r.runId})\n`,
  );
}

export function registerIngestCommands(program: Command): void {
  program
    .command('ingest')
    .argument('<adapter>', `one of ${Object.keys(adapters).join(', ')}`)
    .argument('<path>', 'a file, or a folder whose files are ingested in name order')
    .option('--system <name>', 'the department system the records come from (default: the adapter name)')
    .option('--batch <n>', 'records per transaction', (v) => Number(v), 500)
    .description(
      'ingest department export files once: created, updated, unchanged, conflicting and rejected records are reported',
    )
    .action(async (name: string, target: string, opts: { system?: string; batch: number }) => {
      const adapter = adapterNamed(name);
      const files = filesOf(target, adapter.format);
      await quietly(async (p) => {
        const source = await cliSource(p.prisma, adapter, opts.system);
        let rejected = 0;
        for (const file of files) {
          const bytes = fs.readFileSync(file);
          const estimate = adapter.format === 'csv' ? Math.max(bytes.filter((b) => b === 10).length - 1, 1) : 0;
          const bar = new SingleBar(
            {
              format: `${path.basename(file)} |{bar}| {value}/{total} records`,
              hideCursor: true,
              stream: process.stderr,
              noTTYOutput: true,
              notTTYSchedule: 5000,
            },
            Presets.shades_classic,
          );
          bar.start(estimate, 0);
          let report: RunReport;
          try {
            report = await ingestFile(p, adapter, source, path.resolve(file), bytes, {
              batchSize: opts.batch,
              onProgress: (done) => {
                if (done > bar.getTotal()) bar.setTotal(done);
                bar.update(done);
              },
            });
          } catch (err) {
            bar.stop();
            // One unreadable file does not stop the others; the exit code says something failed.
            if (!(err instanceof IngestError)) throw err;
            process.stderr.write(`${file}: not ingested: ${err.message}\n`);
            process.exitCode = 1;
            continue;
          }
          bar.setTotal(report.total);
          bar.update(report.total);
          bar.stop();
          printReport(report);
          rejected += report.rejected;
        }
        if (rejected > 0)
          process.stdout.write(
            `${rejected} rejected records are in quarantine: \`hub quarantine list --adapter ${name}\`\n`,
          );
      });
    });

  const q = program.command('quarantine').description('rejected records kept with their reasons');
  q.command('list')
    .option('--adapter <name>')
    .option('--all', 'include re-submitted and discarded records')
    .description('list quarantined records with their location and reasons')
    .action(async (opts: { adapter?: string; all?: boolean }) => {
      await quietly(async (p) => {
        const rows = await p.prisma.quarantinedRecord.findMany({
          where: { ...(opts.adapter ? { adapter: opts.adapter } : {}), ...(opts.all ? {} : { status: 'OPEN' }) },
          orderBy: { createdAt: 'asc' },
          take: 1000,
        });
        for (const r of rows) {
          const problems = (r.problems as { field: string | null; reason: string }[])
            .map((x) => `${x.field ?? '(record)'}: ${x.reason}`)
            .join('; ');
          process.stdout.write(
            `${r.id} ${r.status} ${r.adapter} ${path.basename(r.file)} ${r.location} ${r.sourceRecordId ?? ''}\n    ${problems}\n`,
          );
        }
        process.stdout.write(`${rows.length} record(s)\n`);
      });
    });
  q.command('resubmit')
    .argument('<id>')
    .option(
      '--raw <file>',
      'a JSON file with the corrected raw record (same field names as the source); default: the stored one',
    )
    .description('re-submit a quarantined record after correction')
    .action(async (id: string, opts: { raw?: string }) => {
      await quietly(async (p) => {
        const raw = opts.raw ? (JSON.parse(fs.readFileSync(opts.raw, 'utf8')) as Record<string, unknown>) : null;
        const { report, resolved } = await resubmitQuarantined(p, id, raw);
        printReport(report);
        process.stdout.write(
          resolved
            ? 'resolved: the record was applied\n'
            : 'still rejected: see `hub quarantine list` for the new reasons\n',
        );
        if (!resolved) process.exitCode = 1;
      });
    });
}
