/**
 * HTML of a joint application's public pages (并联审批): its progress (every branch, the combined
 * light, the joint deadline) and its one printable receipt (受理回执). Same layout and rules as the
 * single-case pages: self-contained, printable, no personal data beyond what the receipt holder has.
 */
import { shanghaiTimeHtml } from '../../../web/time.js';
import { esc, LIGHT, page, PLACE, STATE } from './pages.js';

const JOINT_STATE: Record<string, string> = {
  SUBMITTED: '待补正材料',
  IN_PROGRESS: '办理中',
  CONCLUDED: '已办结',
};

const OUTCOME: Record<string, string> = { APPROVED: '准予许可', REJECTED: '不予许可' };

/** A light as a coloured tag with its words: the colour is never the only sign. */
function lightTag(light: string | null): string {
  return light ? `<span class="tag ${esc(light)}" data-light="${esc(light)}">${esc(LIGHT[light] ?? light)}</span>` : '';
}

export interface JointBranchView {
  receiptNumber: string;
  itemCode: string;
  itemName: string;
  department: { name: string | null } | null;
  state: string;
  outcome: string | null;
  limitDays: number;
  deadline: string | null;
  trafficLight: string | null;
  concludedOn: string | null;
}

export interface JointProgressView {
  receiptNumber: string;
  projectName: string | null;
  state: string;
  outcome: string | null;
  acceptedOn: string | null;
  jointLimitDays: number;
  deadline: string | null;
  trafficLight: string | null;
  concludedOn: string | null;
  elapsedWorkingDays: number | null;
  serialLimitDays: number;
  daysSaved: number | null;
  service: { code: string; name: string; leadDepartment: { name: string | null } | null };
  branches: JointBranchView[];
}

/** Why the combined light is what it is, in words. */
function lightReason(p: JointProgressView, today: string): string {
  if (!p.trafficLight) return '';
  if (p.trafficLight === 'RED' && p.deadline && today > p.deadline) return '已超过并联办理时限';
  const worst = p.branches.filter((b) => b.trafficLight === p.trafficLight);
  if (p.trafficLight === 'GREEN' || worst.length === 0) return '各部门均在时限内';
  return `取最紧急的部门：${worst.map((b) => esc(b.department?.name ?? b.itemName)).join('、')}`;
}

function branchRows(branches: JointBranchView[]): string {
  return branches
    .map(
      (
        b,
      ) => `<tr data-branch="${esc(b.receiptNumber)}"><td>${esc(b.department?.name ?? '')}</td><td>${esc(b.itemName)}</td>
<td class="nowrap">${esc(b.receiptNumber)}</td><td class="nowrap">${esc(STATE[b.state] ?? b.state)}${b.outcome === 'REJECTED' ? '（不予许可）' : ''}</td>
<td class="nowrap">${lightTag(b.trafficLight) || '—'}</td><td class="nowrap">${esc(b.deadline ?? '—')}</td><td class="nowrap">${esc(b.concludedOn ?? '—')}</td></tr>`,
    )
    .join('');
}

const BRANCH_HEAD =
  '<tr><th>部门</th><th>事项</th><th class="nowrap">受理编号</th><th class="nowrap">状态</th><th class="nowrap">信号灯</th><th class="nowrap">办结期限</th><th class="nowrap">办结日期</th></tr>';

