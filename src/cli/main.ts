/**
 * The `hub` command: serve the hub, serve one subgraph, migrate, seed, manage API keys,
 * regenerate artefacts. Errors print what to do and exit non-zero.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, parseSubgraphUrls, subgraphNames, type SubgraphName } from '../config/index.js';
import { createApiKey } from '../platform/auth/api-keys.js';
import { ALL_SCOPES, isScope, SCOPES } from '../platform/auth/scopes.js';
import { startPlatform, type RunningPlatform } from '../platform/bootstrap.js';
import { startTracing } from '../platform/telemetry.js';
import { startEmbeddedDatabase } from '../platform/db/embedded.js';
import { migrateDeploy, runPrismaCli } from '../platform/db/migrate.js';
import { createFileStorage } from '../platform/storage/index.js';
import { SEED_STEPS, seedDemo } from '../../prisma/seed/demo.js';
import { registerApprovalCommands } from './approvals-commands.js';
import { registerAuditCommands } from './audit-commands.js';
import { registerIngestCommands } from './ingest-commands.js';
import { withPlatform } from './platform.js';

/** `compiled` when this is the build in dist/ (npm run build), `sources` when TypeScript runs through tsx. */
const RUNNING_CODE = import.meta.url.endsWith('.js') ? 'compiled' : 'sources';

const program = new Command();
program.name('hub').description('Data-Sharing Hub: one platform, two libraries');

function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping…\n`);
    // A stop that hangs (a stuck connection, a worker round that never ends) must not keep the
    // process alive: after the grace period it exits anyway, saying so.
    const deadline = setTimeout(() => {
      process.stderr.write('graceful stop took longer than 15 s; exiting\n');
      process.exit(1);
    }, 15_000);
    deadline.unref();
    stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        process.stderr.write(`error while stopping: ${String(err)}\n`);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}

/** The demo keys are printed once, on the first start: later starts say how to make one. */
async function printKeyHint(platform: RunningPlatform): Promise<void> {
  // The README's example department when it exists, else any, so the line can be run as printed.
  const dept =
    (await platform.prisma.department.findUnique({ where: { code: 'MR' }, select: { code: true } })) ??
    (await platform.prisma.department.findFirst({ orderBy: { code: 'asc' }, select: { code: true } }));
  process.stdout.write(
    `make an API key (while the hub runs): npm run hub -- keys create --department ${dept?.code ?? '<code>'} --system <name> --scopes <scope,scope>\n` +
      '  scopes and commands: npm run hub -- keys create --help\n',
  );
}

/** Seeds the demo data when wanted; true when it did (and printed the demo keys). */
async function seedIfWanted(platform: RunningPlatform): Promise<boolean> {
  const { seedDemo: mode } = platform.config;
  const empty = (await platform.prisma.department.count()) === 0;
  const wanted = mode === 'always' || (mode === 'auto' && platform.databaseKind === 'embedded' && empty);
  if (!wanted) return false;
  platform.logger.info({ steps: SEED_STEPS.length }, 'seeding the demo data');
  const started = performance.now();
  const result = await seedDemo(platform.prisma, undefined, {
    files: createFileStorage(platform.config.dataDir),
    onStep: (s) => platform.logger.info({ seed: s.step, step: `${s.n}/${s.of}`, ms: s.ms }, 'demo data step done'),
  });
  platform.logger.info(
    {
      ms: Math.round(performance.now() - started),
      departments: result.departments,
      enterprises: result.enterprises,
      licences: result.licences,
      penalties: result.penalties,
    },
    'demo data seeded',
  );
  for (const k of result.keys) {
    process.stdout.write(`demo API key for ${k.system} (scopes: ${k.scopes.join(', ') || 'none'}):\n  ${k.key}\n`);
  }
  if (result.keys.length > 0) {
    // Keys are shown once and stored only as hashes; the demo keeps a copy for the newcomer, readable by its owner only.
    const file = path.join(platform.config.dataDir, 'demo-keys.txt');
    const lines = result.keys.map((k) => `${k.system}\t${k.key}\t${k.scopes.join(',')}`);
    await fs.promises.writeFile(file, `# system\tkey\tscopes (demo data only)\n${lines.join('\n')}\n`, { mode: 0o600 });
    process.stdout.write(`the demo keys are also in ${file}\n`);
  }
  // Something to open at once: what scanning a valid and a revoked licence's QR code shows.
  const { qrCodeLink } = await import('../platform/qr/link.js');
  for (const status of ['VALID', 'REVOKED'] as const) {
    const l = await platform.prisma.licence.findFirst({ where: { status }, orderBy: { number: 'asc' } });
    if (!l) continue;
    const { url } = await qrCodeLink(
      platform.qr,
      platform.config.publicUrl,
      { type: 'licence', id: l.id },
      l.createdAt,
    );
    process.stdout.write(`scan a ${status.toLowerCase()} licence's QR code: ${url}\n`);
  }
  return true;
}

