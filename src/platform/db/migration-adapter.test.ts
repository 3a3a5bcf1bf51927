/**
 * Migration scripts are cut into statements at the semicolons that end them, not at those inside
 * function bodies, strings, quoted identifiers or comments (adapter-pg cuts at every one).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { splitSqlScript } from './migration-adapter.js';
import { projectRoot } from './migrate.js';

describe('splitSqlScript', () => {
  it('keeps dollar-quoted bodies, strings, quoted identifiers and comments whole', () => {
    const script = `-- a comment; with a semicolon
CREATE TABLE "a;b" (x TEXT DEFAULT 'it''s; fine');
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1; RETURN NULL;
END $$;
/* block; comment */ SELECT format($q$ SELECT 1; $q$, $1::text);
DO $body$ BEGIN PERFORM 2; END $body$;
-- trailing comment`;
    expect(splitSqlScript(script)).toEqual([
      `-- a comment; with a semicolon\nCREATE TABLE "a;b" (x TEXT DEFAULT 'it''s; fine')`,
      'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  PERFORM 1; RETURN NULL;\nEND $$',
      '/* block; comment */ SELECT format($q$ SELECT 1; $q$, $1::text)',
      'DO $body$ BEGIN PERFORM 2; END $body$',
    ]);
  });

  it('cuts the committed migrations where a naive split on ";" would, unless a function body is in the way', () => {
    const dir = path.join(projectRoot, 'prisma', 'migrations');
    for (const name of fs.readdirSync(dir).filter((d) => fs.statSync(path.join(dir, d)).isDirectory())) {
      const script = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      if (script.includes('$$')) continue;
      const naive = script
        .split(';')
        .map((s) => s.trim())
        .filter((s) => s.length > 0 && !/^(?:--[^\n]*(?:\n|$)|\s)*$/.test(s));
      expect(splitSqlScript(script)).toEqual(naive);
    }
  });
});
