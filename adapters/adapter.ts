/**
 * The adapter contract between a department's export files and the hub's canonical inputs, and the
 * value helpers every adapter shares (text decoding and cleaning, dates, money, codes).
 */
import iconv from 'iconv-lite';
import type { CanonicalRecord, FieldProblem, LicenceStatusCode, SourceLocation } from './canonical.js';
import { describeUsccProblem, usccProblem } from '../src/platform/uscc.js';
import { identityDocumentProblem } from '../src/modules/subjects/index.js';

/** One record as read from a file, before mapping: where it is, its source id, its raw values. */
export interface ParsedRecord {
  location: SourceLocation;
  /** The source system's own id of the record, when it could be read (used to quarantine and to apply once). */
  sourceRecordId: string | null;
  /** The record's values as the source wrote them (CSV: by column name; JSON: the object; XML: the element). */
  raw: Record<string, unknown>;
  /** Structural problems (unparsable row, wrong column count): the record cannot be mapped at all. */
  problems: FieldProblem[];
}

export type Mapped<T> = { ok: true; record: T } | { ok: false; problems: FieldProblem[] };

/** A department export format. Adding a department is adding a folder with one of these. */
export interface Adapter<T extends CanonicalRecord = CanonicalRecord> {
  /** Folder name, e.g. 'market-registry'. */
  name: string;
  /** Department code: MR, HC, LE, FR ... */
  department: string;
  kind: T['kind'];
  format: 'csv' | 'json' | 'xml';
  description: string;
  /** Never throws for a bad record; throws AdapterFileError only when the whole file is unreadable. */
  parse(input: Buffer, file: string): Iterable<ParsedRecord>;
  /**
   * Reports every problem of the record at once. `field` is the source's own column/element name;
   * the reason starts with the canonical field name.
   */
  map(record: ParsedRecord): Mapped<T>;
}

/** The whole file cannot be read (not CSV/JSON/XML at all, wrong columns, binary...): nothing in it is usable. */
export class AdapterFileError extends Error {
  override readonly name = 'AdapterFileError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** The result of reading one source value. */
export type Conversion<T> = { ok: true; value: T } | { ok: false; reason: string };
export const ok = <T>(value: T): Conversion<T> => ({ ok: true, value });
export const fail = <T = never>(reason: string): Conversion<T> => ({ ok: false, reason });

// ---------------------------------------------------------------------------------------------
// Text

export type TextEncoding = 'utf-8' | 'gb18030';
export interface DecodedText {
  text: string;
  encoding: TextEncoding;
  /** Set when the bytes are not valid in the chosen encoding: undecodable characters became U+FFFD. */
  invalidBytes: boolean;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/**
 * Decodes an export: UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, otherwise GB 18030
 * (which covers GBK and GB 2312, what Chinese Windows tools write). A file that is UTF-8 except for
 * a few damaged bytes stays UTF-8, so one bad row does not turn the whole file into mojibake.
 */
export function decodeText(input: Buffer, file: string): DecodedText {
  rejectBinary(input, file);
  try {
    return { text: strictUtf8.decode(input), encoding: 'utf-8', invalidBytes: false };
  } catch {
    // Not valid UTF-8: GB 18030, or UTF-8 with damaged bytes. GB 18030 read as UTF-8 fails on
    // nearly every non-ASCII character; damaged UTF-8 on a handful.
    const asUtf8 = lenientUtf8.decode(input);
    let nonAscii = 0;
    let replaced = 0;
    for (let i = 0; i < asUtf8.length; i++) {
      const c = asUtf8.charCodeAt(i);
      if (c > 0x7f) nonAscii++;
      if (c === 0xfffd) replaced++;
    }
    if (replaced * 100 < nonAscii) return { text: asUtf8, encoding: 'utf-8', invalidBytes: true };
    const text = iconv.decode(input, 'gb18030');
    return { text, encoding: 'gb18030', invalidBytes: text.includes('\uFFFD') };
  }
}

function rejectBinary(input: Buffer, file: string): void {
  const starts = (...bytes: number[]) => bytes.every((b, i) => input[i] === b);
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff)) {
    throw new AdapterFileError(file, 'the file is UTF-16 text; export it as UTF-8 or GB 18030');
  }
  if (starts(0x50, 0x4b, 0x03, 0x04)) {
    throw new AdapterFileError(file, 'the file is a ZIP archive (an .xlsx workbook?), not a text export');
  }
  if (starts(0xd0, 0xcf, 0x11, 0xe0)) {
    throw new AdapterFileError(file, 'the file is an old Excel (.xls) workbook, not a text export');
  }
  // Text in UTF-8 or GB 18030 never contains NUL bytes; binary files nearly always do.
  if (input.includes(0))
    throw new AdapterFileError(file, 'the file is binary (it contains NUL bytes), not a text export');
}

