/**
 * Reading XML exports made of one root element with repeated record elements: each record is
 * parsed on its own, so a malformed record (an unescaped "&", a tag left open) is reported with
 * its path and line while the other records are still read.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AdapterFileError, decodeText, sourceId, type ParsedRecord } from './adapter.js';

export interface XmlLayout {
  root: string;
  record: string;
  /** Elements that may repeat inside a record, as dotted paths from the record ('kinds.kind'). */
  lists?: readonly string[];
  /** Attribute of the record element holding the source record id. */
  idAttribute: string;
  /** What the file is, for messages. */
  what: string;
}

/** A record element as found in the text: where it starts and ends (an unclosed one ends where the next begins). */
interface Segment {
  start: number;
  end: number;
}

/** Attributes keep an "@" prefix so that they can never be confused with child elements of the same name. */
export const ATTR = '@';

const SKIP = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>/y;

/** Reads a whole export; throws AdapterFileError when it is not XML with the expected root. */
export function readXml(input: Buffer, file: string, layout: XmlLayout): ParsedRecord[] {
  const { text } = decodeText(input, file);
  const root = findRoot(text, file, layout);
  const segments = findRecords(text, root.contentStart, layout.root, layout.record);

  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: ATTR,
    // Values stay text: "0012" and 18-digit codes must not become numbers.
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (_name, jpath) => (layout.lists ?? []).some((l) => jpath === `${layout.record}.${l}`),
  });

  const lineStarts = lineIndex(text);
  const records: ParsedRecord[] = [];
  let skeleton = '';
  let last = 0;
  segments.forEach((seg, i) => {
    const xml = text.slice(seg.start, seg.end);
    const line = lineOf(lineStarts, seg.start);
    const location = { file, line, path: `/${layout.root}/${layout.record}[${i + 1}]` };
    const problem = recordProblem(xml, layout.record, parser, line);
    if (problem.ok) {
      const element = problem.element;
      const raw = element && typeof element === 'object' ? (element as Record<string, unknown>) : {};
      records.push({ location, sourceRecordId: sourceId(raw[`${ATTR}${layout.idAttribute}`]), raw, problems: [] });
      skeleton += text.slice(last, seg.end);
    } else {
      // The id can usually still be read from the start tag, which helps whoever fixes the record.
      const id = new RegExp(`^<${layout.record}\\b[^>]*\\s${layout.idAttribute}\\s*=\\s*["']([^"']+)["']`).exec(
        xml,
      )?.[1];
      records.push({
        location,
        sourceRecordId: sourceId(id),
        raw: { xml: xml.length > 4000 ? `${xml.slice(0, 4000)}…` : xml },
        problems: [{ field: null, reason: problem.reason }],
      });
      // Keep the rest of the document checkable: an empty element with the same line breaks.
      skeleton += `${text.slice(last, seg.start)}<${layout.record}/>${'\n'.repeat(xml.split('\n').length - 1)}`;
    }
    last = seg.end;
  });
  skeleton += text.slice(last);

  // Outside the records the document must be sound too: a truncated file has no closing root tag.
  const whole = XMLValidator.validate(skeleton);
  if (whole !== true) {
    const truncated = !new RegExp(`</${layout.root}\\s*>\\s*$`).test(text);
    throw new AdapterFileError(
      file,
      truncated
        ? `the file ends before </${layout.root}>: the export is truncated`
        : `not well-formed XML outside the <${layout.record}> elements: ${whole.err.msg} (line ${whole.err.line})`,
    );
  }
  return records;
}

/**
 * A record's element, or why it is quarantined. Declarations (DOCTYPE, ENTITY) have no place in
 * a record: they could make the parser expand entities or refer to external ones, so a record
 * holding one is refused as a whole, as is anything else the parser cannot read.
 */
function recordProblem(
  xml: string,
  record: string,
  parser: XMLParser,
  line: number,
): { ok: true; element: unknown } | { ok: false; reason: string } {
  const declaration = /<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)\b/i.exec(xml);
  if (declaration) {
    return {
      ok: false,
      reason: `the <${record}> element contains a <!${declaration[1]!.toUpperCase()}> declaration (line ${lineOf(lineIndex(xml), declaration.index) + line - 1}); records may not declare a DOCTYPE or entities`,
    };
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    return {
      ok: false,
      reason: `the <${record}> element is not well-formed XML: ${valid.err.msg} (line ${line + valid.err.line - 1})`,
    };
  }
  try {
    return { ok: true, element: (parser.parse(xml) as Record<string, unknown>)[record] };
  } catch (err) {
    return {
      ok: false,
      reason: `the <${record}> element cannot be read: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/** Finds the root element after the prolog (declaration, comments, doctype). */
function findRoot(text: string, file: string, layout: XmlLayout): { contentStart: number } {
  let pos = 0;
  for (;;) {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
    SKIP.lastIndex = pos;
    const m = SKIP.exec(text);
    if (!m) break;
    pos += m[0].length;
  }
  if (text[pos] !== '<') {
    throw new AdapterFileError(
      file,
      `not XML: the file starts with "${text.slice(pos, pos + 20)}", not with an element (is it a ${layout.what}?)`,
    );
  }
  const tag = /^<([A-Za-z_][\w.-]*)/.exec(text.slice(pos, pos + 200))?.[1];
  if (tag !== layout.root) {
    throw new AdapterFileError(
      file,
      `not a ${layout.what}: the root element is <${tag ?? '?'}>, expected <${layout.root}>`,
    );
  }
  const end = endOfTag(text, pos);
  if (end < 0) throw new AdapterFileError(file, `the <${layout.root}> start tag is not closed`);
  return { contentStart: end };
}

/** The position after the ">" of the tag starting at `pos` (quoted attribute values may contain ">"), or -1. */
function endOfTag(text: string, pos: number): number {
  let quote = '';
  for (let i = pos + 1; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i + 1;
    else if (c === '<') return -1;
  }
  return -1;
}

/**
 * Finds each record element among the root's children. A record ends at its closing tag or, when
 * that is missing, where the next record (or the end of the root) begins. Comments and CDATA are
 * skipped so that markup inside them is not mistaken for records.
 */
function findRecords(text: string, from: number, root: string, record: string): Segment[] {
  const boundary = new RegExp(
    `<!--[\\s\\S]*?-->|<!\\[CDATA\\[[\\s\\S]*?\\]\\]>|<\\?[\\s\\S]*?\\?>|<${record}(?=[\\s/>])|</${record}\\s*>|</${root}\\s*>`,
    'g',
  );
  const segments: Segment[] = [];
  let open: number | null = null;
  let endOfRoot = text.length;
  boundary.lastIndex = from;
  for (let m = boundary.exec(text); m; m = boundary.exec(text)) {
    if (m[0].startsWith(`</${root}`)) {
      endOfRoot = m.index;
      break;
    }
    if (m[0].startsWith(`<${record}`)) {
      if (open !== null) segments.push({ start: open, end: m.index });
      const end = endOfTag(text, m.index);
      if (end > 0 && text[end - 2] === '/') {
        segments.push({ start: m.index, end });
        open = null;
        boundary.lastIndex = end;
      } else open = m.index;
    } else if (m[0].startsWith(`</${record}`)) {
      if (open !== null) segments.push({ start: open, end: m.index + m[0].length });
      open = null;
    }
  }
  if (open !== null) segments.push({ start: open, end: endOfRoot });
  return segments;
}

function lineIndex(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line of a position (binary search over line starts). */
function lineOf(starts: number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