/** The progress of a joint application; `today` (Beijing) tells a red past the joint deadline from a red branch. */
export function jointProgressPage(p: JointProgressView, today: string): string {
  const reason = lightReason(p, today);
  const days =
    p.elapsedWorkingDays === null
      ? ''
      : `<dt>已用工作日</dt><dd><span id="joint-days">${p.elapsedWorkingDays} / ${p.jointLimitDays}</span> 个工作日${
          p.elapsedWorkingDays > p.jointLimitDays ? '（已超出并联时限）' : ''
        }</dd>`;
  return page(
    `并联审批办理进度 ${p.receiptNumber}`,
    `<h1>并联审批办理进度</h1>
<div class="card"><dl>
<dt>受理编号</dt><dd>${esc(p.receiptNumber)}</dd>
<dt>并联事项</dt><dd>${esc(p.service.name)}</dd>
<dt>牵头部门</dt><dd>${esc(p.service.leadDepartment?.name ?? '')}</dd>
${p.projectName ? `<dt>重点项目</dt><dd>${esc(p.projectName)}</dd>` : ''}
<dt>当前状态</dt><dd><span id="joint-state">${esc(JOINT_STATE[p.state] ?? p.state)}</span> ${lightTag(p.trafficLight)}${
      reason ? `<div class="muted">${reason}</div>` : ''
    }</dd>
${p.acceptedOn ? `<dt>受理日期</dt><dd>${esc(p.acceptedOn)}</dd>` : ''}
<dt>并联办理时限</dt><dd>${p.jointLimitDays} 个工作日（各事项法定时限合计 ${p.serialLimitDays} 个工作日）</dd>
${p.deadline ? `<dt>并联办结期限</dt><dd id="joint-deadline">${esc(p.deadline)}</dd>` : ''}
${days}
${p.concludedOn ? `<dt>办结日期</dt><dd>${esc(p.concludedOn)}</dd>` : ''}
${p.outcome ? `<dt>办理结果</dt><dd>${esc(OUTCOME[p.outcome] ?? p.outcome)}${p.outcome === 'REJECTED' ? '（有部门不予许可）' : ''}</dd>` : ''}
${p.daysSaved !== null && p.daysSaved > 0 ? `<dt>节省时间</dt><dd>比逐个办理少用 ${p.daysSaved} 个工作日</dd>` : ''}
</dl></div>
<h2>各部门办理情况（${p.branches.length} 项同时办理）</h2>
<div class="card"><div class="scroll"><table id="joint-branches">${BRANCH_HEAD}${branchRows(p.branches)}</table></div>
<p class="muted">并联审批的信号灯取各部门中最紧急的一项；超过并联办结期限即为红灯。听证、现场勘察、检验检测、专家评审及补正材料期间任一部门暂停计时的工作日，不计入并联办理时限。</p></div>`,
  );
}

/** The lookup form; `receipt` pre-fills the number (a branch's progress page links here with it). */
export function jointProgressFormPage(receipt = ''): string {
  return page(
    '并联审批进度查询',
    `<h1>并联审批进度查询</h1><div class="card"><form method="get" action="/joint/progress"><dl>
<dt><label for="r">受理编号</label></dt><dd><input id="r" name="receipt" required value="${esc(receipt)}"></dd>
<dt><label for="c">查询码</label></dt><dd><input id="c" name="code" required maxlength="6"></dd>
</dl><p class="muted">受理编号和查询码印在并联审批受理回执上。</p><p><button type="submit">查询</button></p></form></div>`,
  );
}

export interface JointReceiptMaterialView {
  code: string;
  name: string;
  copies: number;
  items: string[];
  shared: boolean;
}

export interface JointReceiptView {
  receiptNumber: string;
  verificationCode: string;
  projectName: string | null;
  applicantName: string;
  acceptancePlace: string | null;
  state: string;
  submittedAt: string;
  acceptedOn: string | null;
  jointLimitDays: number;
  serialLimitDays: number;
  deadline: string | null;
  service: { code: string; name: string; leadDepartment: { name: string | null } | null };
  branches: JointBranchView[];
  materialsReceived: JointReceiptMaterialView[];
  materialsFromLibraries: { name: string; items: string[] }[];
  outstandingMaterials: JointReceiptMaterialView[];
  consultationPhone: string | null;
  supervisionPhone: string | null;
  progressUrl: string;
}

function materialTable(xs: JointReceiptMaterialView[], itemName: (code: string) => string): string {
  const rows = xs
    .map(
      (m, n) =>
        `<tr data-material="${esc(m.code)}"><td>${n + 1}</td><td>${esc(m.code)}</td><td>${esc(m.name)}</td><td>${m.copies}</td><td>${
          m.shared
            ? `共用材料，一次提交（${m.items.map((i) => esc(itemName(i))).join('、')}）`
            : m.items.map((i) => esc(itemName(i))).join('、')
        }</td></tr>`,
    )
    .join('');
  return `<table><tr><th>#</th><th>编号</th><th>材料</th><th class="nowrap">份数</th><th>用于事项</th></tr>${rows}</table>`;
}