// U+3000 is the full-width space typed by Chinese input methods; U+200B/U+FEFF are invisible debris.
const EDGE_SPACE = /^[\s\u3000\u200b\ufeff]+|[\s\u3000\u200b\ufeff]+$/g;
const INNER_SPACE = /[\s\u3000\u200b\ufeff]+/g;

/** Trims ASCII, full-width and zero-width spaces at both ends. */
export function cleanText(s: string): string {
  return s.replace(EDGE_SPACE, '');
}

/** Cleans a one-line value: trimmed, and every run of spaces or line breaks inside becomes one space. */
export function cleanLine(s: string): string {
  return cleanText(s).replace(INNER_SPACE, ' ');
}

/** Full-width ASCII (ＡＢＣ１２３（）) to half-width; input methods produce it in codes and numbers. */
export function toHalfWidth(s: string): string {
  if (!FULL_WIDTH.test(s)) return s; // the common case, without allocating
  return s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}
const FULL_WIDTH = /[\uff01-\uff5e\u3000]/;

/** A text value of at most `max` characters, kept as written (line breaks included). */
export const text =
  (max: number) =>
  (s: string): Conversion<string> =>
    s.length > max ? fail(`has ${s.length} characters, at most ${max} are allowed`) : ok(s);

/** A one-line text value of at most `max` characters. */
export const line = (max: number) => (s: string) => text(max)(cleanLine(s));

/**
 * A person's name. Chinese names are often padded with spaces to align them ("陈\u3000伟"): spaces between
 * two Chinese characters are dropped; spaces in other names (John Smith) are kept.
 */
export const personName = (max: number) => (s: string) =>
  line(max)(s.replace(/(?<=\p{Script=Han})[\s\u3000]+(?=\p{Script=Han})/gu, ''));

// ---------------------------------------------------------------------------------------------
// Codes

/** A Unified Social Credit Code, checked per GB 32100-2015 (full-width and lower-case letters are normalised first). */
export function uscc(s: string): Conversion<string> {
  const code = toHalfWidth(s).toUpperCase();
  const p = usccProblem(code);
  return p ? fail(describeUsccProblem(code, p)) : ok(code);
}

/**
 * A legal representative's identity document number, with the hub's rule (resident ID check
 * character, or a passport/permit number). The value is personal data: it is never quoted back.
 */
export function identityNumber(s: string): Conversion<string> {
  const id = toHalfWidth(s).toUpperCase();
  const p = identityDocumentProblem(id);
  return p ? fail(p) : ok(id);
}

/** An optional phone number (same rule as the hub's enterprise service). */
export function phone(s: string): Conversion<string> {
  const p = toHalfWidth(s).trim();
  return /^\+?[\d\- ]{7,20}$/.test(p)
    ? ok(p)
    : fail(`"${s}" is not a phone number (digits, spaces and hyphens, 7 to 20)`);
}

/** The source record id as parse() reports it: the same normalisation as `code`, or null when empty. */
export function sourceId(v: unknown): string | null {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  return cleanLine(toHalfWidth(String(v))) || null;
}

