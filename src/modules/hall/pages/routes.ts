/**
 * The online hall in a browser (/hall): server-rendered forms in Chinese, one small script, every
 * asset served by the hub. Pages call the hall's rules directly with the session's applicant as
 * the caller; department work goes through the GraphQL API with their keys.
 */
import Busboy from 'busboy';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import type { Caller } from '../../../platform/auth/caller.js';
import type { BaseContext } from '../../../platform/context.js';
import type { RouteHost } from '../../../platform/module.js';
import { qrCodeLink } from '../../../platform/qr/link.js';
import { clientAddress } from '../../../platform/rate-limit/client-address.js';
import { itemMaterials, loadWorkingCalendar, shanghaiToday } from '../../approvals/index.js';
import { enterprisesOf } from '../access.js';
import { linkAsLegalRepresentative, requestCode, SESSION_COOKIE, signIn, signOut, sessionToken } from '../accounts.js';
import { book, cancelBooking, openSlots, rescheduleBooking } from '../booking.js';
import {
  addFile,
  applyDirectly,
  createDraft,
  readableDraft,
  readFile,
  removeFile,
  returnedItems,
  submitDraft,
} from '../drafts.js';
import {
  applicantCase,
  casesOf,
  EVALUATION_TAGS,
  evaluateByReceipt,
  evaluateCase,
  openTicket,
  ticketLight,
  ticketOfApplicant,
} from '../feedback.js';
import { HALL_CSS, HALL_JS } from './assets.js';
import { DEPARTMENT_JS, DEPARTMENT_PAGE } from './department.js';
import { ACTION_NAMES, beijing, day, esc, LIGHT_NAMES, page, PLACE_NAMES, STATE_NAMES } from './layout.js';
import { sameOrigin, sessionCallerOf } from './session.js';

type Applicant = Extract<Caller, { kind: 'applicant' }>;

const STATUS: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

// express types req.body as any; the urlencoded parser gives an object of strings (or arrays of them
// for repeated names), and a request without a form body reads as one with no fields.
const FormFields = z.record(z.string(), z.unknown()).catch({});

