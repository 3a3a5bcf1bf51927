/**
 * Online hall test helpers: an SMS gateway on loopback that keeps the codes it is sent, a
 * catalogue item of a department, and signing in over HTTP to get a session cookie.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { uniqueCode } from './builders.js';

export interface SmsInbox {
  url: string;
  /** The last code sent to the number. */
  codeFor(phone: string): string | undefined;
  close(): Promise<void>;
}

export async function smsInbox(): Promise<SmsInbox> {
  const codes = new Map<string, string>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const m = JSON.parse(body) as { to: string; content: string };
      const code = /验证码为(\d{6})/.exec(m.content)?.[1];
      if (code) codes.set(m.to, code);
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    codeFor: (p) => codes.get(p),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

let phoneSeq = 0;
export function aMobile(): string {
  phoneSeq += 1;
  return `139${String(Date.now() % 1e5).padStart(5, '0')}${String(phoneSeq % 1000).padStart(3, '0')}`;
}

export async function aHallItem(
  prisma: PrismaClient,
  departmentCode: string,
  online: 'PRE_REVIEW' | 'FULLY_ONLINE' | 'BOOKING' = 'PRE_REVIEW',
) {
  return prisma.serviceItem.create({
    data: {
      code: uniqueCode('HI'),
      name: `测试事项${uniqueCode('')}`,
      departmentCode,
      audience: 'PERSON',
      acceptedAt: ['DISTRICT_CENTRE'],
      onTheSpot: false,
      conditions: [],
      legalBasis: ['《测试条例》'],
      materials: [
        { code: 'FORM', name: '申请表', form: '原件', copies: 1, requirement: 'REQUIRED' },
        { code: 'ID', name: '身份证', form: '复印件', copies: 1, requirement: 'REQUIRED' },
      ],
      steps: ['ACCEPTANCE', 'UNDERTAKING', 'REVIEW', 'DECISION'],
      specialStages: [],
      statutoryLimitDays: 20,
      committedLimitDays: 10,
      fees: [],
      online,
    },
  });
}

/** Signs in through the pages and returns the Cookie header value. */
export async function signInOverHttp(url: string, inbox: SmsInbox, phone: string): Promise<string> {
  const headers = { origin: url, 'content-type': 'application/x-www-form-urlencoded' };
  const sent = await fetch(`${url}/hall/code`, { method: 'POST', headers, body: new URLSearchParams({ phone }) });
  if (sent.status !== 200) throw new Error(`code not sent: ${sent.status}`);
  const code = inbox.codeFor(phone);
  if (!code) throw new Error('no code received');
  const res = await fetch(`${url}/hall/login`, {
    method: 'POST',
    headers,
    body: new URLSearchParams({ phone, code }),
    redirect: 'manual',
  });
  const cookie = res.headers.get('set-cookie') ?? '';
  const m = /hall_session=([^;]+)/.exec(cookie);
  if (res.status !== 303 || !m) throw new Error(`sign-in failed: ${res.status}`);
  return `hall_session=${m[1]}`;
}

/** GraphQL as the signed-in applicant (cookie + the hub's Origin). */
export async function applicantGql<T>(
  url: string,
  cookie: string,
  query: string,
  variables: Record<string, unknown> = {},
) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, origin: url },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as {
    data?: T;
    errors?: { message: string; extensions?: { code?: string; reason?: string } }[];
  };
}