program
  .command('serve')
  .description('start the hub: gateway with in-process subgraphs (or remote ones from SUBGRAPH_URLS)')
  .action(async () => {
    const config = loadConfig();
    const tracing = await startTracing(config.tracing);
    const platform = await startPlatform(config, { embedded: { command: 'serve', serving: true } });
    const seeded = await seedIfWanted(platform);
    const { createHubServer } = await import('../gateway/server.js');
    const server = await createHubServer(platform);
    let url: string;
    try {
      url = await server.listen(config.port, config.host);
    } catch (err) {
      // Stopped cleanly, so the embedded database's lock is released and nothing is left running.
      await server.stop();
      await platform.close();
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      throw new ConfigError(
        `port ${config.port} on ${config.host} is already in use (another hub?): stop it, or set PORT`,
      );
    }
    platform.logger.info(
      { url: `${url}/graphql`, database: platform.databaseKind, cache: platform.cache.kind, code: RUNNING_CODE },
      'hub listening',
    );
    // Signals are handled from the moment the hub answers (/readyz): a SIGTERM arriving while the
    // key hint below still queries the database must stop the hub gracefully, not kill it.
    onShutdown(async () => {
      const step = async (name: string, fn: () => Promise<void>) => {
        const started = Date.now();
        await fn();
        platform.logger.info({ step: name, ms: Date.now() - started }, 'stopped');
      };
      await step('server', () => server.stop());
      await step('platform', () => platform.close());
      await step('tracing', () => tracing.shutdown());
    });
    if (!seeded) await printKeyHint(platform).catch(() => undefined);
  });

program
  .command('subgraph')
  .argument('<name>', `one of ${subgraphNames.join(', ')}`)
  .option('-p, --port <port>', 'port (default: PORT)', (v) => Number(v))
  .description('serve one subgraph alone, for a gateway configured with SUBGRAPH_URLS')
  .action(async (name: string, opts: { port?: number }) => {
    if (!(subgraphNames as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`unknown subgraph "${name}"; use one of ${subgraphNames.join(', ')}`);
    }
    const config = loadConfig();
    const tracing = await startTracing(config.tracing);
    const platform = await startPlatform(config, { embedded: { command: `subgraph ${name}`, serving: true } });
    const { serveSubgraph } = await import('../gateway/subgraph-server.js');
    const { subgraphs } = await import('../gateway/subgraphs.js');
    const served = await serveSubgraph(
      platform,
      subgraphs[name as SubgraphName],
      opts.port ?? config.port,
      config.host,
    );
    platform.logger.info({ subgraph: name, url: served.url }, 'subgraph listening');
    onShutdown(async () => {
      await served.stop();
      await platform.close();
      await tracing.shutdown();
    });
  });

const migrate = program.command('migrate').description('database migrations (Prisma, offline)');
migrate
  .command('deploy', { isDefault: true })
  .description('apply pending migrations to DATABASE_URL (or the embedded database)')
  .action(async () => {
    const config = loadConfig();
    const embedded = config.databaseUrl
      ? undefined
      : await startEmbeddedDatabase(config.dataDir, { command: 'migrate deploy', attach: true });
    try {
      const applied = await migrateDeploy(config.databaseUrl ?? embedded!.url);
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    } finally {
      await embedded?.stop();
    }
  });
migrate
  .command('dev')
  .requiredOption('--name <name>', 'name of the new migration')
  .description(
    'create a migration from schema changes (needs DATABASE_URL on a real PostgreSQL: uses a shadow database)',
  )
  .action(async (opts: { name: string }) => {
    const config = loadConfig();
    if (!config.databaseUrl) throw new ConfigError('migrate dev needs DATABASE_URL of a real PostgreSQL server');
    await runPrismaCli(['migrate', 'dev', '--name', opts.name], config.databaseUrl, { inherit: true });
  });

program
  .command('seed')
  .description('load the demo data (departments, demo systems and keys, enterprises); idempotent')
  .option('--enterprises <n>', 'number of demo enterprises', (v) => Number(v), 40)
  .action(async (opts: { enterprises: number }) => {
    await withPlatform(async (p) => {
      const r = await seedDemo(p.prisma, opts.enterprises, { files: createFileStorage(p.config.dataDir) });
      process.stdout.write(
        `departments: ${r.departments}, enterprises added: ${r.enterprises}, licences added: ${r.licences}, penalties added: ${r.penalties}\n` +
          `online hall: slots added: ${r.hall.slots}, bookings: ${r.hall.bookings}, drafts: ${r.hall.drafts}, evaluations: ${r.hall.evaluations}, tickets: ${r.hall.tickets}\n`,
      );
      for (const k of r.keys) process.stdout.write(`API key for ${k.system}: ${k.key}\n`);
    });
  });

