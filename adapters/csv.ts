/**
 * Reading CSV exports with csv-parse: columns by header name, each record with the line it starts
 * on, and broken rows reported as structural problems instead of stopping the file.
 */
import { CsvError, parse, type Options } from 'csv-parse/sync';
import type { FieldProblem } from './canonical.js';
import { AdapterFileError, cleanText, decodeText, sourceId, toHalfWidth, type ParsedRecord } from './adapter.js';

export interface CsvLayout {
  /** Columns the file must have (headers are matched after normalising full-width characters and spaces). */
  required: readonly string[];
  /** Columns the file may leave out. */
  optional?: readonly string[];
  /** The column holding the source record id. */
  idColumn: string;
  /** Free-text columns whose quoted values may contain line breaks (经营范围); in others a line break means a quote ran away. */
  multiline?: readonly string[];
  /** What the file is, for messages: '市场主体登记 export'. */
  what: string;
}

/** Records are parsed in batches so that a 100 000-row file is not held as records all at once. */
const BATCH = 5000;
const NL = 0x0a;

const OPTIONS: Options = {
  // Column counts are checked here, per record, with a precise message.
  relax_column_count: true,
  // A stray quote inside an unquoted value (广州"某某"公司) is kept as written rather than failing the row.
  relax_quotes: true,
  skip_empty_lines: true,
};

/** Header names compare equal when they differ only in full-width brackets or spaces: 注册资本（万元） = 注册资本(万元). */
export const normaliseHeader = (h: string) => toHalfWidth(cleanText(h)).replace(/\s+/g, '');

/**
 * Checks the file (decodable, has a header with the required columns) and returns its records.
 * Throws AdapterFileError when the file as a whole cannot be used; rows are read lazily.
 */
export function readCsv(input: Buffer, file: string, layout: CsvLayout): Iterable<ParsedRecord> {
  const decoded = decodeText(input, file);
  // csv-parse counts "\r\n" inside quoted values as two lines; one kind of line break keeps line numbers exact.
  const text = decoded.text.includes('\r') ? decoded.text.replace(/\r\n?/g, '\n') : decoded.text;
  const buf = Buffer.from(text, 'utf8');
  const encodingNote =
    decoded.encoding === 'gb18030'
      ? ' (the file is not valid UTF-8, so it was read as GB 18030; is it in another encoding?)'
      : '';

  let header: string[] | undefined;
  let headerBytes = 0;
  let headerLine = 0;
  try {
    parse(buf, {
      ...OPTIONS,
      to: 1,
      on_record: (values: string[], ctx) => {
        header = values;
        headerBytes = ctx.bytes;
        headerLine = ctx.lines;
        return null;
      },
    });
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    throw new AdapterFileError(file, `the header line cannot be read as CSV: ${e.message}`);
  }
  if (!header) throw new AdapterFileError(file, 'the file is empty');
  if (header.every((h) => cleanText(h) === '')) throw new AdapterFileError(file, 'the header line is blank');

  const known = new Map([...layout.required, ...(layout.optional ?? [])].map((c) => [normaliseHeader(c), c]));
  const columns = header.map((h) => known.get(normaliseHeader(h)) ?? cleanText(h));
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c) && known.has(normaliseHeader(c)))
      throw new AdapterFileError(file, `the header has the column ${c} twice`);
    seen.add(c);
  }
  const missing = layout.required.filter((c) => !seen.has(c));
  if (missing.length > 0) {
    const delimiterNote =
      header.length === 1 && /[\t;|]/.test(header[0]!) ? ' (the columns are not separated by commas)' : '';
    throw new AdapterFileError(
      file,
      `not a ${layout.what}: the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}${encodingNote}${delimiterNote}`,
    );
  }
  const multiline = new Set(layout.multiline ?? []);
  const shape: RowShape = { file, columns, idColumn: layout.idColumn, multiline: columns.map((c) => multiline.has(c)) };
  return rows(buf, shape, headerBytes, headerLine);
}

interface RowShape {
  file: string;
  columns: string[];
  idColumn: string;
  /** Per column: may its values span lines? */
  multiline: boolean[];
}

