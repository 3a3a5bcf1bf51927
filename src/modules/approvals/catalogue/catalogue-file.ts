/**
 * The service catalogue file (政务服务清单 / 明白册): a YAML list of approval and service items with
 * their conditions, legal basis, materials, steps, time limits and acceptance places. The parser
 * reports every problem of a file at once (一次性告知 applies to catalogue editors too), each with
 * the item code, the field path and the line.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ITEM_CODE, itemShape, type CatalogueItem } from './catalogue-format.js';
import {
  byLine,
  describe,
  formatPath,
  isRecord,
  issueMessage,
  listOf,
  trimmed,
  type CatalogueProblem,
  type PathSegment,
  type Report,
} from './catalogue-problems.js';
import { dependencyCycles } from './dependency-cycles.js';
import { itemRuleProblems } from './item-rules.js';

/** What {@link parseCatalogue} needs to know about the rest of the hub. */
export interface CatalogueContext {
  knownDepartments: string[];
  knownLicenceTypes: string[];
}

/** The problems found so far in one file, each placed on the line of its YAML node. */
interface ProblemSheet {
  file: string;
  problems: CatalogueProblem[];
  /** Line of the deepest node that exists along a path (the enclosing mapping for a missing field). */
  lineOf(path: PathSegment[]): number | undefined;
  /** A problem of the file itself, with a path from the root. */
  atRoot(path: PathSegment[], message: string): void;
}

/** What the checks of one item need to know about the whole file. */
interface FileIndex {
  opts: CatalogueContext;
  knownDepartments: Set<string>;
  knownLicenceTypes: Set<string>;
  /** Where each item code is first used; later uses are duplicates. */
  firstIndexOfCode: Map<string, number>;
}

function syntaxProblems(doc: Document.Parsed, lineCounter: LineCounter, file: string): CatalogueProblem[] {
  return [...doc.errors, ...doc.warnings].map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return { file, item: null, path: '$', message: `YAML syntax: ${e.message} (line ${line}, column ${col})`, line };
  });
}

function problemSheet(doc: Document.Parsed, lineCounter: LineCounter, file: string): ProblemSheet {
  const problems: CatalogueProblem[] = [];
  const lineOf = (path: PathSegment[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isRecord(node) && Array.isArray(node.range) && typeof node.range[0] === 'number')
        return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const atRoot = (path: PathSegment[], message: string) =>
    problems.push({ file, item: null, path: formatPath(['$', ...path]), message, line: lineOf(path) });
  return { file, problems, lineOf, atRoot };
}

/** The raw `items:` list, or null when the file has none (reported). */
function itemList(root: unknown, sheet: ProblemSheet): unknown[] | null {
  if (!isRecord(root)) {
    sheet.atRoot(
      [],
      root == null
        ? 'the file is empty: expected a mapping with an `items:` list'
        : 'expected a mapping with an `items:` list',
    );
    return null;
  }
  for (const key of Object.keys(root))
    // jointServices: is checked by joint/joint-catalogue.ts once the items are valid.
    if (key !== 'items' && key !== 'jointServices')
      sheet.atRoot([key], 'unknown field: the file has only `items:` and `jointServices:`');
  if (!Array.isArray(root.items)) {
    sheet.atRoot(
      ['items'],
      root.items === undefined ? 'is required: the list of catalogue items' : 'must be a list of items',
    );
    return null;
  }
  const rawItems: unknown[] = root.items;
  if (rawItems.length === 0) sheet.atRoot(['items'], 'must list at least one item');
  return rawItems;
}

function fileIndex(rawItems: unknown[], opts: CatalogueContext): FileIndex {
  const firstIndexOfCode = new Map<string, number>();
  rawItems.forEach((raw, i) => {
    const code = isRecord(raw) ? trimmed(raw.code) : null;
    if (code !== null && !firstIndexOfCode.has(code)) firstIndexOfCode.set(code, i);
  });
  return {
    opts,
    knownDepartments: new Set(opts.knownDepartments),
    knownLicenceTypes: new Set(opts.knownLicenceTypes),
    firstIndexOfCode,
  };
}

/** Reports the zod issues of the item's field shapes; the item when it has none. */
function checkShape(raw: Record<string, unknown>, report: Report): CatalogueItem | null {
  const parsed = itemShape.safeParse(raw, { reportInput: true });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) report([...path, key], 'unknown field');
    } else {
      report(path, issueMessage(issue));
    }
  }
  return null;
}

