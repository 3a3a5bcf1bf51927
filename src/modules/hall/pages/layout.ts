/**
 * The hall's page shell: escaping, the layout with navigation, and small shared pieces.
 */
export function esc(s: string | number | null | undefined): string {
  return String(s ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const NAV = [
  ['/hall', '首页'],
  ['/hall/book', '预约办事'],
  ['/hall/apply', '网上申报'],
  ['/hall/tickets/new', '投诉咨询'],
  ['/hall/enterprises', '企业身份'],
] as const;

export interface PageOptions {
  title: string;
  signedIn: boolean;
  current?: string;
  notice?: string | null;
  error?: string | null;
}

export function page(o: PageOptions, body: string): string {
  const nav = o.signedIn
    ? `<nav class="main" aria-label="主导航">${NAV.map(([href, label]) => `<a href="${href}"${o.current === href ? ' aria-current="page"' : ''}>${label}</a>`).join('')}</nav>`
    : '';
  const signOut = o.signedIn
    ? `<form method="post" action="/hall/logout"><button class="secondary" type="submit">退出登录</button></form>`
    : '';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)} - 网上办事大厅</title><link rel="stylesheet" href="/hall/assets/hall.css"><script src="/hall/assets/hall.js" defer></script></head>
<body><header class="top"><a href="/hall">网上办事大厅</a>${signOut}</header>${nav}
<main id="main"><h1>${esc(o.title)}</h1>
${o.error ? `<p class="error" role="alert">${esc(o.error)}</p>` : ''}${o.notice ? `<p class="notice" role="status">${esc(o.notice)}</p>` : ''}
${body}</main></body></html>`;
}

export const STATE_NAMES: Record<string, string> = {
  SUBMITTED: '待补正',
  ACCEPTED: '已受理',
  UNDERTAKEN: '承办中',
  REVIEWED: '审核中',
  APPROVED: '已批准',
  REJECTED: '不予许可',
  CONCLUDED: '已办结',
  EDITING: '填写中',
  PENDING_REVIEW: '预审中',
  RETURNED: '预审退回',
  PASSED: '预审通过',
  BOOKED: '已预约',
  CANCELLED: '已取消',
  KEPT: '已到场',
  MISSED: '未到场',
};

/** Steps of a case's history as the applicant reads them; other actions show the state reached. */
export const ACTION_NAMES: Record<string, string> = {
  SUBMITTED: '已提交申请',
  ACCEPTED: '已受理',
  MATERIALS_MISSING: '材料不齐，一次性告知补正',
  CORRECTION_NOTICE: '一次性告知补正',
  SUPPLEMENTED: '已补正材料',
  DEEMED_ACCEPTED: '逾期未告知，视为受理',
  NOT_ACCEPTED: '不予受理',
  PAUSED: '暂停计时',
  RESUMED: '恢复计时',
};

export const PLACE_NAMES: Record<string, string> = {
  DISTRICT_CENTRE: '区政务服务中心',
  STREET_CENTRE: '街道便民服务中心',
  COMMUNITY_STATION: '社区服务站',
};

export const LIGHT_NAMES: Record<string, string> = { GREEN: '绿灯', YELLOW: '黄灯', RED: '红灯' };

export function day(d: Date | null | undefined): string {
  return d ? d.toISOString().slice(0, 10) : '';
}

export function beijing(d: Date | null | undefined): string {
  if (!d) return '';
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}
