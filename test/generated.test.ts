/**
 * Generated artefacts are current: the printed SDL in schema/, the codegen output, and the
 * Prisma client. Regenerate with `npm run generate` and commit when this fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { expectWithMessage } from './helpers/runner.js';
import { codegenArtifacts, schemaArtifacts } from '../src/cli/generate.js';
import { committedMigrations, projectRoot } from '../src/platform/db/migrate.js';

const read = (rel: string) => fs.readFileSync(path.join(projectRoot, rel), 'utf8');

describe('generated artefacts', () => {
  it('schema/*.graphql match the subgraphs and their composition', () => {
    const expected = schemaArtifacts();
    expect(Object.keys(expected).sort()).toEqual(
      [
        'schema/api.graphql',
        'schema/approvals.graphql',
        'schema/directory.graphql',
        'schema/ingestion.graphql',
        'schema/feed.graphql',
        'schema/hall.graphql',
        'schema/licences.graphql',
        'schema/penalties.graphql',
        'schema/subjects.graphql',
        'schema/supergraph.graphql',
        'schema/supervision.graphql',
      ].sort(),
    );
    for (const [rel, content] of Object.entries(expected)) {
      expectWithMessage(read(rel), `${rel} is stale: run npm run generate`).toBe(content);
    }
  });

  it('codegen output matches schema/api.graphql and test/operations', async () => {
    const expected = await codegenArtifacts();
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    for (const [rel, content] of Object.entries(expected)) {
      expectWithMessage(read(rel), `${rel} is stale: run npm run generate`).toBe(content);
    }
  });

  it('the Prisma client was generated from the current prisma/schema.prisma', () => {
    const schema = read('prisma/schema.prisma');
    const client = read('src/generated/prisma/internal/class.ts');
    const inline = /"inlineSchema": (".*?[^\\]"),\n/s.exec(client);
    expectWithMessage(inline, 'no inlineSchema in the generated client').not.toBeNull();
    expectWithMessage(JSON.parse(inline![1]!) as string, 'src/generated/prisma is stale: run npm run generate').toBe(
      schema,
    );
    const pothos = read('src/generated/pothos-types.ts');
    for (const model of [...schema.matchAll(/^model (\w+) \{/gm)].map((m) => m[1]!)) {
      expectWithMessage(pothos, `pothos types lack ${model}: run npm run generate`).toContain(`${model}: {`);
    }
  });

  it('every migration folder holds a migration.sql', () => {
    const names = committedMigrations();
    expect(names.length).toBeGreaterThan(0);
    for (const n of names)
      expect(fs.existsSync(path.join(projectRoot, 'prisma/migrations', n, 'migration.sql'))).toBe(true);
  });
});