/** A code-like value (numbers of licences and decisions, record ids): one line, half-width. */
export const code = (max: number) => (s: string) => line(max)(toHalfWidth(s));

/** Looks a value up in a table of the source's words; the reason lists what is accepted. */
export function oneOf<T>(table: Readonly<Record<string, T>>, what: string): (s: string) => Conversion<T> {
  return (s) => {
    const v = Object.hasOwn(table, s) ? table[s] : undefined;
    return v !== undefined
      ? ok(v)
      : fail(`"${s}" is not a known ${what} (expected one of: ${Object.keys(table).join(', ')})`);
  };
}

/** The licence statuses written by the departments' systems. */
export const LICENCE_STATUS: Readonly<Record<string, LicenceStatusCode>> = {
  有效: 'VALID',
  暂扣: 'SUSPENDED',
  吊销: 'REVOKED',
  注销: 'CANCELLED',
};

// ---------------------------------------------------------------------------------------------
// Dates

const DATE_FORMS = 'expected a date such as 2025-01-31, 2025/1/31, 2025年1月31日 or 20250131';
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Reads a calendar date into 'YYYY-MM-DD'. Accepts 2025-01-31, 2025/1/31, 2025.1.31,
 * 2025年1月31日, 20250131, and the official documents' 二〇二五年一月三十一日. A time part (Excel writes "2025/1/31 0:00:00") is ignored, unless it
 * has a UTC offset: then the day is the day in China (UTC+8), because an exporter that wrote local
 * midnight as UTC ("2025-01-30T16:00:00Z") means 31 January.
 */
export function parseDate(input: string): Conversion<string> {
  const s = chineseNumeralDate(toHalfWidth(input).trim());
  const m =
    /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
      s,
    ) ??
    /^(\d{4})()年(\d{1,2})月(\d{1,2})日$/.exec(s) ??
    /^(\d{4})()(\d{2})(\d{2})$/.exec(s);
  if (!m) return fail(`"${input}" is not a date: ${DATE_FORMS}`);
  const [y, mo, d] = [Number(m[1]), Number(m[3]), Number(m[4])];
  const zone = m[8];
  if (!zone) return calendarDate(input, y, mo, d);
  const date = calendarDate(input, y, mo, d);
  if (!date.ok) return date;
  const offsetMinutes =
    zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  const utc = Date.UTC(y, mo - 1, d, Number(m[5]), Number(m[6]), Number(m[7] ?? 0)) - offsetMinutes * 60_000;
  const china = new Date(utc + 8 * 3600_000);
  return calendarDate(input, china.getUTCFullYear(), china.getUTCMonth() + 1, china.getUTCDate());
}

const CN_DIGITS = '〇一二三四五六七八九';

