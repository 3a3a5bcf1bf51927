/**
 * HTML of the approval workflow's public pages: the item guide (明白册), the acceptance receipt
 * (受理回执) and case progress. Self-contained (no external assets), printable, no personal data
 * beyond what the receipt holder already has. All text in Chinese, all times in Beijing time.
 */
import { shanghaiTimeHtml } from '../../../web/time.js';

export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const STYLE = `
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f5f7;color:#111;font-size:17px;line-height:1.55}
main{max-width:820px;margin:0 auto;padding:16px}
h1{font-size:26px;margin:8px 0 4px}h2{font-size:19px;margin:20px 0 8px;border-left:4px solid #1f5fbf;padding-left:8px}
.card{background:#fff;border-radius:10px;padding:16px;box-shadow:0 1px 2px rgba(0,0,0,.08);margin-bottom:12px}
dl{display:grid;grid-template-columns:auto 1fr;gap:6px 14px;margin:0}dt{color:#555}dd{margin:0;font-weight:600}
table{width:100%;border-collapse:collapse}th,td{padding:6px 4px;border-top:1px solid #ddd;text-align:left;vertical-align:top}
.muted{color:#666;font-size:14px}.tag{display:inline-block;padding:1px 8px;border-radius:6px;color:#fff;font-size:14px}
.GREEN{background:#1a7f37}.YELLOW{background:#b7791f}.RED{background:#b42318}.GREY{background:#555}
.qr{width:150px;height:150px;float:right;margin-left:12px}.qr svg{width:100%;height:100%}
ol.steps{padding-left:20px}ol.steps li{margin:4px 0}
.nowrap{white-space:nowrap}.scroll{overflow-x:auto}.scroll table{min-width:680px}
footer{color:#666;font-size:13px;margin-top:16px;text-align:center}
@media print{body{background:#fff;font-size:12pt}main{max-width:none;padding:0}.card{box-shadow:none;border:1px solid #999;break-inside:avoid}.noprint{display:none}a{color:#000;text-decoration:none}}`;

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body><main>${body}<footer>海珠区政务服务 · 一台两库</footer></main></body></html>`;
}

export const PLACE: Record<string, string> = {
  DISTRICT_CENTRE: '区政务服务中心',
  STREET_CENTRE: '街道政务服务中心',
  COMMUNITY_STATION: '社区服务站',
};
const ONLINE: Record<string, string> = {
  NONE: '不可网上办理',
  BOOKING: '可网上预约',
  PRE_REVIEW: '可网上预审',
  FULLY_ONLINE: '可全程网上办理',
};
const STEP: Record<string, string> = {
  ACCEPTANCE: '受理',
  UNDERTAKING: '承办',
  REVIEW: '审核',
  APPROVAL: '批准',
  CONCLUSION: '办结',
};
const STAGE: Record<string, string> = {
  HEARING: '听证',
  SITE_INSPECTION: '现场勘察',
  TESTING: '检验检测',
  EXPERT_REVIEW: '专家评审',
  BIDDING: '招标',
  QUARANTINE: '检疫',
  SUPPLEMENTING: '补正材料',
  OTHER: '特殊环节',
};
export const STATE: Record<string, string> = {
  SUBMITTED: '待补正材料',
  NOT_ACCEPTED: '不予受理',
  ACCEPTED: '已受理',
  UNDERTAKEN: '承办中',
  REVIEWED: '已审核',
  APPROVED: '已批准',
  REJECTED: '不予许可',
  CONCLUDED: '已办结',
};
const FORM: Record<string, string> = {
  ORIGINAL: '原件',
  COPY: '复印件',
  ORIGINAL_AND_COPY: '原件及复印件',
  ELECTRONIC: '电子材料',
};
export const LIGHT: Record<string, string> = { GREEN: '绿灯 正常', YELLOW: '黄灯 临近期限', RED: '红灯 已超期' };

export interface GuideItem {
  code: string;
  name: string;
  audience: string;
  acceptedAt: string[];
  onTheSpot: boolean;
  conditions: string[];
  legalBasis: string[];
  materials: {
    code: string;
    name: string;
    form: string;
    copies: number;
    requirement: string;
    condition: string | null;
    note: string | null;
    sharedSource: { source: string; licenceType: string | null } | null;
  }[];
  steps: string[];
  specialStages: string[];
  statutoryLimitDays: number;
  committedLimitDays: number;
  fees: { name: string; amountYuan: string; basis: string }[];
  online: string;
  producesLicenceType: string | null;
  dependsOn: { code: string; name: string }[];
  consultationPhone: string | null;
  supervisionPhone: string | null;
  department: { name: string | null } | null;
}

/** The guide of an item; licenceTypeName is the name of the licence it produces (the item carries only its code). */
/** What the guide says of a material the libraries hold. */
function sharedNote(m: GuideItem['materials'][number], licenceTypes: ReadonlyMap<string, string>): string {
  if (!m.sharedSource) return '';
  const what =
    m.sharedSource.source === 'LICENCE'
      ? `证照库中本企业有效的${esc(licenceTypes.get(m.sharedSource.licenceType ?? '') ?? m.sharedSource.licenceType ?? '')}`
      : '主体库中本企业的登记信息';
  return `<div class="muted">通过一台两库共享获取，免于提交（${what}）</div>`;
}

/** The guide of an item; licenceTypes names licence types by code (the item carries only codes). */
export function guidePage(i: GuideItem, licenceTypes: ReadonlyMap<string, string>): string {
  const licenceTypeName = i.producesLicenceType ? (licenceTypes.get(i.producesLicenceType) ?? null) : null;
  const list = (xs: string[]) => (xs.length ? `<ol>${xs.map((x) => `<li>${esc(x)}</li>`).join('')}</ol>` : '<p>无</p>');
  const materials = i.materials
    .map(
      (m) =>
        `<tr><td>${esc(m.code)}</td><td>${esc(m.name)}${m.note && !m.sharedSource ? `<div class="muted">${esc(m.note)}</div>` : ''}${sharedNote(m, licenceTypes)}</td><td>${esc(FORM[m.form] ?? m.form)}</td><td>${m.copies}</td><td>${
          m.requirement === 'REQUIRED' ? '必须' : `视情况：${esc(m.condition ?? '')}`
        }</td></tr>`,
    )
    .join('');
  const fees = i.fees.length
    ? `<table><tr><th>收费项目</th><th>金额（元）</th><th>依据</th></tr>${i.fees.map((f) => `<tr><td>${esc(f.name)}</td><td>${esc(f.amountYuan)}</td><td>${esc(f.basis)}</td></tr>`).join('')}</table>`
    : '<p>不收费</p>';
  return page(
    `${i.name} 办事指南`,
    `<h1>${esc(i.name)}</h1><p class="muted">事项编码 ${esc(i.code)} · 办事指南（明白册）</p>
