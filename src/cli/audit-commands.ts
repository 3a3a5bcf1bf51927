/**
 * `hub audit` commands: check the read audit's hash chain.
 */
import type { Command } from 'commander';
import { verifyAuditChain } from '../platform/audit/verify.js';
import { withPlatform } from './platform.js';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the read audit of personal data');
  audit
    .command('verify')
    .description(
      'check the hash chain of the read audit; names the first edited, inserted or deleted entry and exits 1',
    )
    .action(async () => {
      await withPlatform(
        async (p) => {
          const r = await verifyAuditChain(p.prisma);
          if (r.ok) {
            process.stdout.write(`audit chain intact: ${r.entries} entries, head ${r.head}\n`);
            return;
          }
          process.stderr.write(
            `audit chain broken at entry ${r.brokenSeq}: ${r.reason} (${r.entries} entries before it are intact)\n`,
          );
          process.exitCode = 1;
        },
        { quiet: true },
      );
    });
}
