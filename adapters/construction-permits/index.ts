/**
 * Housing and construction's building permits (建筑工程施工许可证), exported as JSON
 * (`{ exportedAt, permits: [...] }`), mapped onto LicenceIssue with type CONSTRUCTION_PERMIT.
 */
import { z } from 'zod';
import type { LicenceIssue } from '../canonical.js';
import {
  AdapterFileError,
  area,
  code,
  decodeText,
  LICENCE_STATUS,
  line,
  oneOf,
  parseDate,
  positiveInteger,
  sourceId,
  uscc,
  wanToYuan,
  type Adapter,
  type ParsedRecord,
} from '../adapter.js';
import { CrossChecks, optional, readFields, required } from '../fields.js';

const exportFile = z.object({
  exportedAt: z.unknown().optional(),
  permits: z.array(z.unknown(), { error: 'expected "permits" to be an array of permits' }),
});

const FIELDS = {
  sourceRecordId: { source: 'recordId', schema: required(code(100)) },
  sourceVersion: { source: 'version', schema: required(positiveInteger) },
  number: { source: 'permitNo', schema: required(code(64)) },
  holderUscc: { source: 'builderUscc', schema: required(uscc) },
  projectName: { source: 'projectName', canonical: 'attributes.projectName', schema: required(line(200)) },
  location: { source: 'location', canonical: 'attributes.location', schema: required(line(300)) },
  contractAmount: { source: 'contractAmountWan', canonical: 'attributes.contractAmount', schema: optional(wanToYuan) },
  floorArea: { source: 'floorArea', canonical: 'attributes.floorArea', schema: optional(area) },
  issuedOn: { source: 'issueDate', schema: required(parseDate) },
  validUntil: { source: 'validUntil', schema: optional(parseDate) },
  status: { source: 'status', schema: required(oneOf(LICENCE_STATUS, 'permit status')) },
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const constructionPermits: Adapter<LicenceIssue> = {
  name: 'construction-permits',
  department: 'HC',
  kind: 'licence',
  format: 'json',
  description:
    '建筑工程施工许可证 (building permits) from the housing and construction bureau: JSON { exportedAt, permits: [...] }',

  parse(input, file) {
    const { text } = decodeText(input, file);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new AdapterFileError(file, `not JSON: ${(e as Error).message}`);
    }
    const shape = exportFile.safeParse(json);
    if (!shape.success) {
      throw new AdapterFileError(
        file,
        `not a building-permit export: ${shape.error.issues.map((i) => i.message).join('; ')}`,
      );
    }
    return shape.data.permits.map((p, i): ParsedRecord => {
      const location = { file, path: `$.permits[${i}]` };
      if (!isObject(p)) {
        const got = p === null ? 'null' : Array.isArray(p) ? 'an array' : `a ${typeof p}`;
        return {
          location,
          sourceRecordId: null,
          raw: { value: p },
          problems: [{ field: null, reason: `a permit must be a JSON object, got ${got}` }],
        };
      }
      return { location, sourceRecordId: sourceId(p.recordId), raw: p, problems: [] };
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
    const attributes: LicenceIssue['attributes'] = { projectName: f.projectName, location: f.location };
    if (f.contractAmount !== null) attributes.contractAmount = f.contractAmount;
    if (f.floorArea !== null) attributes.floorArea = f.floorArea;
    return {
      ok: true,
      record: {
        kind: 'licence',
        sourceRecordId: f.sourceRecordId,
        sourceVersion: f.sourceVersion,
        typeCode: 'CONSTRUCTION_PERMIT',
        number: f.number,
        holderUscc: f.holderUscc,
        issuedOn: f.issuedOn,
        // A building permit takes effect when it is issued.
        validFrom: f.issuedOn,
        validUntil: f.validUntil,
        // What the permit allows: building this project.
        scope: f.projectName,
        attributes,
        status: f.status,
      },
    };
  },
};