/** One field of a posted form, unchecked: str() and list() say what it must be. */
function field(req: Request, name: string): unknown {
  return FormFields.parse(req.body)[name];
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

export function hallRoutes(host: RouteHost): Router {
  const { platform } = host;
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  const ctxOf = (caller: Caller): BaseContext => ({ ...platform, caller });

  router.get('/hall/assets/hall.css', (_req, res) => {
    res.type('css').set('cache-control', 'public, max-age=300').send(HALL_CSS);
  });
  router.get('/hall/assets/hall.js', (_req, res) => {
    res.type('js').set('cache-control', 'public, max-age=300').send(HALL_JS);
  });
  router.get('/hall/assets/department.js', (_req, res) => {
    res.type('js').set('cache-control', 'public, max-age=300').send(DEPARTMENT_JS);
  });

  // Every state change must come from the hub's own pages.
  router.use('/hall', (req, res, next) => {
    res.set({
      'x-frame-options': 'DENY',
      'referrer-policy': 'same-origin',
      'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    });
    if (!sameOrigin(platform, req)) {
      res
        .status(403)
        .type('html')
        .send(page({ title: '请求被拒绝', signedIn: false, error: '请从网上办事大厅页面提交表单。' }, ''));
      return;
    }
    next();
  });

  const html = (res: Response, status: number, body: string) => res.status(status).type('html').send(body);

  /** Runs a page handler with the signed-in applicant; business errors become the page's error message. */
  const signedIn =
    (handler: (req: Request, res: Response, me: Applicant) => Promise<void>) =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      try {
        const me = await sessionCallerOf(platform, req);
        if (!me) {
          if (req.method === 'GET') res.redirect(303, '/hall');
          else
            html(
              res,
              401,
              page(
                { title: '请先登录', signedIn: false, error: '登录已过期，请重新登录。' },
                '<p><a href="/hall">登录</a></p>',
              ),
            );
          return;
        }
        await handler(req, res, me);
      } catch (err) {
        if (err instanceof GraphQLError && typeof err.extensions.code === 'string' && STATUS[err.extensions.code]) {
          const back = req.get('referer') ?? '/hall';
          html(
            res,
            STATUS[err.extensions.code] ?? 400,
            page(
              { title: '未能完成', signedIn: true, error: err.message },
              `<p><a class="button secondary" href="${esc(back)}">返回</a></p>`,
            ),
          );
          return;
        }
        next(err);
      }
    };

  // The department's pre-review desk: its key stays in the browser tab, every call carries it.
  router.get('/hall/department', (_req, res) => {
    html(res, 200, DEPARTMENT_PAGE);
  });

  // ---- sign-in
  const loginPage = (o: { phone?: string; sent?: boolean; error?: string | null; status?: number }, res: Response) =>
    html(
      res,
      o.status ?? 200,
      page(
        {
          title: '登录 / 注册',
          signedIn: false,
          error: o.error ?? null,
          notice: o.sent ? '验证码已发送，5分钟内有效。' : null,
        },
        `<section class="card"><p class="hint">首次使用手机号登录即自动注册。</p>
<form method="post" action="/hall/code"><label for="phone">手机号码</label>
<input id="phone" name="phone" type="tel" inputmode="numeric" autocomplete="tel" required pattern="1[3-9][0-9]{9}" value="${esc(o.phone)}">
<button type="submit"${o.sent ? ' class="secondary"' : ''}>${o.sent ? '重新发送验证码' : '获取验证码'}</button></form>
${
  o.sent
    ? `<form method="post" action="/hall/login"><input type="hidden" name="phone" value="${esc(o.phone)}"><label for="code">短信验证码</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required pattern="[0-9]{6}" maxlength="6" autofocus>
<button type="submit">登录</button></form>`
    : ''
}</section>
<section class="card"><h2>无需登录</h2><p><a href="/hall/evaluate">凭受理编号评价办件</a> · <a href="/progress">办件进度查询</a></p></section>`,
      ),
    );

  router.post('/hall/code', form, async (req, res, next) => {
    const phone = str(field(req, 'phone')).trim();
    try {
      // The gateway's TRUST_PROXY decides whether X-Forwarded-For names the client.
      await requestCode(platform, phone, clientAddress(req));
      loginPage({ phone, sent: true }, res);
    } catch (err) {
      if (err instanceof GraphQLError) loginPage({ phone, error: err.message, status: 400 }, res);
      else next(err);
    }
  });

  router.post('/hall/login', form, async (req, res, next) => {
    const phone = str(field(req, 'phone')).trim();
    try {
      const s = await signIn(platform, phone, str(field(req, 'code')));
      res.cookie(SESSION_COOKIE, s.token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: platform.config.hall.secureCookies,
        path: '/',
        expires: s.expiresAt,
      });
      res.redirect(303, '/hall');
    } catch (err) {
      if (err instanceof GraphQLError) loginPage({ phone, sent: true, error: err.message, status: 400 }, res);
      else next(err);
    }
  });

  router.post('/hall/logout', async (req, res) => {
    const token = sessionToken(req.headers.cookie);
    if (token) await signOut(platform, token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/hall');
  });

  // ---- home
  router.get('/hall', async (req, res, next) => {
    try {
      const me = await sessionCallerOf(platform, req);
      if (!me) {
        loginPage({}, res);
        return;
      }
      const ctx = ctxOf(me);
      const usccs = await enterprisesOf(ctx, me.accountId);
      const [account, bookings, drafts, cases, tickets] = await Promise.all([
        platform.prisma.hallAccount.findUniqueOrThrow({ where: { id: me.accountId } }),
        platform.prisma.booking.findMany({
          where: { OR: [{ accountId: me.accountId }, { uscc: { in: usccs } }] },
          include: { slot: true },
          orderBy: { createdAt: 'desc' },
          take: 50,
        }),
        platform.prisma.hallDraft.findMany({
          where: { OR: [{ accountId: me.accountId }, { applicantUscc: { in: usccs } }], caseId: null },
          orderBy: { createdAt: 'desc' },
          take: 50,
        }),
        casesOf(ctx, me),
        platform.prisma.hallTicket.findMany({
          where: { accountId: me.accountId },
          orderBy: { createdAt: 'desc' },
          take: 50,
        }),
      ]);
      const names = new Map(
        (
          await platform.prisma.serviceItem.findMany({
            where: {
              code: {
                in: [
                  ...bookings.map((b) => b.slot.itemCode),
                  ...drafts.map((d) => d.itemCode),
                  ...cases.map((c) => c.itemCode),
                ],
              },
            },
            select: { code: true, name: true },
          })
        ).map((i) => [i.code, i.name]),
      );
      const calendar = await loadWorkingCalendar(platform.prisma);
      const today = shanghaiToday();
      const empty = (cols: number, text: string) => `<tr><td colspan="${cols}">${text}</td></tr>`;
      const body = `<p>您好，${esc(account.phone.slice(0, 3))}****${esc(account.phone.slice(7))}${usccs.length ? `（可代表 ${usccs.length} 家企业办事）` : ''}</p>
<section class="card"><h2>我的预约</h2><table><thead><tr><th>事项</th><th>时间</th><th>地点</th><th>状态</th><th>操作</th></tr></thead><tbody>
${bookings.map((b) => `<tr><td data-label="事项">${esc(names.get(b.slot.itemCode) ?? b.slot.itemCode)}</td><td data-label="时间">${day(b.slot.day)} ${esc(b.slot.slot)}</td><td data-label="地点">${esc(PLACE_NAMES[b.slot.place])}</td><td data-label="状态">${esc(STATE_NAMES[b.status])}</td><td>${b.status === 'BOOKED' ? `<a href="/hall/bookings/${b.id}/reschedule">改约</a> <form method="post" action="/hall/bookings/${b.id}/cancel" data-confirm="确定取消该预约吗？" style="display:inline"><button class="secondary" type="submit">取消预约</button></form>` : ''}</td></tr>`).join('') || empty(5, '暂无预约。<a href="/hall/book">预约办事</a>')}
</tbody></table></section>
<section class="card"><h2>我的申报</h2><table><thead><tr><th>事项</th><th>申请人</th><th>状态</th></tr></thead><tbody>
${drafts.map((d) => `<tr><td data-label="事项"><a href="/hall/drafts/${d.id}">${esc(names.get(d.itemCode) ?? d.itemCode)}</a></td><td data-label="申请人">${esc(d.applicantName)}</td><td data-label="状态">${esc(STATE_NAMES[d.state])}</td></tr>`).join('') || empty(3, '暂无申报。<a href="/hall/apply">网上申报</a>')}
</tbody></table></section>
<section class="card"><h2>我的办件</h2><table><thead><tr><th>受理编号</th><th>事项</th><th>状态</th><th>办结期限</th></tr></thead><tbody>
${cases.map((c) => `<tr><td data-label="受理编号"><a href="/hall/cases/${c.id}">${esc(c.receiptNumber)}</a></td><td data-label="事项">${esc(names.get(c.itemCode) ?? c.itemCode)}</td><td data-label="状态">${esc(STATE_NAMES[c.state])}</td><td data-label="办结期限">${day(c.deadline)}</td></tr>`).join('') || empty(4, '暂无办件。')}
</tbody></table></section>
<section class="card"><h2>我的投诉与咨询</h2><table><thead><tr><th>标题</th><th>类型</th><th>答复期限</th><th>状态</th></tr></thead><tbody>
${
  tickets
    .map((t) => {
      const light = ticketLight(t, calendar, today);
      return `<tr><td data-label="标题"><a href="/hall/tickets/${t.id}">${esc(t.subject)}</a></td><td data-label="类型">${t.kind === 'COMPLAINT' ? '投诉' : '咨询'}</td><td data-label="答复期限">${day(t.dueOn)}</td><td data-label="状态">${t.answeredAt ? '已答复' : `<span class="light ${light}">${LIGHT_NAMES[light]}</span> 待答复`}</td></tr>`;
    })
    .join('') || empty(4, '暂无。')
}
</tbody></table></section>`;
      html(
        res,
        200,
        page({ title: '我的办事', signedIn: true, current: '/hall', notice: str(req.query.ok) || null }, body),
      );
    } catch (err) {
      next(err);
    }
  });

  // ---- enterprises
  router.get(
    '/hall/enterprises',
    signedIn(async (_req, res, me) => {
      const links = await platform.prisma.hallEnterpriseLink.findMany({ where: { accountId: me.accountId } });
      const names = new Map(
        (
          await platform.prisma.enterprise.findMany({
            where: { uscc: { in: links.map((l) => l.uscc) } },
            select: { uscc: true, name: true },
          })
        ).map((e) => [e.uscc, e.name]),
      );
      html(
        res,
        200,
        page(
          { title: '企业身份', signedIn: true, current: '/hall/enterprises' },
          `<section class="card"><h2>我可代表的企业</h2><ul>${links.map((l) => `<li>${esc(names.get(l.uscc) ?? l.uscc)}（${esc(l.uscc)}，${l.via === 'LEGAL_REPRESENTATIVE' ? '法定代表人' : '授权代办'}）</li>`).join('') || '<li>暂无</li>'}</ul></section>
<section class="card"><h2>以法定代表人身份认证企业</h2><form method="post" action="/hall/enterprises">
<label for="uscc">统一社会信用代码</label><input id="uscc" name="uscc" type="text" required maxlength="18" autocomplete="off">
<label for="idNumber">法定代表人身份证号码</label><input id="idNumber" name="idNumber" type="text" required maxlength="18" autocomplete="off">
<p class="hint">与企业登记信息核对，不保存您输入的号码。</p><button type="submit">认证</button></form></section>`,
        ),
      );
    }),
  );
  router.post(
    '/hall/enterprises',
    form,
    signedIn(async (req, res, me) => {
      await linkAsLegalRepresentative(ctxOf(me), str(field(req, 'uscc')), str(field(req, 'idNumber')));
      res.redirect(303, `/hall?ok=${encodeURIComponent('企业认证成功')}`);
    }),
  );

  // ---- booking
  router.get(
    '/hall/book',
    signedIn(async (req, res, me) => {
      const itemCode = str(req.query.item);
      const bookable = await platform.prisma.bookingSlot.findMany({
        where: { day: { gte: new Date(`${shanghaiToday()}T00:00:00Z`) } },
        distinct: ['itemCode'],
        select: { itemCode: true },
      });
      const items = await platform.prisma.serviceItem.findMany({
        where: { code: { in: bookable.map((b) => b.itemCode) } },
        orderBy: { code: 'asc' },
      });
      const usccs = await enterprisesOf(ctxOf(me), me.accountId);
      let slotsHtml = '';
      if (itemCode) {
        const slots = (await openSlots(platform, itemCode)).filter((s) => s.booked < s.capacity);
        slotsHtml = `<section class="card"><h2>选择时段</h2><form method="post" action="/hall/book"><fieldset class="slots"><legend>可预约时段（北京时间）</legend>
${slots.map((s, i) => `<label><input type="radio" name="slotId" value="${s.id}"${i === 0 ? ' required' : ''}> ${day(s.day)} ${esc(s.slot)} · ${esc(PLACE_NAMES[s.place])} · 余${s.capacity - s.booked}</label>`).join('') || '<p>近期没有可预约的时段。</p>'}
</fieldset>${usccs.length ? `<label for="uscc">代表企业（可选）</label><select id="uscc" name="uscc"><option value="">个人</option>${usccs.map((u) => `<option>${esc(u)}</option>`).join('')}</select>` : ''}
${slots.length ? '<button type="submit">确认预约</button>' : ''}</form></section>`;
      }
      html(
        res,
        200,
        page(
          { title: '预约办事', signedIn: true, current: '/hall/book' },
          `<section class="card"><form method="get" action="/hall/book"><label for="item">办理事项</label>
<select id="item" name="item" required><option value="">请选择</option>${items.map((i) => `<option value="${esc(i.code)}"${i.code === itemCode ? ' selected' : ''}>${esc(i.name)}</option>`).join('')}</select>
<button type="submit">查看时段</button></form></section>${slotsHtml}`,
        ),
      );
    }),
  );
  router.post(
    '/hall/book',
    form,
    signedIn(async (req, res, me) => {
      await book(ctxOf(me), str(field(req, 'slotId')), str(field(req, 'uscc')) || null);
      res.redirect(303, `/hall?ok=${encodeURIComponent('预约成功，办理前一天会短信提醒您')}`);
    }),
  );
  router.post(
    '/hall/bookings/:id/cancel',
    signedIn(async (req, res, me) => {
      await cancelBooking(ctxOf(me), str(req.params.id));
      res.redirect(303, `/hall?ok=${encodeURIComponent('预约已取消')}`);
    }),
  );
  router.get(
    '/hall/bookings/:id/reschedule',
    signedIn(async (req, res, me) => {
      const b = await platform.prisma.booking.findFirst({
        where: { id: str(req.params.id), accountId: me.accountId, status: 'BOOKED' },
        include: { slot: true },
      });
      if (!b) {
        res.redirect(303, '/hall');
        return;
      }
      const slots = (await openSlots(platform, b.slot.itemCode)).filter(
        (s) => s.booked < s.capacity && s.id !== b.slotId,
      );
      html(
        res,
        200,
        page(
          { title: '改约', signedIn: true },
          `<section class="card"><p>当前：${day(b.slot.day)} ${esc(b.slot.slot)}</p><form method="post" action="/hall/bookings/${b.id}/reschedule"><fieldset class="slots"><legend>改到</legend>
${slots.map((s, i) => `<label><input type="radio" name="slotId" value="${s.id}"${i === 0 ? ' required' : ''}> ${day(s.day)} ${esc(s.slot)} · ${esc(PLACE_NAMES[s.place])}</label>`).join('') || '<p>没有其他可预约时段。</p>'}</fieldset><button type="submit">确认改约</button></form></section>`,
        ),
      );
    }),
  );
  router.post(
    '/hall/bookings/:id/reschedule',
    form,
    signedIn(async (req, res, me) => {
      await rescheduleBooking(ctxOf(me), str(req.params.id), str(field(req, 'slotId')));
      res.redirect(303, `/hall?ok=${encodeURIComponent('改约成功')}`);
    }),
  );

  // ---- online application
  router.get(
    '/hall/apply',
    signedIn(async (_req, res, me) => {
      const items = await platform.prisma.serviceItem.findMany({
        where: { online: { in: ['PRE_REVIEW', 'FULLY_ONLINE'] } },
        orderBy: { code: 'asc' },
      });
      const usccs = await enterprisesOf(ctxOf(me), me.accountId);
      html(
        res,
        200,
        page(
          { title: '网上申报', signedIn: true, current: '/hall/apply' },
          `<section class="card"><form method="post" action="/hall/drafts">
<label for="itemCode">办理事项</label><select id="itemCode" name="itemCode" required><option value="">请选择</option>${items.map((i) => `<option value="${esc(i.code)}">${esc(i.name)}${i.online === 'PRE_REVIEW' ? '（网上预审）' : '（全程网办）'}</option>`).join('')}</select>
<label for="applicantName">申请人名称</label><input id="applicantName" name="applicantName" type="text" required maxlength="200">
<label for="applicantUscc">代表企业</label><select id="applicantUscc" name="applicantUscc"><option value="">个人</option>${usccs.map((u) => `<option>${esc(u)}</option>`).join('')}</select>
<label for="applicantIdNumber">身份证号码（个人事项）</label><input id="applicantIdNumber" name="applicantIdNumber" type="text" maxlength="18" autocomplete="off">
<button type="submit">下一步：上传材料</button></form></section>`,
        ),
      );
    }),
  );
  router.post(
    '/hall/drafts',
    form,
    signedIn(async (req, res, me) => {
      const d = await createDraft(ctxOf(me), {
        itemCode: str(field(req, 'itemCode')),
        applicantName: str(field(req, 'applicantName')),
        applicantUscc: str(field(req, 'applicantUscc')) || null,
        applicantIdNumber: str(field(req, 'applicantIdNumber')) || null,
      });
      res.redirect(303, `/hall/drafts/${d.id}`);
    }),
  );
  router.get(
    '/hall/drafts/:id',
    signedIn(async (req, res, me) => {
      const d = await readableDraft(ctxOf(me), str(req.params.id));
      const item = await platform.prisma.serviceItem.findUniqueOrThrow({ where: { code: d.itemCode } });
      const materials = itemMaterials(item);
      const editable = d.state === 'EDITING' || d.state === 'RETURNED';
      const fixes = returnedItems(d);
      const types = platform.config.hall.uploadTypes.map((t) => t.toUpperCase()).join('、');
      const accept = platform.config.hall.uploadTypes
        .map((t) => (t === 'pdf' ? 'application/pdf' : `image/${t}`))
        .join(',');
      const body = `<p>事项：${esc(item.name)} · 状态：<strong>${esc(STATE_NAMES[d.state])}</strong></p>
${fixes.length ? `<section class="fixes" aria-labelledby="fixes-h"><h2 id="fixes-h">预审意见（一次性告知）</h2><ol>${fixes.map((f) => `<li>${f.materialCode ? `${esc(materials.find((m) => m.code === f.materialCode)?.name ?? f.materialCode)}：` : ''}${esc(f.note)}</li>`).join('')}</ol></section>` : ''}
<section class="card"><h2>申请材料</h2><table><thead><tr><th>材料</th><th>要求</th><th>已上传</th></tr></thead><tbody>
${materials
  .map(
    (m) =>
      `<tr><td data-label="材料">${esc(m.name)}</td><td data-label="要求">${m.requirement === 'REQUIRED' ? '必需' : m.requirement === 'CONDITIONAL' ? esc(`视情况：${m.condition ?? ''}`) : '可选'}</td><td data-label="已上传">${
        d.files
          .filter((f) => f.materialCode === m.code)
          .map(
            (f) =>
              `<a href="/hall/files/${f.id}">${esc(f.fileName)}</a>${editable ? ` <form method="post" action="/hall/files/${f.id}/delete" style="display:inline"><button class="secondary" type="submit" aria-label="删除 ${esc(f.fileName)}">删除</button></form>` : ''}`,
          )
          .join('<br>') || '—'
      }</td></tr>`,
  )
  .join('')}
</tbody></table>
${
  editable
    ? `<h2>上传材料</h2><form method="post" action="/hall/drafts/${d.id}/files" enctype="multipart/form-data">
<label for="materialCode">材料</label><select id="materialCode" name="materialCode" required>${materials.map((m) => `<option value="${esc(m.code)}">${esc(m.name)}</option>`).join('')}</select>
<label for="file">文件</label><input id="file" name="file" type="file" required accept="${accept}"><p class="hint">${types}，不超过${Math.round(platform.config.hall.uploadMaxBytes / 1024 / 1024)}MB。</p>
<button type="submit">上传</button></form>
${
  item.online === 'FULLY_ONLINE'
    ? `<h2>提交</h2><p class="hint">本事项全程网办：材料齐全可直接提交申请，即时受理；也可先提交部门预审。</p>
<form method="post" action="/hall/drafts/${d.id}/apply"><button type="submit">直接提交申请</button></form>
<form method="post" action="/hall/drafts/${d.id}/submit"><button class="secondary" type="submit">提交预审</button></form>`
    : `<form method="post" action="/hall/drafts/${d.id}/submit"><button type="submit">提交预审</button></form>`
}`
    : ''
}
${d.state === 'PENDING_REVIEW' ? '<p class="hint">已提交，部门预审后会短信通知您。</p>' : ''}</section>`;
      html(res, 200, page({ title: '申报材料', signedIn: true, notice: str(req.query.ok) || null }, body));
    }),
  );
  router.post(
    '/hall/drafts/:id/files',
    signedIn(async (req, res, me) => {
      const id = str(req.params.id);
      const max = platform.config.hall.uploadMaxBytes;
      const upload = await new Promise<{ materialCode: string; fileName: string; bytes: Buffer; truncated: boolean }>(
        (resolve, reject) => {
          const bb = Busboy({
            headers: req.headers,
            defParamCharset: 'utf8',
            limits: { files: 1, fileSize: max + 1, fields: 5, fieldSize: 1000 },
          });
          let materialCode = '';
          let fileName = '';
          const chunks: Buffer[] = [];
          let truncated = false;
          bb.on('field', (name, value) => {
            if (name === 'materialCode') materialCode = value;
          });
          bb.on('file', (_name, stream, info) => {
            fileName = info.filename ?? 'file';
            stream.on('data', (c: Buffer) => chunks.push(c));
            stream.on('limit', () => {
              truncated = true;
            });
          });
          bb.on('close', () => resolve({ materialCode, fileName, bytes: Buffer.concat(chunks), truncated }));
          bb.on('error', reject);
          req.pipe(bb);
        },
      );
      const bytes = upload.truncated ? Buffer.alloc(max + 1) : upload.bytes;
      await addFile(ctxOf(me), id, upload.materialCode, upload.fileName, bytes);
      res.redirect(303, `/hall/drafts/${id}?ok=${encodeURIComponent('已上传')}`);
    }),
  );
  router.post(
    '/hall/files/:id/delete',
    signedIn(async (req, res, me) => {
      const f = await platform.prisma.hallFile.findUnique({
        where: { id: str(req.params.id) },
        select: { draftId: true },
      });
      await removeFile(ctxOf(me), str(req.params.id));
      res.redirect(303, f ? `/hall/drafts/${f.draftId}` : '/hall');
    }),
  );
  router.post(
    '/hall/drafts/:id/submit',
    signedIn(async (req, res, me) => {
      const d = await submitDraft(ctxOf(me), str(req.params.id));
      res.redirect(303, `/hall/drafts/${d.id}?ok=${encodeURIComponent('已提交预审')}`);
    }),
  );
  router.post(
    '/hall/drafts/:id/apply',
    signedIn(async (req, res, me) => {
      const d = await applyDirectly(ctxOf(me), str(req.params.id));
      res.redirect(303, d.caseId ? `/hall/cases/${d.caseId}` : `/hall/drafts/${d.id}`);
    }),
  );
  // Files: the applicant (session) or the item's department (API key with case:handle).
  router.get('/hall/files/:id', async (req, res, next) => {
    try {
      const caller = req.headers.authorization
        ? await host.verifier.verify(req.headers.authorization)
        : ((await sessionCallerOf(platform, req)) ?? { kind: 'public' as const });
      const { file, bytes } = await readFile(ctxOf(caller), str(req.params.id));
      res.set({
        'content-type': file.contentType,
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
        'x-content-type-options': 'nosniff',
        'cache-control': 'private, no-store',
      });
      res.send(bytes);
    } catch (err) {
      if (err instanceof GraphQLError && typeof err.extensions.code === 'string')
        res
          .status(STATUS[err.extensions.code] ?? 400)
          .type('text')
          .send(err.message);
      else next(err);
    }
  });

  // ---- cases and evaluation
  router.get(
    '/hall/cases/:id',
    signedIn(async (req, res, me) => {
      const c = await applicantCase(ctxOf(me), str(req.params.id));
      const item = await platform.prisma.serviceItem.findUnique({
        where: { code: c.itemCode },
        select: { name: true },
      });
      const events = await platform.prisma.caseEvent.findMany({
        where: { caseId: c.id },
        orderBy: { occurredAt: 'asc' },
      });
      const messages = await platform.prisma.notification.findMany({
        where: { caseId: c.id, audience: 'APPLICANT' },
        orderBy: { createdAt: 'asc' },
      });
      const evaluation = await platform.prisma.evaluation.findUnique({ where: { caseId: c.id } });
      const licence = c.licenceId ? await platform.prisma.licence.findUnique({ where: { id: c.licenceId } }) : null;
      const qr = licence
        ? await qrCodeLink(platform.qr, '', { type: 'licence', id: licence.id }, licence.createdAt)
        : null;
      const textOf = (p: unknown, kind: string) =>
        p && typeof p === 'object' && 'text' in p && typeof p.text === 'string' ? p.text : kind;
      const receipt = `/receipt?receipt=${encodeURIComponent(c.receiptNumber)}&code=${encodeURIComponent(c.verificationCode)}`;
      const evalForm =
        c.state === 'CONCLUDED' && !evaluation
          ? `<section class="card"><h2>评价本次办事</h2><form method="post" action="/hall/cases/${c.id}/evaluate">
<fieldset class="stars"><legend>满意度</legend>${[5, 4, 3, 2, 1].map((n) => `<label><input type="radio" name="stars" value="${n}" required> ${n}星</label>`).join('')}</fieldset>
<fieldset class="stars"><legend>标签（可多选）</legend>${EVALUATION_TAGS.map((t) => `<label><input type="checkbox" name="tags" value="${esc(t)}"> ${esc(t)}</label>`).join('')}</fieldset>
<label for="comment">评价内容（可选）</label><textarea id="comment" name="comment" maxlength="500"></textarea><button type="submit">提交评价</button></form></section>`
          : '';
      const body = `<section class="card"><p>受理编号：<strong>${esc(c.receiptNumber)}</strong> · 查询码：${esc(c.verificationCode)}</p><p>事项：${esc(item?.name ?? c.itemCode)}</p>
<p>状态：<strong>${esc(STATE_NAMES[c.state])}</strong>${c.outcome ? `（${esc(STATE_NAMES[c.outcome])}）` : ''}${c.deadline ? ` · 承诺办结期限：${day(c.deadline)}` : ''}</p>
<p><a href="${esc(receipt)}">受理回执</a> · <a href="/hall/tickets/new?caseId=${c.id}">投诉或咨询本办件</a></p></section>
${qr ? `<section class="card qr"><h2>电子证照</h2><p>${esc(licence?.number ?? '')}</p><img src="${esc(qr.svgUrl)}" alt="证照二维码，扫码核验"><p><a href="${esc(qr.url)}">核验证照</a></p></section>` : ''}
<section class="card"><h2>办理进度</h2><ol>${events.map((e) => `<li>${beijing(e.occurredAt)} ${esc(ACTION_NAMES[e.action] ?? STATE_NAMES[e.toState])}${e.reason && e.action !== 'SUBMITTED' ? `：${esc(e.reason)}` : ''}</li>`).join('')}</ol></section>
<section class="card"><h2>消息</h2><ul>${messages.map((m) => `<li>${beijing(m.createdAt)} ${esc(textOf(m.payload, m.kind))}</li>`).join('') || '<li>暂无</li>'}</ul></section>
${evaluation ? `<section class="card"><h2>我的评价</h2><p>${evaluation.stars}星 ${esc(evaluation.tags.join('、'))}</p><p>${esc(evaluation.comment)}</p></section>` : evalForm}`;
      html(res, 200, page({ title: '办件详情', signedIn: true, notice: str(req.query.ok) || null }, body));
    }),
  );
  router.post(
    '/hall/cases/:id/evaluate',
    form,
    signedIn(async (req, res, me) => {
      await evaluateCase(ctxOf(me), str(req.params.id), {
        stars: Number(str(field(req, 'stars'))),
        tags: list(field(req, 'tags')),
        comment: str(field(req, 'comment')) || null,
      });
      res.redirect(303, `/hall/cases/${str(req.params.id)}?ok=${encodeURIComponent('感谢您的评价')}`);
    }),
  );

  const receiptEvalPage = (res: Response, status: number, o: { error?: string; notice?: string }) =>
    html(
      res,
      status,
      page(
        { title: '凭受理编号评价', signedIn: false, error: o.error ?? null, notice: o.notice ?? null },
        `<section class="card"><form method="post" action="/hall/evaluate">
<label for="receiptNumber">受理编号</label><input id="receiptNumber" name="receiptNumber" type="text" required>
<label for="verificationCode">查询码</label><input id="verificationCode" name="verificationCode" type="text" required>
<fieldset class="stars"><legend>满意度</legend>${[5, 4, 3, 2, 1].map((n) => `<label><input type="radio" name="stars" value="${n}" required> ${n}星</label>`).join('')}</fieldset>
<label for="comment">评价内容（可选）</label><textarea id="comment" name="comment" maxlength="500"></textarea><button type="submit">提交评价</button></form></section>`,
      ),
    );
  router.get('/hall/evaluate', (_req, res) => receiptEvalPage(res, 200, {}));
  router.post('/hall/evaluate', form, async (req, res, next) => {
    try {
      await evaluateByReceipt(
        ctxOf({ kind: 'public' }),
        str(field(req, 'receiptNumber')),
        str(field(req, 'verificationCode')),
        { stars: Number(str(field(req, 'stars'))), comment: str(field(req, 'comment')) || null },
      );
      receiptEvalPage(res, 200, { notice: '感谢您的评价' });
    } catch (err) {
      if (err instanceof GraphQLError) receiptEvalPage(res, 400, { error: err.message });
      else next(err);
    }
  });

  // ---- complaints and consultations
  router.get(
    '/hall/tickets/new',
    signedIn(async (req, res, me) => {
      const cases = await casesOf(ctxOf(me), me);
      const depts = await platform.prisma.department.findMany({
        orderBy: { code: 'asc' },
        select: { code: true, name: true },
      });
      const caseId = str(req.query.caseId);
      html(
        res,
        200,
        page(
          { title: '投诉咨询', signedIn: true, current: '/hall/tickets/new' },
          `<section class="card"><form method="post" action="/hall/tickets">
<fieldset><legend>类型</legend><label><input type="radio" name="kind" value="COMPLAINT" required checked> 投诉</label><label><input type="radio" name="kind" value="CONSULTATION"> 咨询</label></fieldset>
<label for="caseId">关于办件</label><select id="caseId" name="caseId"><option value="">（不针对具体办件）</option>${cases.map((c) => `<option value="${c.id}"${c.id === caseId ? ' selected' : ''}>${esc(c.receiptNumber)}</option>`).join('')}</select>
<label for="departmentCode">或关于部门</label><select id="departmentCode" name="departmentCode"><option value="">请选择</option>${depts.map((d) => `<option value="${esc(d.code)}">${esc(d.name)}</option>`).join('')}</select>
<label for="subject">标题</label><input id="subject" name="subject" type="text" required maxlength="100">
<label for="body">内容</label><textarea id="body" name="body" required maxlength="2000"></textarea>
<p class="hint">部门将在${platform.config.hall.answerDays}个工作日内答复，超期将报送监督部门。</p><button type="submit">提交</button></form></section>`,
        ),
      );
    }),
  );
  router.post(
    '/hall/tickets',
    form,
    signedIn(async (req, res, me) => {
      const kind = str(field(req, 'kind')) === 'CONSULTATION' ? 'CONSULTATION' : 'COMPLAINT';
      const t = await openTicket(ctxOf(me), {
        kind,
        subject: str(field(req, 'subject')),
        body: str(field(req, 'body')),
        caseId: str(field(req, 'caseId')) || null,
        departmentCode: str(field(req, 'departmentCode')) || null,
      });
      res.redirect(303, `/hall/tickets/${t.id}?ok=${encodeURIComponent('已提交，部门答复后会短信通知您')}`);
    }),
  );
  router.get(
    '/hall/tickets/:id',
    signedIn(async (req, res, me) => {
      const t = await ticketOfApplicant(ctxOf(me), str(req.params.id));
      const light = ticketLight(t, await loadWorkingCalendar(platform.prisma), shanghaiToday());
      html(
        res,
        200,
        page(
          {
            title: t.kind === 'COMPLAINT' ? '投诉详情' : '咨询详情',
            signedIn: true,
            notice: str(req.query.ok) || null,
          },
          `<section class="card"><h2>${esc(t.subject)}</h2><p>${esc(t.body)}</p>
<p>答复期限：${day(t.dueOn)} <span class="light ${light}">${LIGHT_NAMES[light]}</span>${t.escalatedAt ? ' · 已超期并报送监督部门' : ''}</p></section>
<section class="card"><h2>答复</h2>${t.answer ? `<p>${esc(t.answer)}</p><p class="hint">${beijing(t.answeredAt)}</p>` : '<p>部门尚未答复。</p>'}</section>`,
        ),
      );
    }),
  );

  return router;
}
