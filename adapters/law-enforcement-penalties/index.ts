/**
 * Comprehensive law enforcement's administrative penalty decisions (行政处罚决定书), exported as XML
 * (`<penalties><penalty recordId version>...`), mapped onto PenaltyDecision.
 */
import { z } from 'zod';
import { LICENCE_TYPES, type LicenceTypeCode, type PenaltyDecision, type PenaltyKindCode } from '../canonical.js';
import {
  cleanText,
  code,
  fail,
  ok,
  parseDate,
  positiveInteger,
  text,
  toHalfWidth,
  uscc,
  yuan,
  type Adapter,
  type Conversion,
} from '../adapter.js';
import { CrossChecks, optional, readFields, required } from '../fields.js';
import { ATTR, readXml } from '../xml.js';

/** Kinds of penalty in the words of the Administrative Penalty Law (art. 9) and common variants. */
const KINDS: Readonly<Record<string, PenaltyKindCode>> = {
  警告: 'WARNING',
  通报批评: 'OTHER',
  罚款: 'FINE',
  没收违法所得: 'CONFISCATION',
  没收非法财物: 'CONFISCATION',
  没收违法所得和非法财物: 'CONFISCATION',
  暂扣许可证件: 'LICENCE_SUSPENSION',
  暂扣许可证: 'LICENCE_SUSPENSION',
  暂扣执照: 'LICENCE_SUSPENSION',
  降低资质等级: 'OTHER',
  吊销许可证件: 'LICENCE_REVOCATION',
  吊销许可证: 'LICENCE_REVOCATION',
  吊销执照: 'LICENCE_REVOCATION',
  限制开展生产经营活动: 'OTHER',
  责令停产停业: 'SUSPENSION_OF_BUSINESS',
  责令关闭: 'OTHER',
  限制从业: 'OTHER',
  行政拘留: 'DETENTION',
};

const asList = (v: unknown): unknown[] => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]);

/** `<kinds><kind>警告</kind><kind>罚款</kind></kinds>`; a single <kind> listing several (警告、罚款) is split. */
const kinds = z.unknown().transform((v, ctx): PenaltyKindCode[] => {
  const items = asList(v && typeof v === 'object' && !Array.isArray(v) ? (v as { kind?: unknown }).kind : v);
  const words = items
    .map((i) => (i && typeof i === 'object' && '#text' in i ? i['#text'] : i))
    .flatMap((i) => (typeof i === 'string' ? i.split(/[、，,；;]/) : []))
    .map((w) => cleanText(w))
    .filter((w) => w !== '');
  if (words.length === 0) {
    ctx.issues.push({
      code: 'custom',
      message: 'is required: name at least one kind, e.g. <kind>罚款</kind>',
      input: v,
    });
    return z.NEVER;
  }
  const unknown = words.filter((w) => !Object.hasOwn(KINDS, w));
  for (const w of unknown) {
    ctx.issues.push({
      code: 'custom',
      message: `"${w}" is not a known kind of penalty (expected e.g. 警告, 罚款, 没收违法所得, 责令停产停业, 暂扣许可证件, 吊销许可证件, 行政拘留)`,
      input: w,
    });
  }
  if (unknown.length > 0) return z.NEVER;
  return [...new Set(words.map((w) => KINDS[w]!))];
});

/** A licence type by its hub code (CONSTRUCTION_PERMIT) or its Chinese name (建筑工程施工许可证). */
function licenceType(s: string): Conversion<LicenceTypeCode> {
  const c = toHalfWidth(s).toUpperCase();
  if (Object.hasOwn(LICENCE_TYPES, c)) return ok(c as LicenceTypeCode);
  const byName = (Object.keys(LICENCE_TYPES) as LicenceTypeCode[]).find((k) => LICENCE_TYPES[k].name === s);
  return byName
    ? ok(byName)
    : fail(`"${s}" is not a licence type known to the hub (${Object.keys(LICENCE_TYPES).join(', ')})`);
}

const attr = (name: string) => (raw: Record<string, unknown>) => raw[`${ATTR}${name}`];
/** `<licence type=".." number=".."/>`; a <licence> without attributes names no licence. */
const licenceAttr = (name: string) => (raw: Record<string, unknown>) => {
  const l = raw.licence;
  return l && typeof l === 'object' && !Array.isArray(l) ? (l as Record<string, unknown>)[`${ATTR}${name}`] : null;
};

