/**
 * Applicants' accounts: sign-in with a mobile number and a one-time SMS code (hashed, 5 minutes,
 * 5 attempts, rate-limited), server-side sessions behind an HTTP-only cookie, and proving that an
 * account acts for an enterprise.
 */
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Caller } from '../../platform/auth/caller.js';
import type { BaseContext, Platform } from '../../platform/context.js';
import { badInput, conflict, forbidden, hubError, notFound } from '../../platform/errors.js';
import { isValidUscc } from '../../platform/uscc.js';
import { assertApplicant } from './access.js';
import { hallServices } from './services.js';

export const CODE_TTL_MS = 5 * 60_000;
export const CODE_ATTEMPTS = 5;
export const SESSION_COOKIE = 'hall_session';
const MOBILE = /^1[3-9]\d{9}$/;

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A salted hash: a six-digit code is guessable from a plain hash, a salt makes a leak cost a search per row. */
function hashCode(phone: string, code: string, salt = randomBytes(16).toString('hex')): string {
  return `${salt}:${sha256(`${salt}:${phone}:${code}`)}`;
}

function codeMatches(stored: string, phone: string, code: string): boolean {
  const [salt, hash] = stored.split(':');
  if (!salt || !hash) return false;
  return sameHash(hash, sha256(`${salt}:${phone}:${code}`));
}

export function checkMobile(phone: string): string {
  const p = phone.trim();
  if (!MOBILE.test(p))
    throw badInput('请输入11位手机号码 (a mainland mobile number, e.g. 13800138000)', { field: 'phone' });
  return p;
}

function tooMany(message: string, retryAfterMs: number) {
  return hubError('BAD_USER_INPUT', message, {
    reason: 'RATE_LIMITED',
    retryAfterSeconds: Math.ceil(retryAfterMs / 1000),
  });
}

/** Sends a sign-in code to the number, limited per number and per client address. */
export async function requestCode(
  platform: Platform,
  phoneInput: string,
  address: string,
  now = new Date(),
): Promise<void> {
  const phone = checkMobile(phoneInput);
  const { limits, notifier } = hallServices(platform);
  try {
    await limits.smsPerAddress.consume(address);
    await limits.smsPerNumber.consume(phone);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw tooMany('验证码发送过于频繁，请稍后再试', err.msBeforeNext);
    throw err;
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await platform.prisma.hallSmsCode.create({
    data: { phone, codeHash: hashCode(phone, code), expiresAt: new Date(now.getTime() + CODE_TTL_MS) },
  });
  await notifier.send({
    id: randomUUID(),
    kind: 'SIGN_IN_CODE',
    audience: 'APPLICANT',
    recipient: phone,
    text: `【网上办事大厅】您的登录验证码为${code}，5分钟内有效，请勿告诉他人。`,
    receiptNumber: null,
    progressUrl: null,
    data: {},
  });
}

/**
 * Checks the latest code sent to the number. Each try counts against the code (the counter is
 * raised before comparing, in one conditional UPDATE, so parallel guesses cannot exceed it).
 * Success creates the account if new and returns a session token (only its hash is stored).
 */
export async function signIn(
  platform: Platform,
  phoneInput: string,
  code: string,
  now = new Date(),
): Promise<{ token: string; accountId: string; expiresAt: Date }> {
  const phone = checkMobile(phoneInput);
  const wrong = () => badInput('验证码错误或已过期，请重新获取', { field: 'code' });
  const latest = await platform.prisma.hallSmsCode.findFirst({
    where: { phone, usedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: 'desc' },
  });
  if (!latest) throw wrong();
  const claimed = await platform.prisma.hallSmsCode.updateMany({
    where: { id: latest.id, usedAt: null, attempts: { lt: CODE_ATTEMPTS } },
    data: { attempts: { increment: 1 } },
  });
  if (claimed.count === 0) throw wrong();
  if (!/^\d{6}$/.test(code.trim()) || !codeMatches(latest.codeHash, phone, code.trim())) throw wrong();
  const used = await platform.prisma.hallSmsCode.updateMany({
    where: { id: latest.id, usedAt: null },
    data: { usedAt: now },
  });
  if (used.count === 0) throw wrong();
  const account = await platform.prisma.hallAccount.upsert({ where: { phone }, create: { phone }, update: {} });
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + platform.config.hall.sessionHours * 3600_000);
  await platform.prisma.hallSession.create({ data: { tokenHash: sha256(token), accountId: account.id, expiresAt } });
  platform.logger.info({ accountId: account.id }, 'hall sign-in');
  return { token, accountId: account.id, expiresAt };
}

