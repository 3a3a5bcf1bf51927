/**
 * The hall's stylesheet and its one small script, served by the hub (no CDN): phone-first,
 * readable with system CJK fonts, visible focus for keyboard users.
 */
export const HALL_CSS = `
*{box-sizing:border-box}
html{font-size:16px}
body{margin:0;font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;line-height:1.6;color:#1f2933;background:#f3f5f8}
a{color:#0b5cad}
header.top{background:#b3261e;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem}
header.top a{color:#fff;text-decoration:none;font-weight:700;font-size:1.15rem}
header.top form{margin:0}
nav.main{background:#fff;border-bottom:1px solid #d9dee5;display:flex;flex-wrap:wrap;gap:.25rem;padding:.25rem .5rem}
nav.main a{padding:.5rem .75rem;text-decoration:none;border-radius:.375rem}
nav.main a[aria-current=page]{background:#fdecea;color:#b3261e;font-weight:700}
main{max-width:960px;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:1.25rem 0 .5rem}
section.card{background:#fff;border:1px solid #d9dee5;border-radius:.5rem;padding:1rem;margin-bottom:1rem}
section.card>:first-child{margin-top:0}
label{display:block;font-weight:600;margin:.5rem 0 .25rem}
input[type=text],input[type=tel],input[type=date],input[type=file],select,textarea{width:100%;max-width:32rem;font:inherit;padding:.55rem .6rem;border:1px solid #9aa5b1;border-radius:.375rem;background:#fff}
textarea{min-height:6rem}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.55rem 1.1rem;border-radius:.375rem;border:1px solid #b3261e;background:#b3261e;color:#fff;cursor:pointer;text-decoration:none;margin:.5rem .5rem 0 0}
button.secondary,.button.secondary{background:#fff;color:#b3261e}
:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
.hint{color:#52606d;font-size:.9rem}
.notice{background:#e8f4ea;border:1px solid #8bc79a;padding:.75rem;border-radius:.375rem}
.error{background:#fdecea;border:1px solid #e6a19b;padding:.75rem;border-radius:.375rem}
.fixes{background:#fff8e1;border:1px solid #f0c36d;padding:.75rem;border-radius:.375rem}
table{width:100%;border-collapse:collapse;font-size:.95rem}
li,p,td{overflow-wrap:anywhere}
th,td{text-align:left;padding:.45rem .4rem;border-bottom:1px solid #e4e7eb;vertical-align:top}
.light{display:inline-block;padding:0 .5rem;border-radius:1rem;font-size:.85rem;font-weight:700}
.light.GREEN{background:#e3f4e6;color:#1e6b2e}.light.YELLOW{background:#fff4cc;color:#7a5600}.light.RED{background:#fdecea;color:#a1150b}
fieldset{border:1px solid #d9dee5;border-radius:.375rem;margin:.5rem 0;padding:.5rem .75rem}
legend{font-weight:600}
.slots label{display:flex;gap:.5rem;align-items:center;font-weight:400;padding:.35rem 0}
.stars label{display:inline-flex;gap:.25rem;font-weight:400;margin-right:.75rem}
.qr img{width:160px;height:160px}
@media (max-width:600px){
  main{padding:.75rem}
  table,thead,tbody,tr,th,td{display:block}
  thead{display:none}
  tr{border:1px solid #e4e7eb;border-radius:.375rem;margin-bottom:.5rem;padding:.25rem .5rem;background:#fff}
  td{border:0;padding:.2rem 0}
  td[data-label]::before{content:attr(data-label) "：";font-weight:600;color:#52606d}
  button,.button{width:100%;margin-right:0}
}
`;

/** Confirms cancellations and moves focus to the first error or notice, so screen readers announce it. */
export const HALL_JS = `
document.addEventListener('submit', function (e) {
  var f = e.target;
  if (f && f.dataset && f.dataset.confirm && !window.confirm(f.dataset.confirm)) e.preventDefault();
});
window.addEventListener('DOMContentLoaded', function () {
  var m = document.querySelector('.error, .notice');
  if (m) { m.setAttribute('tabindex', '-1'); m.focus(); }
});
`;
