/**
 * The hub's canonical inputs: what every department adapter maps its own format onto, and what
 * the ingestion pipeline applies (once, keyed by source system + source record id).
 * Field rules (USCC check, ID numbers, dates...) are enforced again by the hub's services.
 */

/** Where a record stands in its source file, for quarantine and reports. */
export interface SourceLocation {
  file: string;
  /** 1-based line (CSV: the line of the record, header = line 1). */
  line?: number;
  /** Path inside a structured file, e.g. `$.permits[3]` (JSON) or `/penalties/penalty[4]` (XML). */
  path?: string;
}

export type EnterpriseTypeCode =
  | 'LIMITED_LIABILITY_COMPANY'
  | 'JOINT_STOCK_COMPANY'
  | 'SOLE_PROPRIETORSHIP'
  | 'PARTNERSHIP'
  | 'INDIVIDUAL_BUSINESS'
  | 'FARMERS_COOPERATIVE'
  | 'FOREIGN_INVESTED'
  | 'BRANCH'
  | 'OTHER';

export type EnterpriseStatusCode = 'ACTIVE' | 'REVOKED' | 'CANCELLED' | 'MOVED_OUT';

/** An enterprise registration (market regulation). Dates are 'YYYY-MM-DD'; money is yuan as a decimal string. */
export interface EnterpriseRegistration {
  kind: 'enterprise';
  sourceRecordId: string;
  sourceVersion: number;
  uscc: string;
  name: string;
  type: EnterpriseTypeCode;
  legalRepresentative: string;
  legalRepresentativeIdNumber: string;
  registeredCapital: string;
  establishedOn: string;
  registrationAuthorityCode: string;
  address: string;
  street: string;
  businessScope: string;
  status: EnterpriseStatusCode;
  contactPhone: string | null;
}

export type LicenceStatusCode = 'VALID' | 'SUSPENDED' | 'REVOKED' | 'CANCELLED';

/** Licence types known to the hub (seeded; more can be added). */
export const LICENCE_TYPES = {
  CONSTRUCTION_PERMIT: { name: '建筑工程施工许可证', department: 'HC' },
  FIRE_SAFETY_CERTIFICATE: { name: '公众聚集场所投入使用、营业前消防安全检查合格证', department: 'FR' },
  FOOD_BUSINESS_LICENCE: { name: '食品经营许可证', department: 'MR' },
  DISCHARGE_PERMIT: { name: '排污许可证', department: 'EE' },
  PUBLIC_HEALTH_LICENCE: { name: '公共场所卫生许可证', department: 'HE' },
} as const;
export type LicenceTypeCode = keyof typeof LICENCE_TYPES;

/** A licence or certificate issued (or re-issued with changes) by the department that owns its type. */
export interface LicenceIssue {
  kind: 'licence';
  sourceRecordId: string;
  sourceVersion: number;
  typeCode: LicenceTypeCode;
  number: string;
  holderUscc: string;
  issuedOn: string;
  validFrom: string;
  /** null: no expiry. */
  validUntil: string | null;
  scope: string;
  /** Typed attributes of the licence type (strings, numbers, booleans, 'YYYY-MM-DD' dates). */
  attributes: Record<string, string | number | boolean>;
  status: LicenceStatusCode;
}

export type PenaltyKindCode =
  | 'WARNING'
  | 'FINE'
  | 'CONFISCATION'
  | 'SUSPENSION_OF_BUSINESS'
  | 'LICENCE_SUSPENSION'
  | 'LICENCE_REVOCATION'
  | 'DETENTION'
  | 'OTHER';

/** An administrative penalty decision (行政处罚决定). */
export interface PenaltyDecision {
  kind: 'penalty';
  sourceRecordId: string;
  sourceVersion: number;
  decisionNumber: string;
  enterpriseUscc: string;
  facts: string;
  legalBasis: string;
  kinds: PenaltyKindCode[];
  /** Fine in yuan, decimal string; required when kinds has FINE. */
  fineAmount: string | null;
  /** Value of confiscated goods/income in yuan, decimal string. */
  confiscatedAmount: string | null;
  decidedOn: string;
  /** Last day of publicity (公示截止日期). */
  publicityUntil: string | null;
  /** The licence affected; required when kinds has LICENCE_SUSPENSION or LICENCE_REVOCATION. */
  licence: { typeCode: LicenceTypeCode; number: string } | null;
  /** Last day of a licence suspension. */
  suspensionUntil: string | null;
}

export type CanonicalRecord = EnterpriseRegistration | LicenceIssue | PenaltyDecision;
export type CanonicalKind = CanonicalRecord['kind'];

/** A problem with one field of one record; field is null for record-level problems. */
export interface FieldProblem {
  field: string | null;
  reason: string;
}