const FIELDS = {
  sourceRecordId: { source: '@recordId', value: attr('recordId'), schema: required(code(100)) },
  sourceVersion: { source: '@version', value: attr('version'), schema: required(positiveInteger) },
  decisionNumber: { source: 'decisionNo', schema: required(code(100)) },
  enterpriseUscc: { source: 'uscc', schema: required(uscc) },
  facts: { source: 'facts', schema: required(text(4000)) },
  legalBasis: { source: 'legalBasis', schema: required(text(2000)) },
  kinds: { source: 'kinds', schema: kinds },
  fineAmount: { source: 'fineAmount', schema: optional(yuan) },
  confiscatedAmount: { source: 'confiscated', schema: optional(yuan) },
  decidedOn: { source: 'decidedOn', schema: required(parseDate) },
  publicityUntil: { source: 'publicityUntil', schema: optional(parseDate) },
  licenceType: {
    source: 'licence/@type',
    canonical: 'licence.typeCode',
    value: licenceAttr('type'),
    schema: optional(licenceType),
  },
  licenceNumber: {
    source: 'licence/@number',
    canonical: 'licence.number',
    value: licenceAttr('number'),
    schema: optional(code(64)),
  },
  suspensionUntil: { source: 'suspensionUntil', schema: optional(parseDate) },
};

export const lawEnforcementPenalties: Adapter<PenaltyDecision> = {
  name: 'law-enforcement-penalties',
  department: 'LE',
  kind: 'penalty',
  format: 'xml',
  description:
    '行政处罚决定 (penalty decisions) from the comprehensive law enforcement bureau: XML <penalties><penalty>...',

  parse(input, file) {
    return readXml(input, file, {
      root: 'penalties',
      record: 'penalty',
      lists: ['kinds.kind'],
      idAttribute: 'recordId',
      what: '行政处罚 (penalty decision) export',
    });
  },

  map(record) {
    if (record.problems.length > 0) return { ok: false, problems: record.problems };
    const r = readFields(record.raw, FIELDS);
    const c = new CrossChecks(FIELDS);
    const v = r.values;
    // A field that failed is undefined (its problem is already reported); an empty one is null.
    if (v.kinds) {
      const has = (k: PenaltyKindCode) => v.kinds!.includes(k);
      if (has('FINE') && v.fineAmount === null) c.add('fineAmount', 'is required when the kinds include 罚款 (FINE)');
      if (has('FINE') && v.fineAmount === '0.00') c.add('fineAmount', 'must be greater than 0 for a fine');
      if (!has('FINE') && v.fineAmount) c.add('fineAmount', 'is given, but the kinds do not include 罚款 (FINE)');
      if (!has('CONFISCATION') && v.confiscatedAmount)
        c.add('confiscatedAmount', 'is given, but the kinds do not include 没收 (CONFISCATION)');
      const affectsLicence = has('LICENCE_SUSPENSION') || has('LICENCE_REVOCATION');
      if (affectsLicence) {
        const why = 'is required when the kinds include 暂扣许可证件 or 吊销许可证件: name the licence';
        if (v.licenceType === null) c.add('licenceType', why);
        if (v.licenceNumber === null) c.add('licenceNumber', why);
      } else if (v.licenceType || v.licenceNumber) {
        c.add(
          v.licenceType ? 'licenceType' : 'licenceNumber',
          'is given, but only 暂扣许可证件 or 吊销许可证件 affect a licence',
        );
      }
      if (has('LICENCE_SUSPENSION') && v.suspensionUntil === null)
        c.add('suspensionUntil', 'is required when the kinds include 暂扣许可证件: the last day of the suspension');
      if (!has('LICENCE_SUSPENSION') && !has('SUSPENSION_OF_BUSINESS') && v.suspensionUntil) {
        c.add('suspensionUntil', 'is given, but the kinds include neither 暂扣许可证件 nor 责令停产停业');
      }
    }
    if (v.decidedOn) {
      if (v.publicityUntil && v.publicityUntil < v.decidedOn)
        c.add('publicityUntil', `${v.publicityUntil} is before the decision date ${v.decidedOn}`);
      if (v.suspensionUntil && v.suspensionUntil < v.decidedOn)
        c.add('suspensionUntil', `${v.suspensionUntil} is before the decision date ${v.decidedOn}`);
    }
    if (!r.ok || c.problems.length > 0) return { ok: false, problems: [...r.problems, ...c.problems] };
    const f = r.values;
    return {
      ok: true,
      record: {
        kind: 'penalty',
        sourceRecordId: f.sourceRecordId,
        sourceVersion: f.sourceVersion,
        decisionNumber: f.decisionNumber,
        enterpriseUscc: f.enterpriseUscc,
        facts: f.facts,
        legalBasis: f.legalBasis,
        kinds: f.kinds,
        fineAmount: f.fineAmount,
        confiscatedAmount: f.confiscatedAmount,
        decidedOn: f.decidedOn,
        publicityUntil: f.publicityUntil,
        licence: f.licenceType && f.licenceNumber ? { typeCode: f.licenceType, number: f.licenceNumber } : null,
        suspensionUntil: f.suspensionUntil,
      },
    };
  },
};
