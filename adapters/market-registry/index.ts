/**
 * Market regulation's enterprise register (市场主体登记), exported as CSV with Chinese headers in
 * UTF-8 or GB 18030, mapped onto EnterpriseRegistration.
 */
import type { EnterpriseRegistration, EnterpriseStatusCode, EnterpriseTypeCode } from '../canonical.js';
import {
  code,
  fail,
  identityNumber,
  line,
  ok,
  parseDate,
  personName,
  phone,
  positiveInteger,
  text,
  toHalfWidth,
  uscc,
  wanToYuan,
  type Adapter,
  type Conversion,
} from '../adapter.js';
import { readCsv } from '../csv.js';
import { CrossChecks, optional, readFields, required } from '../fields.js';

/**
 * 企业类型 as the register writes it: the plain types, and the register's longer forms such as
 * 有限责任公司（自然人投资或控股） or 有限责任公司分公司. Rules are tried in order: a branch of a
 * company is a branch, a foreign-invested company limited by shares is foreign-invested.
 */
const TYPE_RULES: [RegExp, EnterpriseTypeCode][] = [
  [/分公司|分支机构|分店/, 'BRANCH'],
  [/外商|外资|外国|中外|港澳台|台港澳/, 'FOREIGN_INVESTED'],
  [/^有限责任公司/, 'LIMITED_LIABILITY_COMPANY'],
  [/^股份有限公司/, 'JOINT_STOCK_COMPANY'],
  [/^个人独资企业/, 'SOLE_PROPRIETORSHIP'],
  [/合伙企业$|^(普通|有限|特殊普通)合伙/, 'PARTNERSHIP'],
  [/^个体工商户|^个体户$/, 'INDIVIDUAL_BUSINESS'],
  [/^农民专业合作社/, 'FARMERS_COOPERATIVE'],
  [/^(全民所有制|集体所有制|股份合作制|联营|其他)/, 'OTHER'],
];

function enterpriseType(s: string): Conversion<EnterpriseTypeCode> {
  const t = toHalfWidth(s).replace(/\s/g, '');
  const rule = TYPE_RULES.find(([re]) => re.test(t));
  return rule
    ? ok(rule[1])
    : fail(
        `"${s}" is not a known enterprise type (e.g. 有限责任公司, 股份有限公司, 个人独资企业, 合伙企业, 个体工商户, 农民专业合作社, 外商投资企业, 分公司)`,
      );
}

/** 登记状态, including the register's forms 存续（在营、开业、在册） and 吊销，已注销 (revoked, then cancelled: cancelled). */
function enterpriseStatus(s: string): Conversion<EnterpriseStatusCode> {
  const t = toHalfWidth(s).replace(/\s/g, '');
  if (/^(存续|在业|在营|开业|在册)/.test(t)) return ok('ACTIVE');
  if (/^吊销.*已注销/.test(t)) return ok('CANCELLED');
  if (/^吊销/.test(t)) return ok('REVOKED');
  if (/^(已)?注销/.test(t)) return ok('CANCELLED');
  if (/^(已)?迁出/.test(t)) return ok('MOVED_OUT');
  return fail(`"${s}" is not a known registration status (expected 存续, 在业, 开业, 吊销, 注销 or 迁出)`);
}

/** Registration authorities known by name; others must be given as the hub's department code. */
const AUTHORITIES: Readonly<Record<string, string>> = {
  海珠区市场监督管理局: 'MR',
  广州市海珠区市场监督管理局: 'MR',
};

function registrationAuthority(s: string): Conversion<string> {
  const name = s.replace(/\s/g, '');
  if (Object.hasOwn(AUTHORITIES, name)) return ok(AUTHORITIES[name]!);
  const c = toHalfWidth(name).toUpperCase();
  if (/^[A-Z][A-Z0-9-]{0,39}$/.test(c)) return ok(c);
  return fail(
    `"${s}" is neither a known registration authority (${Object.keys(AUTHORITIES).join(', ')}) nor a department code such as MR`,
  );
}

