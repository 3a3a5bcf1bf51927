/**
 * Every setting the hub reads (the keys of src/config's schema) is documented in a README
 * configuration table, and every variable those tables name is one the hub reads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { settingNames } from '../src/config/index.js';
import { projectRoot } from '../src/platform/db/migrate.js';
import { expectWithMessage } from './helpers/runner.js';

/** Variables named in the first column of README tables whose header's first cell is "variable" or "setting". */
export function documentedSettings(markdown: string): Set<string> {
  const names = new Set<string>();
  let inSettingsTable = false;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      inSettingsTable = false;
      continue;
    }
    const first = line.split('|')[1]?.trim() ?? '';
    if (/^(variable|setting)$/i.test(first)) {
      inSettingsTable = true;
      continue;
    }
    if (!inSettingsTable) continue;
    for (const m of first.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(m[1]!);
  }
  return names;
}

describe('settings and the README', () => {
  const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  const documented = documentedSettings(readme);

  it('the parser reads the tables (rows of one and of several variables)', () => {
    expect(documentedSettings('| variable | default |\n| --- | --- |\n| `A_B` / `C` | x |\n\n| `D` | y |')).toEqual(
      new Set(['A_B', 'C']),
    );
    expect(documented.size).toBeGreaterThan(40);
  });

  it('every setting src/config reads is in a README configuration table', () => {
    const missing = settingNames.filter((n) => !documented.has(n));
    expectWithMessage(missing, 'settings read by src/config/index.ts but not documented in README').toEqual([]);
  });

  it('every variable in the README configuration tables is a setting the hub reads', () => {
    const known = new Set(settingNames);
    const unknown = [...documented].filter((n) => !known.has(n));
    expectWithMessage(unknown, 'README documents variables src/config/index.ts does not read').toEqual([]);
  });
});