<div class="card"><dl>
<dt>实施部门</dt><dd>${esc(i.department?.name ?? '')}</dd>
<dt>服务对象</dt><dd>${i.audience === 'PERSON' ? '个人' : '企业'}</dd>
<dt>受理地点</dt><dd>${i.acceptedAt.map((p) => esc(PLACE[p] ?? p)).join('、')}</dd>
<dt>法定时限</dt><dd>${i.statutoryLimitDays} 个工作日</dd>
<dt>承诺时限</dt><dd>${i.committedLimitDays === 0 ? '即时办结' : `${i.committedLimitDays} 个工作日`}${i.onTheSpot ? '（即办件）' : ''}</dd>
<dt>网上办理</dt><dd>${esc(ONLINE[i.online] ?? i.online)}</dd>
${i.producesLicenceType ? `<dt>办理结果</dt><dd>${esc(licenceTypeName ?? i.producesLicenceType)}（自动归集至证照库，无需再次提交）</dd>` : ''}
<dt>咨询电话</dt><dd>${esc(i.consultationPhone ?? '—')}</dd>
<dt>监督电话</dt><dd>${esc(i.supervisionPhone ?? '—')}</dd>
</dl></div>
<h2>受理条件</h2><div class="card">${list(i.conditions)}</div>
<h2>申请材料</h2><div class="card"><table><tr><th>编号</th><th>材料名称</th><th>形式</th><th>份数</th><th>要求</th></tr>${materials}</table>
<p class="muted">材料不齐全的，窗口当场或者在五个工作日内一次性告知需补正的全部材料；逾期不告知的，自收到申请材料之日起即为受理（《中华人民共和国行政许可法》第三十二条）。</p></div>
<h2>办理流程</h2><div class="card"><ol class="steps">${i.steps.map((s) => `<li>${esc(STEP[s] ?? s)}</li>`).join('')}</ol>
${i.specialStages.length ? `<p>特殊环节（不计入办理时限）：${i.specialStages.map((s) => esc(STAGE[s] ?? s)).join('、')}</p>` : ''}</div>
<h2>收费标准</h2><div class="card">${fees}</div>
<h2>设定依据</h2><div class="card">${list(i.legalBasis)}</div>
${i.dependsOn.length ? `<h2>前置事项</h2><div class="card">${list(i.dependsOn.map((d) => `${d.code} ${d.name}`))}</div>` : ''}
<p class="noprint"><button onclick="window.print()">打印</button></p>`,
  );
}

export interface ReceiptView {
  receiptNumber: string;
  verificationCode: string;
  itemCode: string;
  itemName: string;
  applicantName: string;
  channel: string;
  acceptancePlace: string;
  state: string;
  acceptedAt: string | null;
  limitDays: number;
  statutoryLimitDays: number;
  deadline: string | null;
  materialsReceived: { code: string; name: string; copies: number }[];
  outstandingMaterials: { code: string; name: string; copies: number }[];
  sharedMaterials: { code: string; name: string }[];
  noticeDeferred: boolean;
  deemedAccepted: boolean;
  submittedAt: string;
  consultationPhone: string | null;
  supervisionPhone: string | null;
  progressUrl: string;
  department: { name: string | null } | null;
}

/** The receipt's title: acceptance, the one-time notice, receipt for checking, or not accepted. */
function receiptTitle(r: ReceiptView): string {
  if (r.state === 'NOT_ACCEPTED') return '不予受理通知';
  if (r.state !== 'SUBMITTED') return '受理回执';
  return r.outstandingMaterials.length ? '补正材料一次性告知书' : '收件凭证';
}

/** Received, shared and (only while something is outstanding) missing materials. */
function receiptMaterials(r: ReceiptView): string {
  const rows = (xs: { code: string; name: string; copies: number }[]) =>
    xs
      .map((m, n) => `<tr><td>${n + 1}</td><td>${esc(m.code)}</td><td>${esc(m.name)}</td><td>${m.copies}</td></tr>`)
      .join('');
  const table = (xs: { code: string; name: string; copies: number }[]) =>
    `<table><tr><th>#</th><th>编号</th><th>材料</th><th>份数</th></tr>${rows(xs)}</table>`;
  const shared = r.sharedMaterials.length
    ? `<h2>共享获取材料</h2><div class="card"><table><tr><th>编号</th><th>材料</th><th></th></tr>${r.sharedMaterials
        .map((m) => `<tr><td>${esc(m.code)}</td><td>${esc(m.name)}</td><td>通过一台两库共享获取，免于提交</td></tr>`)
        .join('')}</table></div>`
    : '';
  const outstanding = r.outstandingMaterials.length
    ? `<h2>需补正材料（一次性告知）</h2><div class="card">${table(r.outstandingMaterials)}<p class="muted">以上为需补正的全部材料，不会再要求提交清单以外的材料。</p></div>`
    : '';
  const deferred =
    r.state === 'SUBMITTED' && r.noticeDeferred
      ? '<div class="card"><p>申请材料已收取待审查。需要补正的，将在收到材料之日起五个工作日内一次性告知；逾期不告知的，自收到申请材料之日起即为受理（《中华人民共和国行政许可法》第三十二条）。</p></div>'
      : '';
  return `<h2>已收材料</h2><div class="card">${r.materialsReceived.length ? table(r.materialsReceived) : '<p>无</p>'}</div>${shared}${outstanding}${deferred}`;
}