/** Haizhu's eighteen streets (街道); the register sometimes leaves out the word 街道. */
export const HAIZHU_STREETS = [
  '赤岗街道',
  '新港街道',
  '昌岗街道',
  '江南中街道',
  '滨江街道',
  '素社街道',
  '海幢街道',
  '南华西街道',
  '龙凤街道',
  '沙园街道',
  '南石头街道',
  '凤阳街道',
  '瑞宝街道',
  '江海街道',
  '琶洲街道',
  '南洲街道',
  '华洲街道',
  '官洲街道',
] as const;

function street(s: string): Conversion<string> {
  const t = s.replace(/\s/g, '');
  const full = t.endsWith('街道') ? t : `${t}街道`;
  return (HAIZHU_STREETS as readonly string[]).includes(full)
    ? ok(full)
    : fail(`"${s}" is not a street of Haizhu district`);
}

/**
 * GB 32100: a code issued by market regulation starts with 9, and its 2nd character is the kind of
 * subject: 1 enterprise, 2 individual business, 3 farmers' cooperative. A mismatch with 企业类型
 * means one of the two columns is wrong.
 */
const USCC_CATEGORY: Partial<Record<EnterpriseTypeCode, string>> = {
  INDIVIDUAL_BUSINESS: '2',
  FARMERS_COOPERATIVE: '3',
};
const CATEGORY_NAME: Record<string, string> = {
  '1': 'an enterprise',
  '2': 'an individual business (个体工商户)',
  '3': "a farmers' cooperative (农民专业合作社)",
};

const FIELDS = {
  sourceRecordId: { source: '记录编号', schema: required(code(100)) },
  sourceVersion: { source: '版本号', schema: required(positiveInteger) },
  uscc: { source: '统一社会信用代码', schema: required(uscc) },
  name: { source: '企业名称', schema: required(line(200)) },
  type: { source: '企业类型', schema: required(enterpriseType) },
  legalRepresentative: { source: '法定代表人', schema: required(personName(100)) },
  legalRepresentativeIdNumber: { source: '法定代表人证件号码', schema: required(identityNumber) },
  registeredCapital: { source: '注册资本(万元)', schema: required(wanToYuan) },
  establishedOn: { source: '成立日期', schema: required(parseDate) },
  registrationAuthorityCode: { source: '登记机关', schema: required(registrationAuthority) },
  address: { source: '住所', schema: required(line(300)) },
  street: { source: '所属街道', schema: required(street) },
  businessScope: { source: '经营范围', schema: required(text(4000)) },
  status: { source: '登记状态', schema: required(enterpriseStatus) },
  contactPhone: { source: '联系电话', schema: optional(phone) },
};

export const marketRegistry: Adapter<EnterpriseRegistration> = {
  name: 'market-registry',
  department: 'MR',
  kind: 'enterprise',
  format: 'csv',
  description: '市场主体登记信息 (market regulation enterprise register): CSV with Chinese headers, UTF-8 or GB 18030',

  parse(input, file) {
    return readCsv(input, file, {
      required: Object.values(FIELDS)
        .map((f) => f.source)
        .filter((c) => c !== FIELDS.contactPhone.source),
      optional: [FIELDS.contactPhone.source],
      idColumn: FIELDS.sourceRecordId.source,
      multiline: [FIELDS.businessScope.source],
      what: '市场主体登记 (enterprise register) export',
    });
  },

  map(record) {
    if (record.problems.length > 0) return { ok: false, problems: record.problems };
    const r = readFields(record.raw, FIELDS);
    const checks = new CrossChecks(FIELDS);
    const v = r.values;
    if (v.uscc?.startsWith('9') && v.type) {
      const expected = USCC_CATEGORY[v.type] ?? '1';
      const actual = v.uscc[1]!;
      if (actual !== expected && CATEGORY_NAME[actual]) {
        checks.add(
          'type',
          `${v.type} does not match the USCC ${v.uscc}, whose 2nd character "${actual}" marks ${CATEGORY_NAME[actual]}`,
        );
      }
    }
    if (!r.ok || checks.problems.length > 0) return { ok: false, problems: [...r.problems, ...checks.problems] };
    return { ok: true, record: { kind: 'enterprise', ...r.values } };
  },
};
