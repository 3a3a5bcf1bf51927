/**
 * The supervisors' dashboard (/supervision), its chart library (Chart.js from npm, served by the
 * hub: no CDN) and the report as CSV (/supervision/report.csv, Authorization: Bearer <key>).
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

const PAGE = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>效能监督 · 海珠区政务服务</title>
<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 24px}td,th{border:1px solid #bbb;padding:4px 8px;text-align:right}th{background:#f0f0f0}td:nth-child(2),td:first-child{text-align:left}
.charts{display:flex;gap:24px;flex-wrap:wrap}.chart{width:560px;height:300px}#login{display:none}@media print{#login,button,.noprint{display:none}}</style>
<script src="/supervision/assets/chart.umd.min.js"></script></head><body>
<h1>效能监督看板</h1>
<form id="login"><label>监督密钥 <input id="key" type="password" size="50" autocomplete="off"></label> <button>进入</button></form>
<div id="board" hidden>
<p class="noprint"><label>年份 <input id="year" type="number" min="2000" max="2100"></label> <label>季度 <select id="quarter"><option>1</option><option>2</option><option>3</option><option>4</option></select></label>
<button id="reload" type="button">刷新</button> <button id="csv" type="button">导出 CSV</button> <button onclick="window.print()" type="button">打印</button> <button id="logout" type="button">退出</button></p>
<div class="charts"><div class="chart"><canvas id="trend"></canvas></div><div class="chart"><canvas id="rates"></canvas></div></div>
<h2>各部门季度报表 <span id="period"></span></h2><table id="report"></table>
<h2>并联审批（重点项目）</h2><table id="joint"></table>
<h2>超期办件（红灯）</h2><table id="red"></table>
<p><small>满意度、投诉：网上办事大厅模块接入后在此显示。</small></p>
</div>
<script type="module">
const keyName = 'hub.supervision.key';
const q = (s) => document.querySelector(s);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
const pct = (v) => (v == null ? '—' : (v * 100).toFixed(2) + '%');
async function gql(query, variables) {
  const res = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + sessionStorage.getItem(keyName) }, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}
const QUERY = \`query Board($year: Int!, $quarter: Int!, $from: Date!, $to: Date!) {
  supervisionReport(period: QUARTER, year: $year, number: $quarter) { from to departments { departmentCode departmentName accepted concluded concludedOnTime onTimeRate averageSpeedUp online onlineRate fullyOnline overdue jointConcluded jointDaysSaved callbacks callbacksDone pushes admonitions } }
  supervisionTrend(from: $from, to: $to) { month accepted online concluded concludedOnTime }
  redCases { receiptNumber itemName departmentCode deadline admonishedOn }
  jointStatistics(from: $from, to: $to) { overall { concluded projects serialDays usedDays daysSaved speedUp } }
}\`;
let charts = [];
async function load() {
  const year = Number(q('#year').value), quarter = Number(q('#quarter').value);
  const d = await gql(QUERY, { year, quarter, from: year + '-01-01', to: year + '-12-31' });
  const r = d.supervisionReport;
  q('#period').textContent = r.from + ' — ' + r.to;
  q('#report').innerHTML = '<tr><th>部门</th><th>名称</th><th>受理</th><th>办结</th><th>按时办结率</th><th>提速</th><th>网办率</th><th>全程网办</th><th>超期</th><th>并联节省</th><th>回访</th><th>推送</th><th>督办</th></tr>' +
    r.departments.map((x) => '<tr data-dept="' + esc(x.departmentCode) + '"><td>' + esc(x.departmentCode) + '</td><td>' + esc(x.departmentName) + '</td><td class="accepted">' + x.accepted + '</td><td class="concluded">' + x.concluded + '</td><td class="ontime">' + pct(x.onTimeRate) + '</td><td>' + pct(x.averageSpeedUp) + '</td><td class="online">' + pct(x.onlineRate) + '</td><td>' + x.fullyOnline + '</td><td class="overdue">' + x.overdue + '</td><td>' + x.jointDaysSaved + '</td><td>' + x.callbacksDone + '/' + x.callbacks + '</td><td>' + x.pushes + '</td><td>' + x.admonitions + '</td></tr>').join('');
  const j = d.jointStatistics.overall;
  q('#joint').innerHTML = '<tr><th>办结</th><th>项目</th><th>串联时限</th><th>实用工作日</th><th>节省工作日</th><th>提速</th></tr><tr><td id="joint-concluded">' + j.concluded + '</td><td>' + j.projects + '</td><td>' + j.serialDays + '</td><td>' + j.usedDays + '</td><td id="joint-saved">' + j.daysSaved + '</td><td>' + pct(j.speedUp) + '</td></tr>';
  q('#red').innerHTML = '<tr><th>受理编号</th><th>事项</th><th>部门</th><th>期限</th><th>督办</th></tr>' + d.redCases.map((c) => '<tr class="red"><td>' + esc(c.receiptNumber) + '</td><td>' + esc(c.itemName) + '</td><td>' + esc(c.departmentCode) + '</td><td>' + esc(c.deadline) + '</td><td>' + esc(c.admonishedOn ?? '') + '</td></tr>').join('');
  charts.forEach((c) => c.destroy());
  const t = d.supervisionTrend;
  charts = [
    new Chart(q('#trend'), { type: 'line', options: { animation: false, maintainAspectRatio: false, plugins: { title: { display: true, text: year + ' 年月度趋势' } } },
      data: { labels: t.map((m) => m.month), datasets: [{ label: '受理', data: t.map((m) => m.accepted) }, { label: '办结', data: t.map((m) => m.concluded) }, { label: '网办', data: t.map((m) => m.online) }] } }),
    new Chart(q('#rates'), { type: 'bar', options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0, max: 100 } }, plugins: { title: { display: true, text: '各部门按时办结率、网办率 (%)' } } },
      data: { labels: r.departments.map((x) => x.departmentCode), datasets: [{ label: '按时办结率', data: r.departments.map((x) => (x.onTimeRate ?? 0) * 100) }, { label: '网办率', data: r.departments.map((x) => (x.onlineRate ?? 0) * 100) }] } }),
  ];
  document.body.dataset.loaded = 'true';
}
async function csv() {
  const res = await fetch('/supervision/report.csv?period=QUARTER&year=' + q('#year').value + '&number=' + q('#quarter').value, { headers: { authorization: 'Bearer ' + sessionStorage.getItem(keyName) } });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await res.blob());
  a.download = 'supervision-' + q('#year').value + 'Q' + q('#quarter').value + '.csv';
  a.click();
}
function show() {
  const has = !!sessionStorage.getItem(keyName);
  q('#login').style.display = has ? 'none' : 'block';
  q('#board').hidden = !has;
  if (has) load().catch((e) => { document.body.dataset.error = e.message; alert(e.message); });
}
const now = new Date();
q('#year').value = now.getFullYear();
q('#quarter').value = String(Math.floor(now.getMonth() / 3) + 1);
q('#login').addEventListener('submit', (e) => { e.preventDefault(); sessionStorage.setItem(keyName, q('#key').value.trim()); q('#key').value = ''; show(); });
q('#logout').addEventListener('click', () => { sessionStorage.removeItem(keyName); show(); });
q('#reload').addEventListener('click', () => load());
q('#csv').addEventListener('click', () => csv());
show();
</script></body></html>`;

export function supervisionRoutes(host: RouteHost): Router {
  const router = express.Router();
  router.get('/supervision', (_req, res) => {
    res.set('cache-control', 'no-store').set('x-robots-tag', 'noindex').type('html').send(PAGE);
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