export async function signOut(platform: Platform, token: string, now = new Date()): Promise<void> {
  await platform.prisma.hallSession.updateMany({
    where: { tokenHash: sha256(token), endedAt: null },
    data: { endedAt: now },
  });
}

/** The session cookie's value from a Cookie header. */
export function sessionToken(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const v = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{43}$/.test(v) ? v : null;
    }
  }
  return null;
}

/** The applicant behind a session token, or null for none, an ended or an expired session. */
export async function sessionCaller(
  platform: Pick<Platform, 'prisma'>,
  token: string | null,
  now = new Date(),
): Promise<Extract<Caller, { kind: 'applicant' }> | null> {
  if (!token) return null;
  const s = await platform.prisma.hallSession.findUnique({ where: { tokenHash: sha256(token) } });
  if (!s || s.endedAt || s.expiresAt <= now) return null;
  return { kind: 'applicant', accountId: s.accountId };
}

/**
 * Proves the account acts for an enterprise: the legal representative's ID number must match the
 * Subject Library record (hashes compared in constant time; attempts limited per account).
 */
export async function linkAsLegalRepresentative(ctx: BaseContext, usccInput: string, idNumber: string): Promise<void> {
  assertApplicant(ctx.caller);
  const uscc = usccInput.trim().toUpperCase();
  if (!isValidUscc(uscc)) throw badInput('统一社会信用代码格式不正确', { field: 'uscc' });
  try {
    await hallServices(ctx).limits.enterpriseProof.consume(ctx.caller.accountId);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw tooMany('尝试次数过多，请一小时后再试', err.msBeforeNext);
    throw err;
  }
  const e = await ctx.prisma.enterprise.findUnique({ where: { uscc }, select: { legalRepresentativeIdNumber: true } });
  // The same answer for an unknown enterprise and a wrong ID number: no probing which USCCs exist.
  const ok =
    e !== null &&
    sameHash(sha256(e.legalRepresentativeIdNumber.trim().toUpperCase()), sha256(idNumber.trim().toUpperCase()));
  if (!ok) throw forbidden('法定代表人身份证号码与企业登记信息不一致', { field: 'legalRepresentativeIdNumber' });
  await ctx.prisma.hallEnterpriseLink.upsert({
    where: { accountId_uscc: { accountId: ctx.caller.accountId, uscc } },
    create: { accountId: ctx.caller.accountId, uscc, via: 'LEGAL_REPRESENTATIVE' },
    update: {},
  });
}

/** The enterprise's account (its legal representative) authorises another account by mobile number. */
export async function authoriseAccount(ctx: BaseContext, usccInput: string, phoneInput: string): Promise<void> {
  assertApplicant(ctx.caller);
  const uscc = usccInput.trim().toUpperCase();
  const phone = checkMobile(phoneInput);
  const own = await ctx.prisma.hallEnterpriseLink.findUnique({
    where: { accountId_uscc: { accountId: ctx.caller.accountId, uscc } },
  });
  if (!own || own.via !== 'LEGAL_REPRESENTATIVE') throw forbidden('只有经法定代表人身份核验的账号可以授权他人代办');
  const other = await ctx.prisma.hallAccount.findUnique({ where: { phone } });
  if (!other) throw notFound('该手机号尚未注册网上办事大厅', { field: 'phone' });
  if (other.id === ctx.caller.accountId) throw conflict('不能授权给自己');
  await ctx.prisma.hallEnterpriseLink.upsert({
    where: { accountId_uscc: { accountId: other.id, uscc } },
    create: { accountId: other.id, uscc, via: 'AUTHORISATION', grantedBy: ctx.caller.accountId },
    update: {},
  });
}
