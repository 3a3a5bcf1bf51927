/**
 * The fire brigade's safety inspection certificates for public venues (公众聚集场所投入使用、营业前
 * 消防安全检查合格证), exported as CSV with Chinese headers, mapped onto LicenceIssue.
 */
import type { LicenceIssue } from '../canonical.js';
import { area, code, LICENCE_STATUS, line, oneOf, parseDate, positiveInteger, uscc, type Adapter } from '../adapter.js';
import { readCsv } from '../csv.js';
import { CrossChecks, optional, readFields, required } from '../fields.js';

/** 核定容纳人数 is sometimes written with its unit (300人). */
const headCount = (s: string) => positiveInteger(s.replace(/\s*人$/, ''));

const FIELDS = {
  sourceRecordId: { source: '记录编号', schema: required(code(100)) },
  sourceVersion: { source: '版本号', schema: required(positiveInteger) },
  number: { source: '证书编号', schema: required(code(64)) },
  holderUscc: { source: '使用单位统一社会信用代码', schema: required(uscc) },
  venueName: { source: '场所名称', canonical: 'attributes.venueName', schema: required(line(200)) },
  venueAddress: { source: '场所地址', canonical: 'attributes.venueAddress', schema: required(line(300)) },
  scope: { source: '场所用途', schema: required(line(200)) },
  floorArea: { source: '使用面积(平方米)', canonical: 'attributes.floorArea', schema: optional(area) },
  maxOccupancy: { source: '核定容纳人数', canonical: 'attributes.maxOccupancy', schema: optional(headCount) },
  issuedOn: { source: '发证日期', schema: required(parseDate) },
  validUntil: { source: '有效期至', schema: optional(parseDate) },
  status: { source: '证书状态', schema: required(oneOf(LICENCE_STATUS, 'certificate status')) },
};

/** Columns a file may leave out: the certificate has no expiry by law, and the figures are optional attributes. */
const OPTIONAL_COLUMNS = [FIELDS.validUntil.source, FIELDS.floorArea.source, FIELDS.maxOccupancy.source];

export const fireSafety: Adapter<LicenceIssue> = {
  name: 'fire-safety',
  department: 'FR',
  kind: 'licence',
  format: 'csv',
  description:
    '公众聚集场所消防安全检查合格证 (fire safety certificates of public venues): CSV with Chinese headers, UTF-8',

  parse(input, file) {
    return readCsv(input, file, {
      required: Object.values(FIELDS)
        .map((f) => f.source)
        .filter((c) => !OPTIONAL_COLUMNS.includes(c)),
      optional: OPTIONAL_COLUMNS,
      idColumn: FIELDS.sourceRecordId.source,
      what: '消防安全检查合格证 (fire safety certificate) export',
    });
  },

  map(record) {
    if (record.problems.length > 0) return { ok: false, problems: record.problems };
    const r = readFields(record.raw, FIELDS);
    const checks = new CrossChecks(FIELDS);
    const v = r.values;
    if (v.issuedOn && v.validUntil && v.validUntil < v.issuedOn)
      checks.add('validUntil', `${v.validUntil} is before the issue date ${v.issuedOn}`);
    if (!r.ok || checks.problems.length > 0) return { ok: false, problems: [...r.problems, ...checks.problems] };
    const f = r.values;
    const attributes: LicenceIssue['attributes'] = { venueName: f.venueName, venueAddress: f.venueAddress };
    if (f.floorArea !== null) attributes.floorArea = f.floorArea;
    if (f.maxOccupancy !== null) attributes.maxOccupancy = f.maxOccupancy;
    return {
      ok: true,
      record: {
        kind: 'licence',
        sourceRecordId: f.sourceRecordId,
        sourceVersion: f.sourceVersion,
        typeCode: 'FIRE_SAFETY_CERTIFICATE',
        number: f.number,
        holderUscc: f.holderUscc,
        issuedOn: f.issuedOn,
        // The venue may open from the day the certificate is issued.
        validFrom: f.issuedOn,
        validUntil: f.validUntil,
        scope: f.scope,
        attributes,
        status: f.status,
      },
    };
  },
};