/** Checks against the rest of the file and the hub: repeated codes, departments, licence types, dependencies. Returns the item's dependency edges. */
function checkReferences(
  raw: Record<string, unknown>,
  i: number,
  index: FileIndex,
  sheet: ProblemSheet,
  report: Report,
): string[] {
  const code = trimmed(raw.code);
  const first = code === null ? undefined : index.firstIndexOfCode.get(code);
  if (first !== undefined && first !== i) {
    report(
      ['code'],
      `duplicate item code: also used by $.items[${first}] (line ${sheet.lineOf(['items', first]) ?? '?'})`,
    );
  }
  const department = trimmed(raw.departmentCode);
  if (department !== null && !index.knownDepartments.has(department)) {
    report(['departmentCode'], `unknown department ${department} (known: ${index.opts.knownDepartments.join(', ')})`);
  }
  const licenceType = trimmed(raw.producesLicenceType);
  if (licenceType !== null && !index.knownLicenceTypes.has(licenceType)) {
    report(
      ['producesLicenceType'],
      `unknown licence type ${licenceType} (known: ${index.opts.knownLicenceTypes.join(', ')})`,
    );
  }
  listOf(raw.materials).forEach((m, j) => {
    const shared = isRecord(m) && isRecord(m.shared) ? trimmed(m.shared.licenceType) : null;
    if (shared !== null && !index.knownLicenceTypes.has(shared)) {
      report(
        ['materials', j, 'shared', 'licenceType'],
        `unknown licence type ${shared} (known: ${index.opts.knownLicenceTypes.join(', ')})`,
      );
    }
  });
  const edges: string[] = [];
  listOf(raw.dependsOn).forEach((d, j) => {
    const target = trimmed(d);
    if (target === null || target === code || !ITEM_CODE.test(target)) return; // reported by the item rules
    if (!index.firstIndexOfCode.has(target)) report(['dependsOn', j], `no item with code ${target} in this catalogue`);
    else edges.push(target);
  });
  return edges;
}

/** Reports one loop per dependency cycle, on the edge that starts it. */
function reportCycles(
  graph: Map<string, string[]>,
  dependsOn: Map<string, unknown[]>,
  index: FileIndex,
  sheet: ProblemSheet,
): void {
  for (const cycle of dependencyCycles(graph)) {
    const i = index.firstIndexOfCode.get(cycle.from);
    if (i === undefined) continue; // every node of the graph is a first use of its code
    const edge = (dependsOn.get(cycle.from) ?? []).findIndex((d) => trimmed(d) === cycle.path[1]);
    sheet.problems.push({
      file: sheet.file,
      item: cycle.from,
      path: formatPath(['dependsOn', edge]),
      message: `dependsOn cycle: ${cycle.path.join(' → ')} (no item in a cycle can ever start)`,
      line: sheet.lineOf(['items', i, 'dependsOn', edge]),
    });
  }
}

/** Parses and validates a catalogue file, returning its items or every problem found in it. */
export function parseCatalogue(
  text: string,
  file: string,
  opts: CatalogueContext,
): { items: CatalogueItem[] } | { problems: CatalogueProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  // After a syntax error the tree the YAML parser recovers is a guess; field problems found in it
  // would mislead, so syntax problems are reported alone.
  const syntax = syntaxProblems(doc, lineCounter, file);
  if (syntax.length > 0) return { problems: syntax };

  const sheet = problemSheet(doc, lineCounter, file);
  const rawItems = itemList(doc.toJS(), sheet);
  if (rawItems === null) return { problems: byLine(sheet.problems) };
  const index = fileIndex(rawItems, opts);

  const items: CatalogueItem[] = [];
  const graph = new Map<string, string[]>();
  const dependsOn = new Map<string, unknown[]>();
  rawItems.forEach((raw, i) => {
    if (!isRecord(raw)) {
      sheet.atRoot(['items', i], `must be a mapping (one item), not ${describe(raw)}`);
      return;
    }
    const code = trimmed(raw.code);
    // An item without a usable code is named by its position, with a path from the root.
    const report: Report = (path, message) =>
      sheet.problems.push({
        file,
        item: code,
        path: code === null ? formatPath(['$', 'items', i, ...path]) : formatPath(path),
        message,
        line: sheet.lineOf(['items', i, ...path]),
      });
    const item = checkShape(raw, report);
    itemRuleProblems(raw, report);
    const edges = checkReferences(raw, i, index, sheet, report);
    if (code !== null && index.firstIndexOfCode.get(code) === i) {
      graph.set(code, edges);
      dependsOn.set(code, listOf(raw.dependsOn));
    }
    if (item) items.push(item);
  });
  reportCycles(graph, dependsOn, index, sheet);

  return sheet.problems.length > 0 ? { problems: byLine(sheet.problems) } : { items };
}