function* rows(buf: Buffer, shape: RowShape, start: number, startLine: number): Generator<ParsedRecord> {
  const { file } = shape;
  let offset = start;
  /** Lines before `offset`. */
  let linesBefore = startLine;
  while (offset < buf.length) {
    const batch: ParsedRecord[] = [];
    /** Where to restart after a record whose quoting ran away, relative to `offset`. */
    let resync: { bytes: number; lines: number } | undefined;
    let consumed = 0;
    let consumedLines = 0;
    let failure: CsvError | undefined;
    try {
      parse(buf.subarray(offset), {
        ...OPTIONS,
        to: BATCH,
        on_record: (values: string[], ctx) => {
          if (resync) return null;
          const endLine = linesBefore + ctx.lines;
          const record = toRecord(shape, values, endLine);
          if (record === 'runaway') resync = { bytes: consumed, lines: consumedLines };
          else if (record) batch.push(record);
          if (!resync) {
            consumed = ctx.bytes;
            consumedLines = ctx.lines;
          }
          return null;
        },
      });
    } catch (e) {
      if (!(e instanceof CsvError)) throw e;
      failure = e;
    }
    yield* batch;
    if (resync || failure) {
      // A quote opened and never closed where it should be: report the line where the record
      // starts, and read on from the next line, so one bad row does not swallow the rows after it.
      const at = resync ?? { bytes: consumed, lines: consumedLines };
      let pos = offset + at.bytes;
      let lineNo = linesBefore + at.lines + 1;
      while (buf[pos] === NL) {
        pos++;
        lineNo++;
      }
      const nl = buf.indexOf(NL, pos);
      const end = nl === -1 ? buf.length : nl + 1;
      yield unparsable(file, lineNo, buf.toString('utf8', pos, end), failure);
      offset = end;
      linesBefore = lineNo;
      continue;
    }
    if (consumed === 0) break; // only empty lines were left
    offset += consumed;
    linesBefore += consumedLines;
  }
}

/**
 * A record, nothing for a blank row, or 'runaway' when a quote has swallowed following rows: the
 * record spans lines and has the wrong number of values, or has a line break in a one-line column,
 * or one of its values holds a line that looks like a whole row.
 */
function toRecord(shape: RowShape, values: string[], endLine: number): ParsedRecord | 'runaway' | undefined {
  const { file, columns, idColumn } = shape;
  if (values.every((v) => cleanText(v) === '')) return undefined; // ",,,,," rows that spreadsheets leave behind
  let breaks = 0;
  for (let c = 0; c < values.length; c++) {
    const v = values[c]!;
    if (!v.includes('\n')) continue;
    if (!shape.multiline[c]) return 'runaway';
    for (const part of v.split('\n')) {
      if (part.split(',').length >= columns.length) return 'runaway';
      breaks++;
    }
    breaks--;
  }
  const line = endLine - breaks;
  const problems: FieldProblem[] = [];
  if (values.length !== columns.length) {
    if (breaks > 0) return 'runaway';
    problems.push({
      field: null,
      reason: `the row has ${values.length} values but the header has ${columns.length} columns (an unquoted comma, or a missing value?)`,
    });
  }
  const raw: Record<string, unknown> = {};
  const n = Math.min(values.length, columns.length);
  for (let i = 0; i < n; i++) raw[columns[i]!] = values[i];
  if (values.length > columns.length) raw['(extra values)'] = values.slice(columns.length);
  // With misaligned columns the id column may hold another value: better no id than a wrong one.
  return {
    location: { file, line },
    sourceRecordId: problems.length === 0 ? sourceId(raw[idColumn]) : null,
    raw,
    problems,
  };
}

function unparsable(file: string, line: number, text: string, failure: CsvError | undefined): ParsedRecord {
  const where =
    failure?.code === 'CSV_QUOTE_NOT_CLOSED'
      ? 'the file ends inside the quoted value'
      : 'the quoted value runs into the following rows';
  return {
    location: { file, line },
    sourceRecordId: null,
    raw: { text: text.replace(/\n$/, '') },
    problems: [
      {
        field: null,
        reason: `the row cannot be read as CSV: a quote opened on this line is not closed (${where}); the next rows are read from the next line`,
      },
    ],
  };
}
