/**
 * Public pages of the approval workflow: item guides, printable receipts, decisions not to accept,
 * progress lookup, and the receipt and progress of a joint application (并联审批).
 * Each page reads through the GraphQL API as the public, like the QR verification page.
 */
// The guide names the licence an item produces by asking the licences subgraph's public licenceTypes
// (a handful of rows) in the same operation: LicenceType is not a federation entity, and the approvals
// subgraph keeps only the code.
import type { ApolloServer } from '@apollo/server';
import express, { type RequestHandler, type Router } from 'express';
import type { GatewayContext } from '../../../platform/context.js';
import type { Platform } from '../../../platform/context.js';
import type { RouteHost } from '../../../platform/module.js';
import { quotaHeaders } from '../../../platform/rate-limit/index.js';
import { qrSvg } from '../../../platform/qr/render.js';
import { publicErrorHandler } from '../../../web/errors.js';
import { shanghaiToday } from '../calendar/store.js';
import { decisionPage, type DecisionView } from './decision.js';
import {
  jointProgressFormPage,
  jointProgressPage,
  jointReceiptPage,
  type JointProgressView,
  type JointReceiptView,
} from './joint-pages.js';
import {
  guidePage,
  messagePage,
  progressFormPage,
  progressPage,
  receiptPage,
  type GuideItem,
  type ProgressView,
  type ReceiptView,
} from './pages.js';

const GUIDE = `query Guide($code: String!) {
  serviceItem(code: $code) {
    code name audience acceptedAt onTheSpot conditions legalBasis steps specialStages statutoryLimitDays committedLimitDays
    online producesLicenceType consultationPhone supervisionPhone
    materials { code name form copies requirement condition note sharedSource { source licenceType } }
    fees { name amountYuan basis }
    dependsOn { code name }
    department { name }
  }
  licenceTypes { code name }
}`;

const RECEIPT = `query Receipt($r: String!, $c: String!) {
  caseReceipt(receiptNumber: $r, verificationCode: $c) {
    receiptNumber verificationCode itemCode itemName applicantName channel acceptancePlace state acceptedAt limitDays statutoryLimitDays deadline
    materialsReceived { code name copies } outstandingMaterials { code name copies } sharedMaterials { code name }
    noticeDeferred deemedAccepted submittedAt notAcceptedAt notAcceptedReason consultationPhone supervisionPhone progressUrl department { name }
  }
}`;

const PROGRESS = `query Progress($r: String!, $c: String!) {
  caseProgress(receiptNumber: $r, verificationCode: $c) {
    receiptNumber itemName state outcome acceptedOn deadline trafficLight paused pauseKind concludedOn onTime
    outstandingMaterials { code name } department { name } steps { action state occurredAt } jointReceiptNumber
  }
}`;

const JOINT_BRANCH =
  'receiptNumber itemCode itemName department { name } state outcome limitDays deadline trafficLight concludedOn';
const JOINT_SERVICE = 'service { code name leadDepartment { name } }';

const JOINT_PROGRESS = `query JointProgress($r: String!, $c: String!) {
  jointProgress(receiptNumber: $r, verificationCode: $c) {
    receiptNumber projectName state outcome acceptedOn jointLimitDays deadline trafficLight concludedOn
    elapsedWorkingDays serialLimitDays daysSaved ${JOINT_SERVICE} branches { ${JOINT_BRANCH} }
  }
}`;

const JOINT_RECEIPT = `query JointReceipt($r: String!, $c: String!) {
  jointReceipt(receiptNumber: $r, verificationCode: $c) {
    receiptNumber verificationCode projectName applicantName acceptancePlace state submittedAt acceptedOn
    jointLimitDays serialLimitDays deadline consultationPhone supervisionPhone progressUrl ${JOINT_SERVICE}
    branches { ${JOINT_BRANCH} }
    materialsReceived { code name copies items shared } outstandingMaterials { code name copies items shared }
    materialsFromLibraries { name items }
  }
}`;

