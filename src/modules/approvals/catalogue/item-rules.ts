/**
 * Rules between the fields of one catalogue item (limits, on-the-spot items, steps, materials,
 * fees, repeated entries), and the item schema that applies them after the field shapes.
 */
import { AMOUNT, itemShape, STEPS } from './catalogue-format.js';
import { isRecord, listOf, trimmed, type Report } from './catalogue-problems.js';

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

type Raw = Record<string, unknown>;

/** Limits in working days and on-the-spot (即办) items. */
function limitProblems(raw: Raw, report: Report): void {
  const onTheSpot = raw.onTheSpot === true;
  const statutory = typeof raw.statutoryLimitDays === 'number' ? raw.statutoryLimitDays : null;
  const committed = typeof raw.committedLimitDays === 'number' ? raw.committedLimitDays : null;
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
  if (onTheSpot && listOf(raw.specialStages).length > 0) {
    report(['specialStages'], 'an on-the-spot (即办) item cannot have special stages');
  }
}

/** Lists that must not repeat an entry, and an item that depends on itself. */
function listProblems(raw: Raw, report: Report): void {
  checkDuplicates(listOf(raw.acceptedAt), 'acceptedAt', report, 'place');
  checkDuplicates(listOf(raw.specialStages), 'specialStages', report, 'stage');
  checkDuplicates(listOf(raw.dependsOn), 'dependsOn', report, 'item');
  const ownCode = trimmed(raw.code);
  listOf(raw.dependsOn).forEach((d, i) => {
    if (ownCode !== null && trimmed(d) === ownCode) report(['dependsOn', i], 'an item cannot depend on itself');
  });
}

/** The standard steps: from ACCEPTANCE to CONCLUSION, each once, in order. */
function stepProblems(raw: Raw, report: Report): void {
  const steps = listOf(raw.steps);
  if (steps.length === 0) return;
  if (steps[0] !== 'ACCEPTANCE') report(['steps', 0], 'the first step must be ACCEPTANCE (受理)');
  if (steps[steps.length - 1] !== 'CONCLUSION')
    report(['steps', steps.length - 1], 'the last step must be CONCLUSION (办结)');
  let previous = -1;
  steps.forEach((s, i) => {
    const rank = STEPS.findIndex((step) => step === s);
    if (rank < 0) return; // not a step at all: the shape check says so
    if (rank === previous) report(['steps', i], `${String(s)} is listed twice`);
    else if (rank < previous)
      report(['steps', i], `${String(s)} must come before ${STEPS[previous]} (order: ${STEPS.join(', ')})`);
    previous = Math.max(previous, rank);
  });
}

/** A shared material is found by the applicant's USCC, so only enterprise items can have one. */
function sharedSourceProblems(raw: Raw, m: Raw, i: number, report: Report): void {
  if (!isRecord(m.shared)) return;
  if (raw.audience === 'PERSON') {
    report(['materials', i, 'shared'], 'the libraries hold enterprises: a material of a PERSON item cannot be shared');
  }
}

/** Material codes used once, conditions only on CONDITIONAL materials, and no zero fees. */
function materialAndFeeProblems(raw: Raw, report: Report): void {
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
    sharedSourceProblems(raw, m, i, report);
  });

  listOf(raw.fees).forEach((f, i) => {
    // A free item lists no fees; a zero fee would show up on receipts as a charge.
    if (isRecord(f) && typeof f.amountYuan === 'string' && AMOUNT.test(f.amountYuan) && Number(f.amountYuan) === 0) {
      report(['fees', i, 'amountYuan'], 'a free item lists no fees: remove this entry instead of charging 0');
    }
  });
}

/**
 * Rules between fields of one item. Works on the raw value and skips whatever has the wrong type
 * (the shape check reports that), so these problems are found in the same pass as shape problems.
 */
export function itemRuleProblems(raw: Raw, report: Report): void {
  limitProblems(raw, report);
  listProblems(raw, report);
  stepProblems(raw, report);
  materialAndFeeProblems(raw, report);
}

/** The zod schema of one item: field shapes plus the rules between fields (context-free: departments, licence types and dependencies are checked by {@link parseCatalogue}). */
export const catalogueItemSchema = itemShape.superRefine((item, ctx) => {
  itemRuleProblems(item, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
});