/** The one receipt of a joint application, printed at the window when it is accepted. */
export function jointReceiptPage(r: JointReceiptView, qrSvg: string): string {
  const names = new Map(r.branches.map((b) => [b.itemCode, b.itemName]));
  const itemName = (code: string) => names.get(code) ?? code;
  const title = r.state === 'SUBMITTED' ? '并联审批收件凭证' : '并联审批受理回执';
  const branches = r.branches
    .map(
      (b, n) =>
        `<tr data-branch="${esc(b.receiptNumber)}"><td>${n + 1}</td><td>${esc(b.itemName)}<div class="muted">${esc(b.itemCode)}</div></td><td>${esc(b.department?.name ?? '')}</td><td class="nowrap">${esc(b.receiptNumber)}</td><td class="nowrap">${b.limitDays} 个工作日</td><td class="nowrap">${esc(b.deadline ?? '—')}</td></tr>`,
    )
    .join('');
  const libraries = r.materialsFromLibraries.length
    ? `<h2>共享获取材料</h2><div class="card"><table><tr><th>材料</th><th>用于事项</th></tr>${r.materialsFromLibraries
        .map(
          (m) =>
            `<tr><td>${esc(m.name)}<div class="muted">通过一台两库共享获取，免于提交</div></td><td>${m.items.map((i) => esc(itemName(i))).join('、')}</td></tr>`,
        )
        .join('')}</table></div>`
    : '';
  const outstanding = r.outstandingMaterials.length
    ? `<h2>需补正材料（一次性告知）</h2><div class="card">${materialTable(r.outstandingMaterials, itemName)}<p class="muted">以上为需补正的全部材料，不会再要求提交清单以外的材料。全部事项受理后开始计算并联办理时限。</p></div>`
    : '';
  return page(
    `${title} ${r.receiptNumber}`,
    `<h1>${title}</h1>
<div class="card"><div class="qr" aria-label="扫码查询办理进度">${qrSvg}</div><dl>
<dt>受理编号</dt><dd>${esc(r.receiptNumber)}</dd>
<dt>查询码</dt><dd>${esc(r.verificationCode)}</dd>
<dt>并联事项</dt><dd>${esc(r.service.name)}（${esc(r.service.code)}）</dd>
<dt>牵头部门</dt><dd>${esc(r.service.leadDepartment?.name ?? '')}</dd>
${r.projectName ? `<dt>重点项目</dt><dd>${esc(r.projectName)}</dd>` : ''}
<dt>申请人</dt><dd>${esc(r.applicantName)}</dd>
${r.acceptancePlace ? `<dt>受理地点</dt><dd>${esc(PLACE[r.acceptancePlace] ?? r.acceptancePlace)}</dd>` : ''}
<dt>收件时间</dt><dd>${shanghaiTimeHtml(r.submittedAt)}（北京时间）</dd>
${r.acceptedOn ? `<dt>受理日期</dt><dd>${esc(r.acceptedOn)}</dd>` : ''}
<dt>并联办理时限</dt><dd>${r.jointLimitDays} 个工作日（各事项法定时限合计 ${r.serialLimitDays} 个工作日）</dd>
${r.deadline ? `<dt>并联办结期限</dt><dd>${esc(r.deadline)} 前</dd>` : ''}
<dt>咨询电话</dt><dd>${esc(r.consultationPhone ?? '—')}</dd>
<dt>监督电话</dt><dd>${esc(r.supervisionPhone ?? '—')}</dd>
</dl></div>
<h2>同时办理的事项（${r.branches.length} 项）</h2>
<div class="card"><div class="scroll"><table id="receipt-branches"><tr><th>#</th><th>事项</th><th>办理部门</th><th class="nowrap">受理编号</th><th class="nowrap">时限</th><th class="nowrap">办结期限</th></tr>${branches}</table></div>
<p class="muted">各部门同时办理，全部办结即为并联审批办结；任一部门不予许可的，并联审批结果为不予许可。</p></div>
<h2>已收材料</h2><div class="card" id="receipt-materials">${r.materialsReceived.length ? materialTable(r.materialsReceived, itemName) : '<p>无</p>'}</div>
${libraries}${outstanding}
<p>扫描二维码或访问 <a href="${esc(r.progressUrl)}">${esc(r.progressUrl)}</a> 查询各部门办理进度。法定听证、现场勘察、检验检测等特殊环节及补正材料时间不计入办理时限。</p>
<p class="noprint"><button onclick="window.print()">打印回执</button></p>`,
  );
}
