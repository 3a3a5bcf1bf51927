/**
 * The supervisors' dashboard (/supervision), the printable monthly/quarterly report
 * (/supervision/report?period=MONTH&year=2026&number=11), the chart library (Chart.js from npm,
 * served by the hub: no CDN) and the report as CSV (/supervision/report.csv, Authorization: Bearer <key>).
 * The page asks for a supervisor key (supervision:read) once and keeps it in sessionStorage for
 * the tab; it reads everything through /graphql with that key, so its figures are the API's.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Router } from 'express';
import { hasScope } from '../../platform/auth/caller.js';
import type { RouteHost } from '../../platform/module.js';
import { periodOf, reportCsv, supervisionReport, type PeriodKind } from './reports.js';

// The package exports no path for its UMD build: found beside its CommonJS entry (dist/chart.cjs).
const chartJsPath = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

const STYLE = `*{box-sizing:border-box}body{font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif;margin:0;color:#1f2937;background:#f3f5f8}
header{background:#1f4e79;color:#fff;padding:14px 28px;display:flex;align-items:baseline;gap:16px}header h1{font-size:20px;margin:0}header span{opacity:.8;font-size:13px}
main{padding:20px 28px;max-width:1500px}section{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:14px 18px;margin:0 0 18px}
h2{font-size:16px;margin:0 0 10px;color:#1f4e79}h2 small{color:#6b7280;font-weight:normal;margin-left:8px}
.bar{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:0 0 16px}.bar label{font-size:14px}.bar select,.bar input{font:inherit;padding:3px 6px}
button,.button{font:inherit;font-size:14px;padding:5px 12px;border:1px solid #1f4e79;background:#fff;color:#1f4e79;border-radius:4px;cursor:pointer;text-decoration:none}button.primary{background:#1f4e79;color:#fff}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(132px,1fr));gap:12px;margin:0 0 18px}.kpi{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:10px 14px}
.kpi b{display:block;font-size:24px;color:#1f4e79;margin-top:2px}.kpi span{font-size:13px;color:#6b7280}.kpi.warn b{color:#b91c1c}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:18px;margin:0 0 18px}.chart{position:relative;height:300px}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #e5e7eb;padding:5px 8px;text-align:right;white-space:nowrap}th{background:#f1f5f9;font-weight:600}
td.l,th.l{text-align:left}tr:hover td{background:#f8fafc}.light{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px;vertical-align:middle}
.RED{background:#dc2626}.YELLOW{background:#f59e0b}.GREEN{background:#16a34a}.empty{color:#6b7280;font-size:13px}.scroll{overflow-x:auto}
#login{max-width:420px;margin:60px auto;background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:24px}#login input{width:100%;font:inherit;padding:6px;margin:6px 0 12px}
@media print{header{background:none;color:#000;padding:0}.bar,#login,button,.noprint{display:none}body{background:#fff}section{border:none;padding:0}}`;

const COMMON_SCRIPT = `const keyName = 'hub.supervision.key';
const q = (s) => document.querySelector(s);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
const pct = (v) => (v == null ? '—' : (v * 100).toFixed(2) + '%');
async function gql(query, variables) {
  const res = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + sessionStorage.getItem(keyName) }, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}
const FIELDS = 'departmentCode departmentName accepted concluded concludedOnTime onTimeRate averageSpeedUp online onlineRate fullyOnline overdue jointConcluded jointDaysSaved callbacks callbacksDone pushes admonitions evaluations satisfactionRate complaints complaintsAnsweredOnTime complaintsOnTimeRate';
const COLUMNS = [['departmentCode', '部门', 'l'], ['departmentName', '名称', 'l'], ['accepted', '受理'], ['concluded', '办结'], ['concludedOnTime', '按时办结'], ['onTimeRate', '按时办结率', 'p'], ['averageSpeedUp', '平均提速', 'p'], ['online', '网办'], ['onlineRate', '网办率', 'p'], ['fullyOnline', '全程网办'], ['overdue', '超期'], ['jointConcluded', '并联办结'], ['jointDaysSaved', '并联节省工作日'], ['callbacksDone', '已回访'], ['callbacks', '回访任务'], ['pushes', '精准推送'], ['admonitions', '督办'], ['evaluations', '评价'], ['satisfactionRate', '满意度', 'p'], ['complaints', '投诉'], ['complaintsOnTimeRate', '投诉按时答复率', 'p']];
function reportTable(departments) {
  const head = '<tr>' + COLUMNS.map((c) => '<th class="' + (c[2] === 'l' ? 'l' : '') + '">' + c[1] + '</th>').join('') + '</tr>';
  const rows = departments.map((x) => '<tr data-dept="' + esc(x.departmentCode) + '">' + COLUMNS.map((c) => '<td data-k="' + c[0] + '" class="' + (c[2] === 'l' ? 'l' : '') + '">' + (c[2] === 'p' ? pct(x[c[0]]) : esc(x[c[0]])) + '</td>').join('') + '</tr>').join('');
  return head + (rows || '<tr><td class="l empty" colspan="' + COLUMNS.length + '">本期没有办件。</td></tr>');
}
const periodLabel = (kind, year, n) => kind === 'MONTH' ? year + '年' + n + '月' : year + '年第' + n + '季度';`;

const PAGE = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="robots" content="noindex"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>效能监督 · 海珠区政务服务</title><style>${STYLE}</style>
<script src="/supervision/assets/chart.umd.min.js"></script></head><body>
<header><h1>海珠区政务服务效能监督看板</h1><span id="period"></span></header>
<form id="login" hidden><h2>监督人员登录</h2><label for="key">监督密钥</label><input id="key" type="password" autocomplete="off" placeholder="hub_…（需 supervision:read 权限）"><button class="primary">进入</button></form>
<main id="board" hidden>
<div class="bar"><label for="kind">报表周期</label><select id="kind"><option value="QUARTER">季度</option><option value="MONTH">月度</option></select>
<label for="year">年份</label><input id="year" type="number" min="2000" max="2100" style="width:6em">
<label for="quarter" class="q">季度</label><select id="quarter" class="q"><option value="1">第一季度</option><option value="2">第二季度</option><option value="3">第三季度</option><option value="4">第四季度</option></select>
<label for="month" class="m" hidden>月份</label><select id="month" class="m" hidden>${Array.from({ length: 12 }, (_, i) => `<option value="${i + 1}">${i + 1}月</option>`).join('')}</select>
<button id="reload" type="button" class="primary">刷新</button><a id="print" class="button" href="#">打印报表</a><button id="csv" type="button">导出 CSV</button><button id="logout" type="button">退出</button></div>
<div class="kpis" id="kpis"></div>
<div class="charts"><section><div class="chart"><canvas id="trend"></canvas></div></section><section><div class="chart"><canvas id="rates"></canvas></div></section></div>
<section><h2>各部门报表<small id="report-period"></small></h2><div class="scroll"><table id="report"></table></div></section>
<section><h2>并联审批（重点项目）<small>全年</small></h2><div class="kpis" id="joint"></div><div class="scroll"><table id="joint-departments"></table></div>
<h2 style="margin-top:14px">在办并联审批</h2><div class="scroll"><table id="joint-open"></table></div></section>
<section><h2>超期办件（红灯）<small>已超过办结期限、计时未暂停</small></h2><div class="scroll"><table id="red"></table></div></section>
</main>
<script type="module">
${COMMON_SCRIPT}
const QUERY = \`query Board($kind: ReportPeriod!, $year: Int!, $n: Int!, $from: Date!, $to: Date!) {
  supervisionReport(period: $kind, year: $year, number: $n) { from to departments { \${FIELDS} } }
  supervisionTrend(from: $from, to: $to) { month accepted online concluded concludedOnTime }
  redCases { receiptNumber itemName departmentCode deadline admonishedOn }
  jointStatistics(from: $from, to: $to) { overall { concluded projects serialDays usedDays daysSaved speedUp } byDepartment { department { code } concluded projects serialDays usedDays daysSaved speedUp } }
  openJointApplications { receiptNumber projectName service { name } acceptedOn deadline trafficLight branches { itemName department { code } state deadline } }
}\`;
const LIGHT = { RED: '红灯', YELLOW: '黄灯', GREEN: '绿灯' };
const STATE = { SUBMITTED: '待补正', ACCEPTED: '已受理', UNDERTAKEN: '承办中', REVIEWED: '已审核', APPROVED: '已批准', REJECTED: '不予许可', CONCLUDED: '已办结', NOT_ACCEPTED: '不予受理', WITHDRAWN: '已撤回' };
let charts = [];
const period = () => { const kind = q('#kind').value; return { kind, year: Number(q('#year').value), n: Number(kind === 'MONTH' ? q('#month').value : q('#quarter').value) }; };
const kpi = (label, value, id, warn) => '<div class="kpi' + (warn ? ' warn' : '') + '"><span>' + label + '</span><b' + (id ? ' id="' + id + '"' : '') + '>' + value + '</b></div>';
async function load() {
  document.body.dataset.loaded = 'false';
  const p = period();
  const d = await gql(QUERY, { kind: p.kind, year: p.year, n: p.n, from: p.year + '-01-01', to: p.year + '-12-31' });
  const r = d.supervisionReport;
  const sum = (k) => r.departments.reduce((s, x) => s + x[k], 0);
  const acc = sum('accepted'), con = sum('concluded');
  q('#period').textContent = periodLabel(p.kind, p.year, p.n) + '（' + r.from + ' — ' + r.to + '）';
  q('#report-period').textContent = periodLabel(p.kind, p.year, p.n);
  q('#kpis').innerHTML = kpi('受理', acc, 'kpi-accepted') + kpi('办结', con, 'kpi-concluded') + kpi('按时办结率', con ? pct(sum('concludedOnTime') / con) : '—') +
    kpi('网办率', acc ? pct(sum('online') / acc) : '—') + kpi('全程网办', sum('fullyOnline')) + kpi('超期', sum('overdue'), 'kpi-overdue', sum('overdue') > 0) +
    kpi('回访（已完成/任务）', sum('callbacksDone') + ' / ' + sum('callbacks')) + kpi('精准推送', sum('pushes')) + kpi('超期督办', sum('admonitions')) +
    kpi('满意度（' + sum('evaluations') + ' 条评价）', sum('evaluations') ? pct(r.departments.reduce((s, x) => s + Math.round((x.satisfactionRate ?? 0) * x.evaluations), 0) / sum('evaluations')) : '—', 'kpi-satisfaction') +
    kpi('投诉（按时答复/件）', sum('complaintsAnsweredOnTime') + ' / ' + sum('complaints'), 'kpi-complaints');
  q('#report').innerHTML = reportTable(r.departments);
  const j = d.jointStatistics.overall;
  q('#joint').innerHTML = kpi('并联办结', j.concluded, 'joint-concluded') + kpi('重点项目', j.projects, 'joint-projects') + kpi('串联时限合计（工作日）', j.serialDays) +
    kpi('实际用时（工作日）', j.usedDays) + kpi('节省工作日', j.daysSaved, 'joint-saved') + kpi('提速', pct(j.speedUp));
  q('#joint-departments').innerHTML = '<tr><th class="l">牵头部门</th><th>办结</th><th>重点项目</th><th>串联时限</th><th>实际用时</th><th>节省工作日</th><th>提速</th></tr>' +
    (d.jointStatistics.byDepartment.map((x) => '<tr><td class="l">' + esc(x.department.code) + '</td><td>' + x.concluded + '</td><td>' + x.projects + '</td><td>' + x.serialDays + '</td><td>' + x.usedDays + '</td><td>' + x.daysSaved + '</td><td>' + pct(x.speedUp) + '</td></tr>').join('') || '<tr><td class="l empty" colspan="7">本年没有办结的并联审批。</td></tr>');
  q('#joint-open').innerHTML = '<tr><th class="l">受理编号</th><th class="l">并联事项</th><th class="l">项目</th><th>受理</th><th>并联期限</th><th class="l">红绿灯</th><th class="l">分支</th></tr>' +
    (d.openJointApplications.map((a) => '<tr><td class="l">' + esc(a.receiptNumber) + '</td><td class="l">' + esc(a.service.name) + '</td><td class="l">' + esc(a.projectName ?? '—') + '</td><td>' + esc(a.acceptedOn ?? '待补正') + '</td><td>' + esc(a.deadline ?? '—') + '</td><td class="l">' + (a.trafficLight ? '<span class="light ' + a.trafficLight + '"></span>' + LIGHT[a.trafficLight] : '—') + '</td><td class="l">' + a.branches.map((b) => esc(b.department.code) + ' ' + esc(b.itemName) + '（' + esc(STATE[b.state] ?? b.state) + '）').join('；') + '</td></tr>').join('') || '<tr><td class="l empty" colspan="7">没有在办的并联审批。</td></tr>');
  q('#red').innerHTML = '<tr><th class="l">受理编号</th><th class="l">事项</th><th class="l">部门</th><th>办结期限</th><th>督办日期</th></tr>' +
    (d.redCases.map((c) => '<tr class="red"><td class="l">' + esc(c.receiptNumber) + '</td><td class="l">' + esc(c.itemName) + '</td><td class="l">' + esc(c.departmentCode) + '</td><td>' + esc(c.deadline) + '</td><td>' + esc(c.admonishedOn ?? '—') + '</td></tr>').join('') || '<tr><td class="l empty" colspan="5">没有超期办件。</td></tr>');
  charts.forEach((c) => c.destroy());
  const t = d.supervisionTrend;
  const common = { animation: false, maintainAspectRatio: false, responsive: true };
  charts = [
    new Chart(q('#trend'), { type: 'line', options: { ...common, plugins: { title: { display: true, text: p.year + ' 年月度趋势（件）' } } },
      data: { labels: t.map((m) => Number(m.month.slice(5)) + '月'), datasets: [{ label: '受理', data: t.map((m) => m.accepted), borderColor: '#1f4e79', backgroundColor: '#1f4e79' }, { label: '办结', data: t.map((m) => m.concluded), borderColor: '#16a34a', backgroundColor: '#16a34a' }, { label: '网办', data: t.map((m) => m.online), borderColor: '#f59e0b', backgroundColor: '#f59e0b' }] } }),
    new Chart(q('#rates'), { type: 'bar', options: { ...common, scales: { y: { min: 0, max: 100, ticks: { callback: (v) => v + '%' } } }, plugins: { title: { display: true, text: periodLabel(p.kind, p.year, p.n) + ' 各部门按时办结率、网办率' } } },
      data: { labels: r.departments.map((x) => x.departmentCode), datasets: [{ label: '按时办结率', data: r.departments.map((x) => (x.onTimeRate ?? 0) * 100), backgroundColor: '#1f4e79' }, { label: '网办率', data: r.departments.map((x) => (x.onlineRate ?? 0) * 100), backgroundColor: '#f59e0b' }] } }),
  ];
  document.body.dataset.loaded = 'true';
}
const query = () => { const p = period(); return 'period=' + p.kind + '&year=' + p.year + '&number=' + p.n; };
async function csv() {
  const res = await fetch('/supervision/report.csv?' + query(), { headers: { authorization: 'Bearer ' + sessionStorage.getItem(keyName) } });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await res.blob());
  a.download = 'supervision-' + query().replace(/[=&]/g, '-') + '.csv';
  a.click();
}
function kindChanged() { const m = q('#kind').value === 'MONTH'; document.querySelectorAll('.m').forEach((e) => (e.hidden = !m)); document.querySelectorAll('.q').forEach((e) => (e.hidden = m)); }
function show() {
  const has = !!sessionStorage.getItem(keyName);
  q('#login').hidden = has;
  q('#board').hidden = !has;
  if (has) load().catch((e) => { document.body.dataset.error = e.message; alert(e.message); });
}
const now = new Date();
q('#year').value = now.getFullYear();
q('#quarter').value = String(Math.floor(now.getMonth() / 3) + 1);
q('#month').value = String(now.getMonth() + 1);
q('#kind').addEventListener('change', kindChanged);
q('#login').addEventListener('submit', (e) => { e.preventDefault(); sessionStorage.setItem(keyName, q('#key').value.trim()); q('#key').value = ''; show(); });
q('#logout').addEventListener('click', () => { sessionStorage.removeItem(keyName); show(); });
q('#reload').addEventListener('click', () => load());
q('#csv').addEventListener('click', () => csv());
// window.open (not a target=_blank link, which is noopener) hands this tab's sessionStorage (the key) to the new tab.
q('#print').addEventListener('click', (e) => { e.preventDefault(); window.open('/supervision/report?' + query()); });
show();
</script></body></html>`;

/** The printable report of a month or quarter (A4 landscape), read with the tab's supervisor key. */
const REPORT_PAGE = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>效能监督报表 · 海珠区政务服务</title><style>${STYLE}
body{background:#fff}main{padding:18px 24px}h1{font-size:20px;text-align:center;margin:10px 0 4px}p.sub{text-align:center;color:#4b5563;margin:0 0 14px;font-size:13px}
table.report td,table.report th{border:1px solid #9ca3af;padding:4px 6px}@page{size:A4 landscape;margin:12mm}</style></head><body>
<main><p class="noprint bar"><button onclick="window.print()" class="primary">打印</button></p>
<h1 id="title">效能监督报表</h1><p class="sub" id="sub"></p><table class="report" id="report"></table>
<p class="sub">按时办结率 = 按时办结 / 办结；网办率 = 网上（网站、移动端）受理 / 受理；超期 = 本期逾期办结 + 期末在办已超期；口径同 caseStatistics。</p></main>
<script type="module">
${COMMON_SCRIPT}
const params = new URLSearchParams(location.search);
const kind = params.get('period') === 'MONTH' ? 'MONTH' : 'QUARTER';
const year = Number(params.get('year')), n = Number(params.get('number'));
try {
  if (!sessionStorage.getItem(keyName)) throw new Error('请先在效能监督看板输入监督密钥。');
  const d = await gql(\`query($kind: ReportPeriod!, $year: Int!, $n: Int!) { supervisionReport(period: $kind, year: $year, number: $n) { from to departments { \${FIELDS} } } }\`, { kind, year, n });
  const r = d.supervisionReport;
  q('#title').textContent = '海珠区政务服务效能监督报表（' + periodLabel(kind, year, n) + '）';
  q('#sub').textContent = '统计期间 ' + r.from + ' 至 ' + r.to + '；生成时间 ' + new Date().toLocaleString('zh-CN');
  q('#report').innerHTML = reportTable(r.departments);
  document.body.dataset.loaded = 'true';
} catch (e) { q('#sub').textContent = e.message; document.body.dataset.error = e.message; }
</script></body></html>`;

export function supervisionRoutes(host: RouteHost): Router {
  const router = express.Router();
  router.get('/supervision', (_req, res) => {
    res.set('cache-control', 'no-store').set('x-robots-tag', 'noindex').type('html').send(PAGE);
  });
  router.get('/supervision/report', (_req, res) => {
    res.set('cache-control', 'no-store').set('x-robots-tag', 'noindex').type('html').send(REPORT_PAGE);
  });
  router.get('/supervision/assets/chart.umd.min.js', (_req, res) => {
    res.set('cache-control', 'public, max-age=86400').type('application/javascript').sendFile(chartJsPath);
  });
  router.get('/supervision/report.csv', async (req, res, next) => {
    try {
      const caller = await host.verifier.verify(req.get('authorization')).catch(() => null);
      if (!caller || !hasScope(caller, 'supervision:read')) {
        res.status(401).type('text').send('a key with supervision:read is required (Authorization: Bearer <key>)\n');
        return;
      }
      const period: PeriodKind = req.query.period === 'MONTH' ? 'MONTH' : 'QUARTER';
      const p = periodOf(period, Number(req.query.year), Number(req.query.number));
      const report = await supervisionReport(host.platform.prisma, p.from, p.to);
      res
        .set('cache-control', 'no-store')
        .set('content-disposition', `attachment; filename="supervision-${p.from}-${p.to}.csv"`)
        .type('text/csv; charset=utf-8')
        .send(reportCsv(report));
    } catch (err) {
      if (err instanceof Error && 'extensions' in err) {
        res.status(400).type('text').send(`${err.message}\n`);
        return;
      }
      next(err);
    }
  });
  return router;
}