export function approvalsRoutes(
  platform: Platform,
  apollo: ApolloServer<GatewayContext>,
  publicContext: () => GatewayContext,
  publicQuota: RouteHost['publicQuota'],
): Router {
  const router = express.Router();

  // A receipt number and its code unlock a case: the pages that take them count against the
  // address's public quota, as caseProgress over /graphql does, so that codes cannot be guessed
  // faster through the pages than through the API. Refused in Chinese, with Retry-After.
  const lookupQuota: RequestHandler = (req, res, next) => {
    publicQuota(req)
      .then((quota) => {
        if (!quota) return next();
        res.set(quotaHeaders(quota, 'public'));
        if (quota.allowed) return next();
        res
          .status(429)
          .set('cache-control', 'no-store')
          .type('html')
          .send(messagePage('查询过于频繁', `本地址查询次数过多，请 ${quota.resetSeconds} 秒后再试。`));
      })
      .catch(next);
  };
  router.use(['/receipts', '/decisions', '/progress', '/joint'], lookupQuota);

  async function query<T>(q: string, variables: Record<string, string>): Promise<T | null> {
    const result = await apollo.executeOperation<T, Record<string, string>>(
      { query: q, variables },
      { contextValue: publicContext() },
    );
    const body = result.body.kind === 'single' ? result.body.singleResult : null;
    if (body?.errors?.length)
      platform.logger.warn({ errors: body.errors.map((e) => e.message) }, 'approvals page query failed');
    return body?.data ?? null;
  }

  router.get('/guide/:code', async (req, res) => {
    const data = await query<{ serviceItem: GuideItem | null; licenceTypes: { code: string; name: string }[] | null }>(
      GUIDE,
      {
        code: req.params.code,
      },
    );
    if (!data?.serviceItem) {
      res
        .status(404)
        .type('html')
        .send(messagePage('未找到事项', `目录中没有编码为 ${req.params.code} 的事项。`));
      return;
    }
    const licenceTypes = new Map((data.licenceTypes ?? []).map((t) => [t.code, t.name]));
    res.set('cache-control', 'public, max-age=300').type('html').send(guidePage(data.serviceItem, licenceTypes));
  });

  router.get('/receipts/:receiptNumber', async (req, res) => {
    res.set('cache-control', 'no-store').set('x-robots-tag', 'noindex');
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    const data = code
      ? await query<{ caseReceipt: ReceiptView | null }>(RECEIPT, { r: req.params.receiptNumber, c: code })
      : null;
    if (!data?.caseReceipt) {
      res.status(404).type('html').send(messagePage('未找到回执', '受理编号或查询码不正确。'));
      return;
    }
    const r = data.caseReceipt;
    const decision =
      r.state === 'NOT_ACCEPTED'
        ? `/decisions/${encodeURIComponent(r.receiptNumber)}?code=${encodeURIComponent(code)}`
        : null;
    res.type('html').send(receiptPage(r, await qrSvg(r.progressUrl), decision));
  });

  router.get('/decisions/:receiptNumber', async (req, res) => {
    res.set('cache-control', 'no-store').set('x-robots-tag', 'noindex');
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    const data = code
      ? await query<{ caseReceipt: DecisionView | null }>(RECEIPT, { r: req.params.receiptNumber, c: code })
      : null;
    if (data?.caseReceipt?.state !== 'NOT_ACCEPTED') {
      res
        .status(404)
        .type('html')
        .send(messagePage('未找到决定书', '受理编号或查询码不正确，或该申请没有不予受理决定。'));
      return;
    }
    res.type('html').send(decisionPage(data.caseReceipt));
  });

  router.get('/progress', async (req, res) => {
    res.set('cache-control', 'no-store').set('x-robots-tag', 'noindex');
    const receipt = typeof req.query.receipt === 'string' ? req.query.receipt : '';
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    if (!receipt || !code) {
      res.type('html').send(progressFormPage());
      return;
    }
    const data = await query<{ caseProgress: ProgressView | null }>(PROGRESS, { r: receipt, c: code });
    if (!data?.caseProgress) {
      res.status(404).type('html').send(messagePage('未找到办件', '受理编号或查询码不正确。'));
      return;
    }
    res.type('html').send(progressPage(data.caseProgress));
  });

  // A joint application (并联审批): the same rules as a case's receipt and progress, by its own
  // receipt number and the code printed on its one receipt.
  router.get('/joint/receipts/:receiptNumber', async (req, res) => {
    res.set('cache-control', 'no-store').set('x-robots-tag', 'noindex');
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    const data = code
      ? await query<{ jointReceipt: JointReceiptView | null }>(JOINT_RECEIPT, { r: req.params.receiptNumber, c: code })
      : null;
    if (!data?.jointReceipt) {
      res.status(404).type('html').send(messagePage('未找到回执', '受理编号或查询码不正确。'));
      return;
    }
    const r = data.jointReceipt;
    res.type('html').send(jointReceiptPage(r, await qrSvg(r.progressUrl)));
  });

  router.get('/joint/progress', async (req, res) => {
    res.set('cache-control', 'no-store').set('x-robots-tag', 'noindex');
    const receipt = typeof req.query.receipt === 'string' ? req.query.receipt : '';
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    if (!receipt || !code) {
      res.type('html').send(jointProgressFormPage(receipt));
      return;
    }
    const data = await query<{ jointProgress: JointProgressView | null }>(JOINT_PROGRESS, { r: receipt, c: code });
    if (!data?.jointProgress) {
      res.status(404).type('html').send(messagePage('未找到办件', '受理编号或查询码不正确。'));
      return;
    }
    res.type('html').send(jointProgressPage(data.jointProgress, shanghaiToday()));
  });

  // A failure inside these pages (database down, a bug) would otherwise reach Express's English
  // default error page; the public gets a Chinese one, the log gets the error.
  router.use(
    publicErrorHandler(platform.logger, (status) =>
      status < 500
        ? messagePage('请求无效', '您访问的地址不正确。')
        : messagePage('服务暂时不可用', '系统暂时无法处理您的请求，请稍后再试。'),
    ),
  );

  return router;
}
