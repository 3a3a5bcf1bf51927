/**
 * The service catalogue file (政务服务清单 / 明白册): a YAML list of approval and service items with
 * their conditions, legal basis, materials, steps, time limits and acceptance places. The parser
 * reports every problem of a file at once (一次性告知 applies to catalogue editors too), each with
 * the item code, the field path and the line.
 */
import { z } from 'zod';
import { Document, LineCounter, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';

/** Where an item can be accepted: the district centre, a street centre or a community station. */
export const ACCEPTANCE_PLACES = ['DISTRICT_CENTRE', 'STREET_CENTRE', 'COMMUNITY_STATION'] as const;
/** Who applies for an item. */
export const AUDIENCES = ['ENTERPRISE', 'PERSON'] as const;
/** The form in which a material is submitted. */
export const MATERIAL_FORMS = ['ORIGINAL', 'COPY', 'ORIGINAL_AND_COPY', 'ELECTRONIC'] as const;
/** Whether a material is always needed or only in a stated situation. */
export const MATERIAL_REQUIREMENTS = ['REQUIRED', 'CONDITIONAL'] as const;
/** The standard steps (受理, 承办, 审核, 批准, 办结), in the only order they may appear in. */
export const STEPS = ['ACCEPTANCE', 'UNDERTAKING', 'REVIEW', 'APPROVAL', 'CONCLUSION'] as const;
/** Special stages whose time is not counted in the limit (Administrative Licensing Law, art. 45). */
export const SPECIAL_STAGES = [
  'HEARING',
  'SITE_INSPECTION',
  'TESTING',
  'EXPERT_REVIEW',
  'BIDDING',
  'QUARANTINE',
] as const;
/** How far an item can be handled online: not at all, booking, pre-review, or the whole process. */
export const ONLINE_LEVELS = ['NONE', 'BOOKING', 'PRE_REVIEW', 'FULLY_ONLINE'] as const;

/** One of {@link ACCEPTANCE_PLACES}. */
export type AcceptancePlace = (typeof ACCEPTANCE_PLACES)[number];
/** One of {@link AUDIENCES}. */
export type Audience = (typeof AUDIENCES)[number];
/** One of {@link MATERIAL_FORMS}. */
export type MaterialForm = (typeof MATERIAL_FORMS)[number];
/** One of {@link MATERIAL_REQUIREMENTS}. */
export type MaterialRequirement = (typeof MATERIAL_REQUIREMENTS)[number];
/** One of {@link STEPS}. */
export type Step = (typeof STEPS)[number];
/** One of {@link SPECIAL_STAGES}. */
export type SpecialStage = (typeof SPECIAL_STAGES)[number];
/** One of {@link ONLINE_LEVELS}. */
export type OnlineLevel = (typeof ONLINE_LEVELS)[number];

/** A material the applicant submits (申请材料). */
export interface CatalogueMaterial {
  /** Unique within its item, e.g. 'M01'. */
  code: string;
  name: string;
  form: MaterialForm;
  copies: number;
  requirement: MaterialRequirement;
  /** When a CONDITIONAL material is needed, e.g. '委托代理人办理的'. */
  condition?: string;
  note?: string;
}

/** A fee (收费); amounts are yuan as a decimal string so that no precision is lost. */
export interface CatalogueFee {
  name: string;
  amountYuan: string;
  basis: string;
}

/** One approval or service item of the catalogue (审批/服务事项). */
export interface CatalogueItem {
  /** Unique in the catalogue, e.g. 'HZ-MR-001'. */
  code: string;
  name: string;
  departmentCode: string;
  audience: Audience;
  acceptedAt: AcceptancePlace[];
  /** Completed on the spot (即办); the committed limit is then 0 or 1 working days. */
  onTheSpot: boolean;
  conditions: string[];
  legalBasis: string[];
  materials: CatalogueMaterial[];
  steps: Step[];
  specialStages: SpecialStage[];
  /** Working days. */
  statutoryLimitDays: number;
  /** Working days; at most the statutory limit. */
  committedLimitDays: number;
  /** Empty when the item is free. */
  fees: CatalogueFee[];
  online: OnlineLevel;
  producesLicenceType: string | null;
  /** Codes of items that must be concluded first (a prerequisite licence, a prior review...). */
  dependsOn: string[];
  consultationPhone?: string;
  supervisionPhone?: string;
}

/** One problem in a catalogue file. `path` is relative to the item when `item` is set, else from the root (`$.items[3]`). */
export interface CatalogueProblem {
  file: string;
  item: string | null;
  path: string;
  message: string;
  /** 1-based line of the offending (or, for a missing field, the enclosing) YAML node. */
  line?: number;
}

/** What {@link parseCatalogue} needs to know about the rest of the hub. */
export interface CatalogueContext {
  knownDepartments: string[];
  knownLicenceTypes: string[];
}

const ITEM_CODE = /^[A-Z]{2,}(?:-[A-Z0-9]+)*-\d{3,}$/;
const MATERIAL_CODE = /^[A-Z0-9][A-Z0-9-]{0,19}$/;
// Fixed lines with optional area code and extension, short hotlines such as 12345, and mobiles.
const PHONE = /^(?:(?:\d{3,4}-)?\d{5,8}(?:-\d{1,6})?|1\d{10})$/;
const AMOUNT = /^\d{1,9}(?:\.\d{1,2})?$/;
// A legal basis must cite a document by its title, e.g. 《中华人民共和国行政许可法》第三十二条.
const CITATION = /《[^《》]+》/;

const text = (max: number) => z.string().trim().min(1).max(max);
const phone = z.string().trim().regex(PHONE, 'is not a phone number (e.g. 020-89001234 or 12345)');

const materialSchema = z.strictObject({
  code: z.string().trim().regex(MATERIAL_CODE, 'must be a short code of capitals, digits and dashes, e.g. M01'),
  name: text(200),
  form: z.enum(MATERIAL_FORMS),
  copies: z.number().int().min(1),
  requirement: z.enum(MATERIAL_REQUIREMENTS),
  condition: text(300).optional(),
  note: text(500).optional(),
});

const feeSchema = z.strictObject({
  name: text(100),
  // A YAML number would silently lose trailing zeros (and float precision), so only quoted strings are accepted.
  amountYuan: z.string().regex(AMOUNT, 'must be an amount in yuan with at most 2 decimals, e.g. "120.00"'),
  basis: text(300),
});

// Shape only: the rules that relate fields to each other live in `itemRuleProblems`, which also runs
// on items whose shape is broken, so that one pass reports everything.
const itemShape = z.strictObject({
  code: z.string().trim().regex(ITEM_CODE, 'must look like HZ-MR-001 (district, department, number)'),
  name: text(100),
  departmentCode: text(20),
  audience: z.enum(AUDIENCES),
  acceptedAt: z.array(z.enum(ACCEPTANCE_PLACES)).min(1),
  onTheSpot: z.boolean(),
  conditions: z.array(text(500)).min(1),
  legalBasis: z.array(text(300).regex(CITATION, 'must cite a law or regulation by its title in 《》')).min(1),
  materials: z.array(materialSchema),
  steps: z.array(z.enum(STEPS)).min(1),
  specialStages: z.array(z.enum(SPECIAL_STAGES)).default([]),
  statutoryLimitDays: z.number().int().min(0),
  committedLimitDays: z.number().int().min(0),
  fees: z.array(feeSchema).default([]),
  online: z.enum(ONLINE_LEVELS),
  producesLicenceType: text(60).nullable().default(null),
  dependsOn: z.array(z.string().trim().regex(ITEM_CODE, 'must be an item code such as HZ-MR-001')).default([]),
  consultationPhone: phone.optional(),
  supervisionPhone: phone.optional(),
});

// Compile-time guard that the schema and the documented interfaces describe the same thing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _schemaMatchesInterface: Same<z.output<typeof itemShape>, CatalogueItem> = true;

type PathSegment = string | number;
type Report = (path: PathSegment[], message: string) => void;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const trimmed = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** Reports entries of a list that repeat an earlier entry. */
function checkDuplicates(list: unknown[], key: string, report: Report, what: string): void {
  const seen = new Map<string, number>();
  list.forEach((entry, i) => {
    const s = trimmed(entry);
    if (s === null) return;
    const first = seen.get(s);
    if (first === undefined) seen.set(s, i);
    else report([key, i], `${what} ${s} is already listed at ${key}[${first}]`);
  });
}

/**
 * Rules between fields of one item. Works on the raw value and skips whatever has the wrong type
 * (the shape check reports that), so these problems are found in the same pass as shape problems.
 */
function itemRuleProblems(item: object, report: Report): void {
  const raw = item as Record<string, unknown>; // read defensively below: any field may be missing or mistyped
  const onTheSpot = raw.onTheSpot === true;
  const statutory = typeof raw.statutoryLimitDays === 'number' ? raw.statutoryLimitDays : null;
  const committed = typeof raw.committedLimitDays === 'number' ? raw.committedLimitDays : null;
  const specialStages = listOf(raw.specialStages);

  if (statutory !== null && committed !== null && committed > statutory) {
    report(
      ['committedLimitDays'],
      `must not exceed statutoryLimitDays (${statutory}): the committed limit is a promise to be faster`,
    );
  }
  if (onTheSpot && committed !== null && committed > 1) {
    report(['committedLimitDays'], 'an on-the-spot (即办) item commits to 0 or 1 working days');
  }
  if (raw.onTheSpot === false && committed === 0) {
    report(['onTheSpot'], 'a committed limit of 0 days means the item is completed on the spot: set onTheSpot: true');
  }
  // Inspections, hearings or testing cannot happen at the window while the applicant waits.
  if (onTheSpot && specialStages.length > 0) {
    report(['specialStages'], 'an on-the-spot (即办) item cannot have special stages');
  }

  checkDuplicates(listOf(raw.acceptedAt), 'acceptedAt', report, 'place');
  checkDuplicates(specialStages, 'specialStages', report, 'stage');
  checkDuplicates(listOf(raw.dependsOn), 'dependsOn', report, 'item');
  const ownCode = trimmed(raw.code);
  listOf(raw.dependsOn).forEach((d, i) => {
    if (ownCode !== null && trimmed(d) === ownCode) report(['dependsOn', i], 'an item cannot depend on itself');
  });

  const steps = listOf(raw.steps);
  if (steps.length > 0) {
    if (steps[0] !== 'ACCEPTANCE') report(['steps', 0], 'the first step must be ACCEPTANCE (受理)');
    if (steps[steps.length - 1] !== 'CONCLUSION')
      report(['steps', steps.length - 1], 'the last step must be CONCLUSION (办结)');
    let previous = -1;
    steps.forEach((s, i) => {
      const rank = STEPS.indexOf(s as Step);
      if (rank < 0) return; // not a step at all: the shape check says so
      if (rank === previous) report(['steps', i], `${String(s)} is listed twice`);
      else if (rank < previous)
        report(['steps', i], `${String(s)} must come before ${STEPS[previous]} (order: ${STEPS.join(', ')})`);
      previous = Math.max(previous, rank);
    });
  }

  const materialCodes = new Map<string, number>();
  listOf(raw.materials).forEach((m, i) => {
    if (!isRecord(m)) return;
    const code = trimmed(m.code);
    if (code !== null) {
      const first = materialCodes.get(code);
      if (first === undefined) materialCodes.set(code, i);
      else report(['materials', i, 'code'], `material code ${code} is already used by materials[${first}]`);
    }
    if (m.requirement === 'CONDITIONAL' && trimmed(m.condition) === null) {
      report(['materials', i, 'condition'], 'a CONDITIONAL material must say when it is needed');
    }
    if (m.requirement === 'REQUIRED' && m.condition !== undefined) {
      report(['materials', i, 'condition'], 'only a CONDITIONAL material has a condition');
    }
  });

  listOf(raw.fees).forEach((f, i) => {
    // A free item lists no fees; a zero fee would show up on receipts as a charge.
    if (isRecord(f) && typeof f.amountYuan === 'string' && AMOUNT.test(f.amountYuan) && Number(f.amountYuan) === 0) {
      report(['fees', i, 'amountYuan'], 'a free item lists no fees: remove this entry instead of charging 0');
    }
  });
}

/** The zod schema of one item: field shapes plus the rules between fields (context-free: departments, licence types and dependencies are checked by {@link parseCatalogue}). */
export const catalogueItemSchema = itemShape.superRefine((item, ctx) => {
  itemRuleProblems(item, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
});

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : JSON.stringify(v);

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

/** Turns a zod issue into the editor-facing wording used in problem reports. */
function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      // YAML reads unquoted 12345 or 20.00 as numbers: the usual cause with phones, codes and amounts.
      if (issue.expected === 'string' && typeof issue.input === 'number') {
        return `must be text, not the number ${String(issue.input)}: put it in quotes`;
      }
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${describe(issue.input)}`;
    case 'invalid_value': {
      const options = `one of ${issue.values.map(String).join(', ')}`;
      return issue.input === undefined
        ? `is required (${options})`
        : `must be ${options}, not ${describe(issue.input)}`;
    }
    case 'too_small':
      if (issue.origin === 'array')
        return `must list at least ${String(issue.minimum)} entr${issue.minimum === 1 ? 'y' : 'ies'}`;
      if (issue.origin === 'string') return 'must not be empty';
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${String(issue.maximum)} characters`;
      return `must be at most ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

/** `materials[1].condition` style. */
function formatPath(path: readonly PathSegment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

type Cycle = { from: string; path: string[] };

/** Strongly connected components (Tarjan); each one with more than one item contains at least one cycle. */
function dependencyCycles(graph: Map<string, string[]>): Cycle[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);

  // Name one concrete loop per component: the shortest one through its smallest code (stable across runs).
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const previous = new Map<string, string>();
    const queue = [start];
    let last: string | null = null;
    while (queue.length > 0 && last === null) {
      const v = queue.shift()!;
      for (const w of (graph.get(v) ?? []).filter((x) => members.has(x)).sort()) {
        if (w === start) {
          last = v;
          break;
        }
        if (!previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    const path = [start];
    for (let v = last!; v !== start; v = previous.get(v)!) path.splice(1, 0, v);
    path.push(start);
    return { from: start, path };
  });
}

/** Parses and validates a catalogue file, returning its items or every problem found in it. */
export function parseCatalogue(
  text: string,
  file: string,
  opts: CatalogueContext,
): { items: CatalogueItem[] } | { problems: CatalogueProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;

  // After a syntax error the tree the YAML parser recovers is a guess; field problems found in it
  // would mislead, so syntax problems are reported alone.
  const syntax = [...doc.errors, ...doc.warnings];
  if (syntax.length > 0) {
    return {
      problems: syntax.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return {
          file,
          item: null,
          path: '$',
          message: `YAML syntax: ${e.message} (line ${line}, column ${col})`,
          line,
        };
      }),
    };
  }

  const problems: CatalogueProblem[] = [];
  /** Line of the deepest node that exists along a path (the enclosing mapping for a missing field). */
  const lineOf = (path: PathSegment[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isRecord(node) && Array.isArray(node.range) && typeof node.range[0] === 'number')
        return lineAt(node.range[0]);
    }
    return undefined;
  };
  const rootProblem = (path: PathSegment[], message: string) =>
    problems.push({ file, item: null, path: formatPath(['$', ...path]), message, line: lineOf(path) });

  const root: unknown = doc.toJS();
  if (!isRecord(root)) {
    rootProblem(
      [],
      root == null
        ? 'the file is empty: expected a mapping with an `items:` list'
        : 'expected a mapping with an `items:` list',
    );
    return { problems };
  }
  for (const key of Object.keys(root))
    if (key !== 'items') rootProblem([key], 'unknown field: the file has only `items:`');
  if (!Array.isArray(root.items)) {
    rootProblem(
      ['items'],
      root.items === undefined ? 'is required: the list of catalogue items' : 'must be a list of items',
    );
    return { problems: byLine(problems) };
  }
  const rawItems: unknown[] = root.items;
  if (rawItems.length === 0) rootProblem(['items'], 'must list at least one item');

  const knownDepartments = new Set(opts.knownDepartments);
  const knownLicenceTypes = new Set(opts.knownLicenceTypes);
  const firstIndexOfCode = new Map<string, number>();
  rawItems.forEach((raw, i) => {
    const code = isRecord(raw) ? trimmed(raw.code) : null;
    if (code !== null && !firstIndexOfCode.has(code)) firstIndexOfCode.set(code, i);
  });

  const items: CatalogueItem[] = [];
  const graph = new Map<string, string[]>();
  rawItems.forEach((raw, i) => {
    if (!isRecord(raw)) {
      rootProblem(['items', i], `must be a mapping (one item), not ${describe(raw)}`);
      return;
    }
    const code = trimmed(raw.code);
    // An item without a usable code is named by its position, with a path from the root.
    const report: Report = (path, message) =>
      problems.push({
        file,
        item: code,
        path: code === null ? formatPath(['$', 'items', i, ...path]) : formatPath(path),
        message,
        line: lineOf(['items', i, ...path]),
      });

    const parsed = itemShape.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) report([...path, key], 'unknown field');
        } else {
          report(path, issueMessage(issue));
        }
      }
    }
    itemRuleProblems(raw, report);

    if (code !== null && firstIndexOfCode.get(code) !== i) {
      const first = firstIndexOfCode.get(code)!;
      report(['code'], `duplicate item code: also used by $.items[${first}] (line ${lineOf(['items', first]) ?? '?'})`);
    }
    const department = trimmed(raw.departmentCode);
    if (department !== null && !knownDepartments.has(department)) {
      report(['departmentCode'], `unknown department ${department} (known: ${opts.knownDepartments.join(', ')})`);
    }
    const licenceType = trimmed(raw.producesLicenceType);
    if (licenceType !== null && !knownLicenceTypes.has(licenceType)) {
      report(
        ['producesLicenceType'],
        `unknown licence type ${licenceType} (known: ${opts.knownLicenceTypes.join(', ')})`,
      );
    }
    const edges: string[] = [];
    listOf(raw.dependsOn).forEach((d, j) => {
      const target = trimmed(d);
      if (target === null || target === code || !ITEM_CODE.test(target)) return; // reported above
      if (!firstIndexOfCode.has(target)) report(['dependsOn', j], `no item with code ${target} in this catalogue`);
      else edges.push(target);
    });
    if (code !== null && firstIndexOfCode.get(code) === i) graph.set(code, edges);

    if (parsed.success) items.push(parsed.data);
  });

  for (const cycle of dependencyCycles(graph)) {
    const i = firstIndexOfCode.get(cycle.from)!;
    const edge = listOf((rawItems[i] as Record<string, unknown>).dependsOn).findIndex(
      (d) => trimmed(d) === cycle.path[1],
    );
    problems.push({
      file,
      item: cycle.from,
      path: formatPath(['dependsOn', edge]),
      message: `dependsOn cycle: ${cycle.path.join(' → ')} (no item in a cycle can ever start)`,
      line: lineOf(['items', i, 'dependsOn', edge]),
    });
  }

  return problems.length > 0 ? { problems: byLine(problems) } : { items };
}

/** Editors fix files top to bottom; problems without a line (an empty file) go last. */
function byLine(problems: CatalogueProblem[]): CatalogueProblem[] {
  return problems
    .map((p, order) => ({ p, order }))
    .sort((a, b) => (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || a.order - b.order)
    .map(({ p }) => p);
}

// Lists of codes read best on one line, as in the hand-written sample.
const FLOW_LISTS = new Set(['acceptedAt', 'steps', 'specialStages', 'dependsOn']);

/** Writes items as a catalogue file that {@link parseCatalogue} reads back to the same items. */
export function catalogueToYaml(items: readonly CatalogueItem[]): string {
  // Fixed key order, so files written by tools diff cleanly against hand-edited ones.
  const plain = items.map((it) => ({
    code: it.code,
    name: it.name,
    departmentCode: it.departmentCode,
    audience: it.audience,
    acceptedAt: it.acceptedAt,
    onTheSpot: it.onTheSpot,
    statutoryLimitDays: it.statutoryLimitDays,
    committedLimitDays: it.committedLimitDays,
    steps: it.steps,
    specialStages: it.specialStages,
    online: it.online,
    producesLicenceType: it.producesLicenceType,
    dependsOn: it.dependsOn,
    conditions: it.conditions,
    legalBasis: it.legalBasis,
    materials: it.materials.map((m) => ({
      code: m.code,
      name: m.name,
      form: m.form,
      copies: m.copies,
      requirement: m.requirement,
      ...(m.condition !== undefined && { condition: m.condition }),
      ...(m.note !== undefined && { note: m.note }),
    })),
    fees: it.fees.map((f) => ({ name: f.name, amountYuan: f.amountYuan, basis: f.basis })),
    ...(it.consultationPhone !== undefined && { consultationPhone: it.consultationPhone }),
    ...(it.supervisionPhone !== undefined && { supervisionPhone: it.supervisionPhone }),
  }));
  const doc = new Document({ items: plain });
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && FLOW_LISTS.has(String(pair.key.value)) && isSeq(pair.value)) pair.value.flow = true;
    },
  });
  // A blank line between items, as between the entries of a printed guide.
  const list = doc.get('items', true);
  if (isSeq(list)) list.items.forEach((entry, i) => i > 0 && isMap(entry) && (entry.spaceBefore = true));
  // The project's Prettier style (single quotes, no padding in flow lists), so `npm run format` leaves the file alone.
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false, singleQuote: true });
}
