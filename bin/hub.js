#!/usr/bin/env node
// The `hub` command (`npm start` is `hub serve`, `npm run hub -- …` is `hub …`).
//
// Runs the compiled hub (dist/, made by `npm run build`) when it is there and not older than the
// sources; otherwise the TypeScript sources through tsx's loader. Either way the hub runs in THIS
// process, with no child: a signal sent to it (by npm, which forwards SIGTERM and SIGINT to the
// script it started, by a container runtime or by a process manager) reaches the hub itself, which
// stops gracefully and exits, and nothing is left behind.
import fs from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.join(import.meta.dirname, '..');
const compiled = path.join(root, 'dist', 'src', 'cli', 'main.js');
const stamp = path.join(root, 'dist', 'BUILD');
const source = path.join(root, 'src', 'cli', 'main.ts');

/** Newest modification time (ms) of the TypeScript the build compiles, or 0 when there is none. */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
        newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const dir of ['src', 'adapters', path.join('prisma', 'seed')]) walk(path.join(root, dir));
  return newest;
}

function builtAt() {
  try {
    return fs.existsSync(compiled) ? fs.statSync(stamp).mtimeMs : 0;
  } catch {
    return 0;
  }
}

const built = builtAt();
if (built > 0 && (!fs.existsSync(source) || newestSource() <= built)) {
  // Stack traces name the TypeScript lines (the build writes source maps).
  if (typeof module.setSourceMapsSupport === 'function') module.setSourceMapsSupport(true);
  else process.setSourceMapsEnabled(true);
  await import(pathToFileURL(compiled).href);
} else {
  if (built > 0) {
    process.stderr.write('dist/ is older than the sources: running them through tsx (npm run build updates it)\n');
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
}
