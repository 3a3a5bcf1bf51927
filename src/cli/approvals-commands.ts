/**
 * `hub` commands of the approval workflow (catalogue import, demo cases, ...).
 */
import fs from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { importCatalogueText, rebuildCaseRollup, verifyCaseRollup } from '../modules/approvals/index.js';
import { generateCases } from '../../prisma/seed/generate-cases.js';
import { withPlatform } from './platform.js';

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`"${v}" is not a positive whole number`);
  return n;
};

export function registerApprovalCommands(program: Command): void {
  const catalogue = program.command('catalogue').description('the service catalogue (政务服务清单)');
  catalogue
    .command('import')
    .argument('<file>', 'catalogue file (YAML), e.g. prisma/seed/catalogue/haizhu-catalogue.yaml')
    .description(
      'check a catalogue file against the departments and licence types, then upsert its items; a file with problems imports nothing',
    )
    .action(async (file: string) => {
      if (!fs.existsSync(file)) throw new InvalidArgumentError(`no such file: ${file}`);
      const text = fs.readFileSync(file, 'utf8');
      await withPlatform(async (p) => {
        const r = await importCatalogueText(p.prisma, text, file);
        if (!r.ok) {
          for (const pr of r.problems) {
            process.stderr.write(
              `${pr.file}${pr.line ? `:${pr.line}` : ''}  ${pr.item ?? ''} ${pr.path}: ${pr.message}\n`,
            );
          }
          process.stderr.write(`${r.problems.length} problem(s); nothing imported\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`imported ${r.items} items (${r.created} new, ${r.updated} updated)\n`);
      });
    });

  const cases = program.command('cases').description('approval cases (办件)');
  cases
    .command('generate')
    .requiredOption('--count <n>', 'number of cases', positiveInt)
    .option('--year <year>', 'calendar year of acceptance (default: the last 365 days)', positiveInt)
    .option('--no-events', 'skip the history events (faster for very large volumes)')
    .option(
      '--key-projects <n>',
      'key projects by joint approval, their branch cases among the count (default: 48 per 30,743 cases)',
      (v) => (v === '0' ? 0 : positiveInt(v)),
    )
    .description(
      'bulk-insert realistic demo cases: ~51% online, most on time, some late, some open, key projects by joint approval',
    )
    .action(async (opts: { count: number; year?: number; events: boolean; keyProjects?: number }) => {
      await withPlatform(async (p) => {
        const started = Date.now();
        const r = await generateCases(p.prisma, {
          count: opts.count,
          ...(opts.year ? { year: opts.year } : {}),
          events: opts.events,
          ...(opts.keyProjects !== undefined ? { keyProjects: opts.keyProjects } : {}),
          onProgress: (done, total) => process.stderr.write(`\rcases: ${done}/${total}`),
        });
        process.stderr.write('\n');
        process.stdout.write(
          `generated ${r.cases} cases accepted ${r.from} to ${r.to} in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
            `among them the branches of ${r.jointApplications} joint applications of ${r.keyProjects} key projects\n`,
        );
      });
    });

  const stats = program.command('stats').description('case statistics (办件统计) and their daily rollup');
  stats
    .command('verify')
    .option('--repair', 'rebuild the rollup from the cases when it differs (writers of cases wait meanwhile)')
    .description(
      'recompute the daily rollup of case figures from the cases and compare; lists the differing days and exits 1 on a difference',
    )
    .action(async (opts: { repair?: boolean }) => {
      await withPlatform(
        async (p) => {
          const r = await verifyCaseRollup(p.prisma, 20);
          if (r.ok) {
            process.stdout.write(`case rollup matches the cases: ${r.keys} day/department/item rows\n`);
            return;
          }
          process.stderr.write(`case rollup differs from the cases (first ${r.differences.length} differing rows):\n`);
          for (const d of r.differences) {
            const show = (c: Record<string, unknown> | null) =>
              c
                ? Object.entries(c)
                    .map(([k, v]) => `${k}=${String(v)}`)
                    .join(' ')
                : '(no row)';
            process.stderr.write(
              `  ${d.day} ${d.departmentCode} ${d.itemCode}\n    stored:   ${show(d.stored as unknown as Record<string, unknown> | null)}\n    expected: ${show(d.expected as unknown as Record<string, unknown> | null)}\n`,
            );
          }
          if (!opts.repair) {
            process.stderr.write('run `hub stats verify --repair` to rebuild it from the cases\n');
            process.exitCode = 1;
            return;
          }
          await rebuildCaseRollup(p.prisma);
          const again = await verifyCaseRollup(p.prisma, 20);
          if (!again.ok) {
            process.stderr.write(
              `rebuilt, but ${again.differences.length} rows still differ (cases changed meanwhile?)\n`,
            );
            process.exitCode = 1;
            return;
          }
          process.stdout.write(`case rollup rebuilt from the cases: ${again.keys} day/department/item rows\n`);
        },
        { quiet: true },
      );
    });
}