const keys = program.command('keys').description('API keys of department systems');
keys
  .command('create')
  .requiredOption('--department <code>', 'department code (e.g. MR)')
  .option('--system <name>', 'name of the department system (created if missing)', 'default')
  .option('--scopes <list>', `comma-separated scopes: ${ALL_SCOPES.join(', ')}`, '')
  .description('create a key for a department system and print it once (only its hash is stored)')
  .action(async (opts: { department: string; system: string; scopes: string }) => {
    const scopes = opts.scopes
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = scopes.filter((s) => !isScope(s));
    if (unknown.length > 0) {
      throw new InvalidArgumentError(
        `unknown scope(s) ${unknown.join(', ')}; known scopes:\n${Object.entries(SCOPES)
          .map(([s, d]) => `  ${s}: ${d}`)
          .join('\n')}`,
      );
    }
    await withPlatform(async (p) => {
      const dept = await p.prisma.department.findUnique({ where: { code: opts.department } });
      if (!dept)
        throw new InvalidArgumentError(
          `no department has the code "${opts.department}" (see \`query { departments { code name } }\`)`,
        );
      const system = await p.prisma.departmentSystem.upsert({
        where: { departmentCode_name: { departmentCode: dept.code, name: opts.system } },
        create: { departmentCode: dept.code, name: opts.system, scopes },
        update: { scopes, active: true },
      });
      const key = await createApiKey(p.prisma, system.id);
      process.stdout.write(
        `system: ${dept.name} / ${system.name}\nscopes: ${scopes.join(', ') || '(none: public read only)'}\n`,
      );
      process.stdout.write(`key (shown once, store it now):\n${key}\n`);
    });
  });
keys
  .command('revoke')
  .argument('<keyId>', 'the id part of the key (hub_<id>_...)')
  .description('revoke a key; it stops working within seconds')
  .action(async (keyId: string) => {
    await withPlatform(async (p) => {
      const r = await p.prisma.apiKey.updateMany({
        where: { id: keyId, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      if (r.count === 0) throw new InvalidArgumentError(`no active key has the id "${keyId}"`);
      process.stdout.write(`revoked ${keyId}\n`);
    });
  });

const qr = program
  .command('qr')
  .description('QR signing keys (kept in DATA_DIR/qr-keys.json unless QR_SIGNING_KEYS is set)');
qr.command('rotate')
  .description('add a new signing key; codes signed by older keys stay valid while those keys are listed')
  .action(async () => {
    const config = loadConfig();
    if (config.qrSigningKeys)
      throw new ConfigError('QR_SIGNING_KEYS is set: rotate keys in that configuration instead');
    const { rotateKeyRingInDir } = await import('../platform/qr/keys.js');
    process.stdout.write(
      `new active key: ${await rotateKeyRingInDir(config.dataDir)}\nrestart the hub to sign with it\n`,
    );
  });
qr.command('retire')
  .argument('<kid>', 'id of a key that is no longer active')
  .description('stop accepting codes signed by a retired key')
  .action(async (kid: string) => {
    const config = loadConfig();
    if (config.qrSigningKeys)
      throw new ConfigError('QR_SIGNING_KEYS is set: remove the key from that configuration instead');
    const { retireKey } = await import('../platform/qr/keys.js');
    await retireKey(config.dataDir, kid);
    process.stdout.write(`retired ${kid}; restart the hub\n`);
  });

registerApprovalCommands(program);
registerIngestCommands(program);
registerAuditCommands(program);

program
  .command('generate')
  .description('print the subgraph SDL, compose the supergraph and API schema into schema/, run codegen')
  .action(async () => {
    const { writeArtifacts } = await import('./generate.js');
    for (const f of await writeArtifacts()) process.stdout.write(`wrote ${f}\n`);
  });

program
  .command('supergraph')
  .requiredOption('--urls <name=url,...>', `the routing URL of every subgraph (${subgraphNames.join(', ')})`)
  .description('print the supergraph with real routing URLs, for another router (Hive Gateway, Apollo Router)')
  .action(async (opts: { urls: string }) => {
    const urls = parseSubgraphUrls(opts.urls);
    const missing = subgraphNames.filter((n) => !urls[n]);
    if (missing.length > 0) throw new InvalidArgumentError(`--urls lacks ${missing.join(', ')}`);
    const { composeSupergraph } = await import('../gateway/compose.js');
    const { subgraphs } = await import('../gateway/subgraphs.js');
    process.stdout.write(composeSupergraph(Object.values(subgraphs), urls).supergraphSdl.trimEnd() + '\n');
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`hub: ${message}\n`);
  process.exit(err instanceof ConfigError || err instanceof InvalidArgumentError ? 2 : 1);
});