export function receiptPage(r: ReceiptView, qrSvg: string, decisionUrl: string | null): string {
  const accepted = r.state !== 'SUBMITTED' && r.state !== 'NOT_ACCEPTED';
  const title = receiptTitle(r);
  return page(
    `${title} ${r.receiptNumber}`,
    `<h1>${title}</h1>
<div class="card"><div class="qr" aria-label="扫码查询办理进度">${qrSvg}</div><dl>
<dt>受理编号</dt><dd>${esc(r.receiptNumber)}</dd>
<dt>查询码</dt><dd>${esc(r.verificationCode)}</dd>
<dt>申请事项</dt><dd>${esc(r.itemName)}（${esc(r.itemCode)}）</dd>
<dt>申请人</dt><dd>${esc(r.applicantName)}</dd>
<dt>办理部门</dt><dd>${esc(r.department?.name ?? '')}</dd>
<dt>受理地点</dt><dd>${esc(PLACE[r.acceptancePlace] ?? r.acceptancePlace)}</dd>
<dt>收件时间</dt><dd>${shanghaiTimeHtml(r.submittedAt)}（北京时间）</dd>
${
  accepted
    ? `<dt>受理时间</dt><dd>${r.acceptedAt ? `${shanghaiTimeHtml(r.acceptedAt)}（北京时间）` : ''}${r.deemedAccepted ? '（依法视为受理）' : ''}</dd>
<dt>办理时限</dt><dd>${r.limitDays} 个工作日（法定 ${r.statutoryLimitDays} 个工作日）</dd>
<dt>办结期限</dt><dd>${esc(r.deadline ?? '')} 前</dd>`
    : ''
}
<dt>咨询电话</dt><dd>${esc(r.consultationPhone ?? '—')}</dd>
<dt>监督电话</dt><dd>${esc(r.supervisionPhone ?? '—')}</dd>
</dl></div>
${decisionUrl ? `<div class="card"><p>本申请不予受理，书面决定见 <a href="${esc(decisionUrl)}">不予受理决定书</a>。</p></div>` : ''}
${receiptMaterials(r)}
<p>扫描二维码或访问 <a href="${esc(r.progressUrl)}">${esc(r.progressUrl)}</a> 查询办理进度。法定听证、现场勘察、检验检测等特殊环节及补正材料时间不计入办理时限。</p>
<p class="noprint"><button onclick="window.print()">打印回执</button></p>`,
  );
}

