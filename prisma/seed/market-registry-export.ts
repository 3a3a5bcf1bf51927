/**
 * Generates market-registry CSV exports (the adapter's own format) for tests and benchmarks.
 */
import { demoEnterprise } from './demo.js';

export const MARKET_REGISTRY_HEADER =
  '统一社会信用代码,企业名称,企业类型,法定代表人,法定代表人证件号码,注册资本(万元),成立日期,登记机关,住所,所属街道,经营范围,登记状态,联系电话,记录编号,版本号';

const TYPE_LABEL: Record<string, string> = {
  LIMITED_LIABILITY_COMPANY: '有限责任公司',
  JOINT_STOCK_COMPANY: '股份有限公司',
  SOLE_PROPRIETORSHIP: '个人独资企业',
  PARTNERSHIP: '合伙企业',
  INDIVIDUAL_BUSINESS: '个体工商户',
  FARMERS_COOPERATIVE: '农民专业合作社',
  FOREIGN_INVESTED: '外商投资企业',
  BRANCH: '分公司',
  OTHER: '其他',
};
const STATUS_LABEL: Record<string, string> = { ACTIVE: '存续', REVOKED: '吊销', CANCELLED: '注销', MOVED_OUT: '迁出' };

const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export interface GeneratedRow {
  uscc: string;
  name: string;
  line: string;
}

/** Row i of a generated export (deterministic; `offset` keeps generated sets apart). */
export function marketRegistryRow(
  i: number,
  opts: { offset?: number; version?: number; nameSuffix?: string } = {},
): GeneratedRow {
  const n = (opts.offset ?? 1_000_000) + i;
  const e = demoEnterprise(n);
  const name = `${e.name.replace(/（\d+）$/, '')}（${n}）${opts.nameSuffix ?? ''}`;
  const capitalWan = (Number(e.registeredCapital) / 10000).toString();
  const fields = [
    e.uscc,
    name,
    TYPE_LABEL[e.type]!,
    e.legalRepresentative,
    e.legalRepresentativeIdNumber,
    capitalWan,
    e.establishedOn.toISOString().slice(0, 10),
    '海珠区市场监督管理局',
    e.address,
    e.street,
    e.businessScope,
    STATUS_LABEL[e.status]!,
    e.contactPhone,
    `GEN-${n}`,
    String(opts.version ?? 1),
  ];
  return { uscc: e.uscc, name, line: fields.map(quote).join(',') };
}

export function marketRegistryCsv(
  count: number,
  opts: { offset?: number; version?: number; nameSuffix?: string } = {},
): { csv: string; rows: GeneratedRow[] } {
  const rows = Array.from({ length: count }, (_, i) => marketRegistryRow(i, opts));
  return { csv: [MARKET_REGISTRY_HEADER, ...rows.map((r) => r.line)].join('\n') + '\n', rows };
}
