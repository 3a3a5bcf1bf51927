/**
 * Runs the benchmarks: `npm run bench [-- <name>]`. Each reports its figures as ratios against
 * a baseline measured in the same run (never as absolute targets).
 */
const benches: Record<string, () => Promise<void>> = {
  http: async () => (await import('./http.js')).run(),
  'first-start': async () => (await import('./first-start.js')).run(),
  ingest: async () => (await import('./ingest.js')).run(),
  statistics: async () => (await import('./statistics.js')).run(),
  soak: async () => (await import('./soak.js')).run(),
  supervision: async () => (await import('./supervision.js')).run(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(benches);
for (const name of names) {
  const bench = benches[name];
  if (!bench) {
    process.stderr.write(`unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write(`\n## ${name}\n`);
  await bench();
}
process.exit(0);

export {};
