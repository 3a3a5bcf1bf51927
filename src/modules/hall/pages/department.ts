/**
 * The department's pre-review desk (/hall/department): a clerk enters the department system's
 * key once (kept in the tab's sessionStorage, like /supervision), sees the drafts waiting for
 * pre-review with their files, and passes each or returns it once with the list of fixes. The
 * page only calls /graphql (draftsForPreReview, preReviewDraft) and /hall/files with that key.
 */
import { page } from './layout.js';

export const DEPARTMENT_PAGE = page(
  { title: '部门预审', signedIn: false },
  `<section class="card" id="dept-login"><h2>部门系统密钥</h2>
<p class="hint">使用具有 case:handle 权限的部门系统密钥。密钥只保存在本标签页，关闭即失效。</p>
<form id="dept-key-form"><label for="dept-key">密钥</label><input id="dept-key" type="password" autocomplete="off" required>
<button type="submit">进入</button></form></section>
<div id="dept-board" hidden>
<p><button type="button" class="secondary" id="dept-reload">刷新</button><button type="button" class="secondary" id="dept-logout">退出</button></p>
<p id="dept-status" role="status" aria-live="polite"></p>
<h2>待预审申报</h2><div id="dept-drafts"></div></div>
<script src="/hall/assets/department.js" defer></script>`,
);

export const DEPARTMENT_JS = `
(function () {
  var KEY = 'hall-department-key';
  var q = function (s) { return document.querySelector(s); };
  var esc = function (s) { return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); };
  function auth() { return { authorization: 'Bearer ' + sessionStorage.getItem(KEY) }; }
  function say(text) { q('#dept-status').textContent = text; }
  async function gql(query, variables) {
    var res = await fetch('/graphql', { method: 'POST', headers: Object.assign({ 'content-type': 'application/json' }, auth()), body: JSON.stringify({ query: query, variables: variables }) });
    var body = await res.json();
    if (body.errors) throw new Error(body.errors.map(function (e) { return e.message; }).join('；'));
    return body.data;
  }
  async function load() {
    var d = await gql('{ draftsForPreReview { id itemCode itemName applicantName applicantUscc updatedAt fixes { note } files { id materialCode fileName } } }');
    var list = d.draftsForPreReview;
    q('#dept-drafts').innerHTML = list.length ? list.map(function (x) {
      return '<section class="card draft" data-id="' + esc(x.id) + '"><h3>' + esc(x.itemName) + '</h3><p>事项编码 ' + esc(x.itemCode) + ' · 申请人 ' + esc(x.applicantName) + '</p>' +
        (x.applicantUscc ? '<p>统一社会信用代码：' + esc(x.applicantUscc) + '</p>' : '') +
        (x.fixes.length ? '<p class="hint">已退回过一次，本次只能通过。</p>' : '') +
        '<ul>' + x.files.map(function (f) { return '<li><button type="button" class="secondary file" data-file="' + esc(f.id) + '" data-name="' + esc(f.fileName) + '">下载 ' + esc(f.materialCode) + '：' + esc(f.fileName) + '</button></li>'; }).join('') + '</ul>' +
        '<button type="button" class="pass">预审通过</button>' +
        (x.fixes.length ? '' : '<form class="return"><label for="fix-' + esc(x.id) + '">退回意见（一次性告知，每行一项）</label><textarea id="fix-' + esc(x.id) + '" required></textarea><button type="submit" class="secondary">退回补正</button></form>') +
        '</section>';
    }).join('') : '<p>暂无待预审的申报。</p>';
    document.body.dataset.loaded = 'true';
  }
  async function review(id, pass, fixes) {
    var d = await gql('mutation($id: ID!, $pass: Boolean!, $fixes: [DraftFixInput!]) { preReviewDraft(id: $id, pass: $pass, fixes: $fixes) { state caseId } }', { id: id, pass: pass, fixes: fixes });
    say(pass ? '已通过，已生成办件并受理。' : '已退回，申请人会收到短信。');
    await load();
    return d;
  }
  function fail(e) { say('未能完成：' + e.message); }
  document.addEventListener('click', function (e) {
    var t = e.target;
    if (!(t instanceof HTMLElement)) return;
    var card = t.closest('.draft');
    if (t.classList.contains('pass') && card) review(card.dataset.id, true, null).catch(fail);
    if (t.classList.contains('file')) {
      fetch('/hall/files/' + t.dataset.file, { headers: auth() }).then(function (r) { return r.blob(); }).then(function (b) {
        var a = document.createElement('a'); a.href = URL.createObjectURL(b); a.download = t.dataset.name || 'file'; a.click();
      }).catch(fail);
    }
  });
  document.addEventListener('submit', function (e) {
    var f = e.target;
    if (!(f instanceof HTMLFormElement) || !f.classList.contains('return')) return;
    e.preventDefault();
    var notes = f.querySelector('textarea').value.split('\\n').map(function (s) { return s.trim(); }).filter(Boolean);
    review(f.closest('.draft').dataset.id, false, notes.map(function (n) { return { note: n }; })).catch(fail);
  });
  function show() {
    var has = !!sessionStorage.getItem(KEY);
    q('#dept-login').hidden = has;
    q('#dept-board').hidden = !has;
    if (has) load().catch(fail);
  }
  q('#dept-key-form').addEventListener('submit', function (e) { e.preventDefault(); sessionStorage.setItem(KEY, q('#dept-key').value.trim()); q('#dept-key').value = ''; show(); });
  q('#dept-logout').addEventListener('click', function () { sessionStorage.removeItem(KEY); show(); });
  q('#dept-reload').addEventListener('click', function () { load().catch(fail); });
  show();
})();
`;