/** 二〇二五年一月三十一日 (how decisions and certificates are dated) → 2025年1月31日; other text is returned as is. */
function chineseNumeralDate(s: string): string {
  const m = /^([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日$/.exec(s);
  if (!m) return s;
  const digit = (c: string) => CN_DIGITS.indexOf(c === '零' ? '〇' : c);
  // 十 = 10, 十二 = 12, 二十 = 20, 三十一 = 31
  const small = (t: string) => {
    const [tens, units] = t.includes('十') ? t.split('十') : ['〇', t];
    return (tens === '' ? 1 : digit(tens!)) * 10 + (units === '' ? 0 : digit(units!));
  };
  return `${[...m[1]!].map(digit).join('')}年${small(m[2]!)}月${small(m[3]!)}日`;
}

function calendarDate(input: string, y: number, mo: number, d: number): Conversion<string> {
  // Dates before 1900 or after 2100 in these registers are typing errors (0205-01-31, 2205-01-31).
  if (y < 1900 || y > 2100) return fail(`"${input}": the year ${y} is not plausible`);
  if (mo < 1 || mo > 12) return fail(`"${input}" is not a date: there is no month ${mo}`);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = mo === 2 && leap ? 29 : MONTH_DAYS[mo - 1]!;
  if (d < 1 || d > days) return fail(`"${input}" is not a date: ${y}-${String(mo).padStart(2, '0')} has ${days} days`);
  return ok(`${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
}

// ---------------------------------------------------------------------------------------------
// Numbers and money (decimal strings throughout: amounts never pass through floating point)

interface Decimal {
  negative: boolean;
  /** Integer digits without leading zeros ('' for zero). */
  int: string;
  /** Fraction digits without trailing zeros. */
  frac: string;
}

/** Reads a plain decimal number: digits, optional sign, point and thousands separators (1,234.5). */
function parseDecimal(input: string): Decimal | null {
  const s = toHalfWidth(input).trim().replace(/，/g, ',');
  const m = /^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(s) ?? /^([+-]?)()\.(\d+)$/.exec(s);
  if (!m) return null;
  return {
    negative: m[1] === '-',
    int: m[2]!.replace(/,/g, '').replace(/^0+/, ''),
    frac: (m[3] ?? '').replace(/0+$/, ''),
  };
}

const isZero = (d: Decimal) => d.int === '' && d.frac === '';

/** Yuan with exactly two decimals ("12345.60"), the hub's money format. */
function formatYuan(int: string, frac: string, input: string): Conversion<string> {
  if (frac.length > 2) return fail(`"${input}" is more precise than a fen (0.01 yuan)`);
  // Decimal(20,2) in the database: 18 digits before the point.
  if (int.length > 18) return fail(`"${input}" is too large for an amount of money`);
  return ok(`${int || '0'}.${frac.padEnd(2, '0')}`);
}

/** Reads a non-negative amount; `unit` is a suffix the source may write after the number. */
function amount(input: string, unit: RegExp, unitName: string): Decimal | string {
  const d = parseDecimal(cleanText(input).replace(unit, ''));
  if (!d) return `"${input}" is not an amount in ${unitName} (e.g. 1000 or 1,250.5)`;
  if (d.negative && !isZero(d)) return `"${input}" is negative`;
  return d;
}

/** An amount in 万元 (ten thousand yuan) as yuan: "52.5" → "525000.00", exactly. A trailing 万元 or 万 is allowed. */
export function wanToYuan(input: string): Conversion<string> {
  const d = amount(input, /万元?$/, '万元');
  if (typeof d === 'string') return fail(d);
  // Multiplying by 10 000 moves the decimal point four places to the right.
  const frac = d.frac.padEnd(4, '0');
  const int = (d.int + frac.slice(0, 4)).replace(/^0+/, '');
  return formatYuan(int, frac.slice(4), input);
}

/** An amount in yuan: "5,000" → "5000.00". A trailing 元 is allowed. */
export function yuan(input: string): Conversion<string> {
  const d = amount(input, /元$/, '元');
  return typeof d === 'string' ? fail(d) : formatYuan(d.int, d.frac, input);
}

/** A positive number such as a floor area (square metres). */
export function positiveNumber(input: string): Conversion<number> {
  const d = parseDecimal(input);
  if (!d) return fail(`"${input}" is not a number`);
  if (d.negative || isZero(d)) return fail(`"${input}" must be greater than 0`);
  const n = Number(`${d.int || '0'}.${d.frac || '0'}`);
  return Number.isFinite(n) ? ok(n) : fail(`"${input}" is too large`);
}

/** A floor area in square metres; a trailing unit (平方米, ㎡, m²) is allowed. */
export const area = (input: string) => positiveNumber(input.replace(/\s*(平方米|㎡|m²|m2)$/i, ''));

/** A positive whole number (versions, head counts). */
export function positiveInteger(input: string): Conversion<number> {
  const d = parseDecimal(input);
  if (!d || d.frac !== '') return fail(`"${input}" is not a whole number`);
  if (d.negative || isZero(d)) return fail(`"${input}" must be at least 1`);
  const n = Number(d.int);
  return Number.isSafeInteger(n) ? ok(n) : fail(`"${input}" is too large`);
}
