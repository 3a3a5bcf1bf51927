/**
 * Reads model rows with RowReader in a process of its own, so the test can choose its time zone
 * (TZ), and prints them as JSON (instants in UTC, decimals and BigInts as strings).
 * Usage: rows-in-zone.ts <database url> <JSON list of [model, where, orderBy]>
 */
import { createDatabase } from '../../src/platform/db/client.js';
import { RowReader, type ModelName, type OrderBy, type Where } from '../../src/platform/db/rows.js';

const [url, calls] = process.argv.slice(2);
const db = createDatabase(url!, 2);
try {
  const rows = new RowReader(db.pool);
  const out: unknown[] = [];
  for (const [model, where, orderBy] of JSON.parse(calls!) as [ModelName, Where<ModelName>, OrderBy<ModelName>][]) {
    out.push(await rows.where(model, where, orderBy));
  }
  process.stdout.write(JSON.stringify(out, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
} finally {
  await db.close();
}