export interface ProgressView {
  receiptNumber: string;
  itemName: string;
  state: string;
  outcome: string | null;
  acceptedOn: string | null;
  deadline: string | null;
  trafficLight: string | null;
  paused: boolean;
  pauseKind: string | null;
  concludedOn: string | null;
  onTime: boolean | null;
  outstandingMaterials: { code: string; name: string }[];
  department: { name: string | null } | null;
  steps: { action: string; state: string; occurredAt: string }[];
  /** The joint application (并联审批) this case is a branch of. */
  jointReceiptNumber: string | null;
}

const ACTION: Record<string, string> = {
  SUBMITTED: '提交申请',
  MATERIALS_MISSING: '一次性告知补正材料',
  CORRECTION_NOTICE: '一次性告知补正材料',
  NOT_ACCEPTED: '不予受理',
  DEEMED_ACCEPTED: '依法视为受理',
  SUPPLEMENTED: '补正材料',
  ACCEPTED: '受理',
  UNDERTAKE: '承办',
  REVIEW: '审核',
  APPROVE: '批准',
  REJECT: '不予许可',
  PAUSED: '进入特殊环节（暂停计时）',
  RESUMED: '恢复计时',
  CONCLUDE: '办结',
};

export function progressPage(p: ProgressView): string {
  const light = p.trafficLight
    ? `<span class="tag ${p.trafficLight}">${esc(LIGHT[p.trafficLight] ?? p.trafficLight)}</span>`
    : '';
  const steps = p.steps
    .map((s) => `<li>${shanghaiTimeHtml(s.occurredAt)} · ${esc(ACTION[s.action] ?? s.action)}</li>`)
    .join('');
  const outcome = p.outcome === 'APPROVED' ? '准予许可' : p.outcome === 'REJECTED' ? '不予许可' : null;
  return page(
    `办理进度 ${p.receiptNumber}`,
    `<h1>办理进度</h1>
<div class="card"><dl>
<dt>受理编号</dt><dd>${esc(p.receiptNumber)}</dd>
<dt>申请事项</dt><dd>${esc(p.itemName)}</dd>
<dt>办理部门</dt><dd>${esc(p.department?.name ?? '')}</dd>
<dt>当前状态</dt><dd>${esc(STATE[p.state] ?? p.state)} ${light}${p.paused ? ` <span class="tag GREY">暂停计时：${esc(STAGE[p.pauseKind ?? 'OTHER'] ?? '')}</span>` : ''}</dd>
${p.acceptedOn ? `<dt>受理日期</dt><dd>${esc(p.acceptedOn)}</dd>` : ''}
${p.deadline ? `<dt>办结期限</dt><dd>${esc(p.deadline)}</dd>` : ''}
${p.concludedOn ? `<dt>办结日期</dt><dd>${esc(p.concludedOn)}${p.onTime === false ? '（超期）' : ''}</dd>` : ''}
${outcome ? `<dt>办理结果</dt><dd>${outcome}</dd>` : ''}
</dl></div>
${
  p.jointReceiptNumber
    ? `<div class="card" id="joint-link"><p>本办件是并联审批 <a href="/joint/progress?receipt=${encodeURIComponent(p.jointReceiptNumber)}">${esc(p.jointReceiptNumber)}</a> 的一项，各部门同时办理。凭并联审批受理回执上的查询码可查看全部事项的办理情况。</p></div>`
    : ''
}
${p.outstandingMaterials.length ? `<h2>待补正材料</h2><div class="card"><ol>${p.outstandingMaterials.map((m) => `<li>${esc(m.name)}</li>`).join('')}</ol></div>` : ''}
<h2>办理过程</h2><div class="card"><ol class="steps">${steps}</ol><p class="muted">以上时间均为北京时间。</p></div>`,
  );
}

/** A page with only a title and a message: not found, refused, unavailable. */
export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${esc(title)}</h1><div class="card"><p>${esc(message)}</p></div>`);
}

export function progressFormPage(): string {
  return page(
    '办理进度查询',
    `<h1>办理进度查询</h1><div class="card"><form method="get" action="/progress"><dl>
<dt><label for="r">受理编号</label></dt><dd><input id="r" name="receipt" required></dd>
<dt><label for="c">查询码</label></dt><dd><input id="c" name="code" required maxlength="6"></dd>
</dl><p><button type="submit">查询</button></p></form></div>
<p class="muted">并联审批（多个部门同时办理）的整体进度请到 <a href="/joint/progress">并联审批进度查询</a>。</p>`,
  );
}
