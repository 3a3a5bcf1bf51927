/**
 * The page a phone opens when it scans a licence's or an enterprise's QR code: plain, large,
 * self-contained HTML (no external assets), with no personal data, in Chinese, times in Beijing
 * time. A licence that is not in force says so unmistakably.
 */
import { shanghaiTimeHtml } from '../../../web/time.js';

export interface VerifiedLicence {
  number: string;
  status: 'VALID' | 'SUSPENDED' | 'REVOKED' | 'CANCELLED' | 'EXPIRED';
  validFrom: string;
  validUntil: string | null;
  scope: string;
  type: { name: string };
  issuingDepartment: { name: string };
  holder: { name: string; uscc: string };
}

export interface VerifiedEnterprise {
  uscc: string;
  name: string;
  status: 'ACTIVE' | 'REVOKED' | 'CANCELLED' | 'MOVED_OUT';
  street: string;
  registrationAuthority: { name: string };
  licences: { number: string; status: VerifiedLicence['status']; validUntil: string | null; type: { name: string } }[];
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const LICENCE_STATUS: Record<VerifiedLicence['status'], { zh: string; ok: boolean; note: string }> = {
  VALID: { zh: '有效', ok: true, note: '此证照在有效期内，状态正常。' },
  SUSPENDED: { zh: '已暂扣', ok: false, note: '此证照已被暂扣，暂扣期间不得凭此证照从事许可事项。' },
  REVOKED: { zh: '已吊销', ok: false, note: '此证照已被吊销，已失效。' },
  CANCELLED: { zh: '已注销', ok: false, note: '此证照已被注销，已失效。' },
  EXPIRED: { zh: '已过期', ok: false, note: '此证照已超过有效期，已失效。' },
};

const ENTERPRISE_STATUS: Record<VerifiedEnterprise['status'], { zh: string; ok: boolean }> = {
  ACTIVE: { zh: '存续', ok: true },
  REVOKED: { zh: '吊销', ok: false },
  CANCELLED: { zh: '注销', ok: false },
  MOVED_OUT: { zh: '迁出', ok: false },
};

const STYLE = `
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f5f7;color:#111;font-size:18px}
main{max-width:640px;margin:0 auto;padding:16px}
.banner{border-radius:12px;padding:20px;text-align:center;color:#fff;margin-bottom:16px}
.banner.ok{background:#1a7f37}.banner.bad{background:#b42318}
.banner .big{font-size:44px;font-weight:800;letter-spacing:2px}
.banner .sub{font-size:20px;opacity:.9}
.card{background:#fff;border-radius:12px;padding:16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
dl{display:grid;grid-template-columns:auto 1fr;gap:10px 14px;margin:0}dt{color:#555}dd{margin:0;font-weight:600;word-break:break-all}
table{width:100%;border-collapse:collapse}td{padding:8px 4px;border-top:1px solid #eee}
h2{font-size:20px;margin:20px 0 8px}
.tag{display:inline-block;padding:2px 8px;border-radius:6px;color:#fff;font-size:15px}.tag.ok{background:#1a7f37}.tag.bad{background:#b42318}
footer{color:#666;font-size:14px;margin-top:16px;text-align:center}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body><main>${body}<footer>海珠区数据共享平台 · 一台两库</footer></main></body></html>`;
}

// The status code stays machine-readable in data-status (scanning apps, tests); people read the Chinese.
export function licencePage(l: VerifiedLicence, checkedAt: Date): string {
  const s = LICENCE_STATUS[l.status];
  return page(
    `${l.type.name} ${l.number}`,
    `<div class="banner ${s.ok ? 'ok' : 'bad'}" role="status" data-status="${l.status}"><div class="big">${s.zh}</div><div>${esc(s.note)}</div></div>
<div class="card"><dl>
<dt>证照名称</dt><dd>${esc(l.type.name)}</dd>
<dt>证照编号</dt><dd>${esc(l.number)}</dd>
<dt>持证主体</dt><dd>${esc(l.holder.name)}</dd>
<dt>统一社会信用代码</dt><dd>${esc(l.holder.uscc)}</dd>
<dt>发证机关</dt><dd>${esc(l.issuingDepartment.name)}</dd>
<dt>有效期</dt><dd>${esc(l.validFrom)} 至 ${l.validUntil ? esc(l.validUntil) : '长期'}</dd>
<dt>许可范围</dt><dd>${esc(l.scope)}</dd>
<dt>状态</dt><dd>${s.zh}</dd>
</dl></div>
<footer>核验时间 ${shanghaiTimeHtml(checkedAt)}（北京时间）</footer>`,
  );
}

export function enterprisePage(e: VerifiedEnterprise, checkedAt: Date): string {
  const s = ENTERPRISE_STATUS[e.status];
  const rows = e.licences
    .map((l) => {
      const ls = LICENCE_STATUS[l.status];
      return `<tr><td>${esc(l.type.name)}<br><small>${esc(l.number)}</small></td><td><span class="tag ${ls.ok ? 'ok' : 'bad'}" data-status="${l.status}">${ls.zh}</span></td></tr>`;
    })
    .join('');
  return page(
    e.name,
    `<div class="banner ${s.ok ? 'ok' : 'bad'}" role="status" data-status="${e.status}"><div class="big">${esc(e.name)}</div><div class="sub">登记状态：${s.zh}</div></div>
<div class="card"><dl>
<dt>统一社会信用代码</dt><dd>${esc(e.uscc)}</dd>
<dt>登记机关</dt><dd>${esc(e.registrationAuthority.name)}</dd>
<dt>所属街道</dt><dd>${esc(e.street)}</dd>
</dl></div>
<h2>证照</h2><div class="card">${rows ? `<table>${rows}</table>` : '无'}</div>
<footer>核验时间 ${shanghaiTimeHtml(checkedAt)}（北京时间）</footer>`,
  );
}

/** Why a QR code was refused, by the refusal's reason (QR token checks, lookups); anything else is a failure of ours. */
const REFUSAL: Record<string, string> = {
  MALFORMED: '二维码内容不完整或格式不正确，可能未扫描完整，或已被改动。',
  UNKNOWN_KEY: '二维码的签发密钥不受本平台信任（可能已停用），无法确认其来源。',
  BAD_SIGNATURE: '二维码签名核验未通过，内容可能已被篡改或伪造。',
  INVALID_PAYLOAD: '二维码不是本平台签发的格式。',
};
const NOT_FOUND = '二维码所指的证照或企业在本平台中不存在。';

/** Why a QR token was refused, in a sentence for the public. */
export function refusalText(reason: string): string {
  return REFUSAL[reason] ?? '此二维码无法核验。';
}

/** The page for a QR code that cannot be verified: 400 refused, 404 nothing there, 5xx our failure. */
export function refusedPage(status: number, reason: string): string {
  const [title, message] =
    status >= 500
      ? ['暂时无法核验', '系统暂时无法核验此二维码，请稍后再试。']
      : status === 404
        ? ['未找到', NOT_FOUND]
        : ['二维码无效', refusalText(reason)];
  return page(
    title,
    `<div class="banner bad" role="alert" data-reason="${esc(reason)}"><div class="big">${title}</div></div>
<div class="card"><p>${message}</p><p>请勿信任此二维码所附证照；如有疑问，请联系发证机关核实。</p></div>`,
  );
}
