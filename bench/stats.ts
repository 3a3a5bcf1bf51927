/**
 * Timing helpers for benchmarks: sequential samples, percentiles, progress on stderr.
 */
export interface Sample {
  name: string;
  n: number;
  p50: number;
  p95: number;
  mean: number;
  perSecond: number;
}

export async function measure(name: string, n: number, op: (i: number) => Promise<void>, warmup = 50): Promise<Sample> {
  for (let i = 0; i < warmup; i++) await op(i);
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await op(i);
    times.push(performance.now() - t);
    if (i % 100 === 0) process.stderr.write(`\r${name}: ${i}/${n}`);
  }
  const total = performance.now() - started;
  process.stderr.write(`\r${name}: ${n}/${n}\n`);
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { name, n, p50: at(0.5), p95: at(0.95), mean: total / n, perSecond: (n / total) * 1000 };
}

export function table(samples: Sample[], baseline: Sample): string {
  const rows = samples.map(
    (s) =>
      `| ${s.name} | ${s.n} | ${s.p50.toFixed(2)} | ${s.p95.toFixed(2)} | ${s.perSecond.toFixed(0)} | ${(s.mean / baseline.mean).toFixed(2)}× |`,
  );
  return [
    '| case | requests | p50 ms | p95 ms | req/s | mean vs baseline |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
