/**
 * The format of a service catalogue file (政务服务清单 / 明白册): the allowed values, the documented
 * shape of an item, and its zod schema (field shapes only; rules between fields are in item-rules.ts).
 */
import { z } from 'zod';

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
/**
 * Where the hub finds a material itself, so the applicant need not submit it (一次提交、共享获取):
 * the applicant's registration in the Subject Library, or a licence it holds in the Approval Library.
 */
export const SHARED_SOURCES = ['SUBJECT_REGISTRATION', 'LICENCE'] as const;
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
/** One of {@link SHARED_SOURCES}. */
export type SharedSourceKind = (typeof SHARED_SOURCES)[number];
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
  /** The library datum that stands in for the material (免于提交 when the applicant has it). */
  shared?: SharedSource;
}

/**
 * A material's shared source: `SUBJECT_REGISTRATION` is the applicant's own registration in the
 * Subject Library (营业执照); `LICENCE` is a valid licence of `licenceType` the applicant holds.
 */
export type SharedSource = { source: 'SUBJECT_REGISTRATION' } | { source: 'LICENCE'; licenceType: string };

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

/** An item code: district, department, number (HZ-MR-001). */
export const ITEM_CODE = /^[A-Z]{2,}(?:-[A-Z0-9]+)*-\d{3,}$/;
const MATERIAL_CODE = /^[A-Z0-9][A-Z0-9-]{0,19}$/;
// Fixed lines with optional area code and extension, short hotlines such as 12345, and mobiles.
const PHONE = /^(?:(?:\d{3,4}-)?\d{5,8}(?:-\d{1,6})?|1\d{10})$/;
/** An amount in yuan with at most two decimals. */
export const AMOUNT = /^\d{1,9}(?:\.\d{1,2})?$/;
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
  shared: z
    .discriminatedUnion('source', [
      z.strictObject({ source: z.literal('SUBJECT_REGISTRATION') }),
      z.strictObject({ source: z.literal('LICENCE'), licenceType: text(60) }),
    ])
    .optional(),
});

const feeSchema = z.strictObject({
  name: text(100),
  // A YAML number would silently lose trailing zeros (and float precision), so only quoted strings are accepted.
  amountYuan: z.string().regex(AMOUNT, 'must be an amount in yuan with at most 2 decimals, e.g. "120.00"'),
  basis: text(300),
});

// Shape only: the rules that relate fields to each other live in `itemRuleProblems`, which also runs
// on items whose shape is broken, so that one pass reports everything.
export const itemShape = z.strictObject({
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
