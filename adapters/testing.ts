/** Helpers for the adapters' tests: sample files, running an adapter over a file, re-encoding text. */
import fs from 'node:fs';
import iconv from 'iconv-lite';
import type { CanonicalRecord, FieldProblem } from './canonical.js';
import type { Adapter, Mapped, ParsedRecord } from './adapter.js';

/** The bytes of adapters/<folder>/samples/<name>. */
export function sample(folder: string, name: string): Buffer {
  return fs.readFileSync(new URL(`./${folder}/samples/${name}`, import.meta.url));
}

export interface Run<T> {
  parsed: ParsedRecord[];
  mapped: Mapped<T>[];
  /** The records that mapped, in file order. */
  records: T[];
  /** Problems of the records that did not map, by line (CSV) or path (JSON, XML). */
  problems: Map<number | string, FieldProblem[]>;
}

/** Parses and maps a whole file. */
export function run<T extends CanonicalRecord>(adapter: Adapter<T>, input: Buffer, file = 'sample'): Run<T> {
  const parsed = [...adapter.parse(input, file)];
  const mapped = parsed.map((p) => adapter.map(p));
  const records: T[] = [];
  const problems = new Map<number | string, FieldProblem[]>();
  mapped.forEach((m, i) => {
    if (m.ok) records.push(m.record);
    else problems.set(parsed[i]!.location.path ?? parsed[i]!.location.line!, m.problems);
  });
  return { parsed, mapped, records, problems };
}

export const gb18030 = (text: string): Buffer => iconv.encode(text, 'gb18030');
export const withBom = (bytes: Buffer): Buffer => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
export const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');
