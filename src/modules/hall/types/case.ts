/**
 * Cases as their applicant follows them in the hall: progress, messages, receipt, result and the
 * issued licence with its QR code.
 */
import type { Case } from '../../../generated/prisma/client.js';
import { qrCodeLink } from '../../../platform/qr/link.js';
import { defineQrCodeType } from '../../../platform/graphql/subgraph-builder.js';
import { assertApplicant } from '../access.js';
import { builder } from '../builder.js';
import { applicantCase, casesOf } from '../feedback.js';

const QrCodeType = defineQrCodeType(builder);

const CaseStepType = builder
  .objectRef<{ action: string; state: string; reason: string | null; occurredAt: Date }>('HallCaseStep')
  .implement({
    fields: (t) => ({
      action: t.exposeString('action'),
      state: t.exposeString('state'),
      reason: t.exposeString('reason', { nullable: true }),
      occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    }),
  });

const CaseMessageType = builder
  .objectRef<{ kind: string; text: string; createdAt: Date }>('HallCaseMessage')
  .implement({
    fields: (t) => ({
      kind: t.exposeString('kind'),
      text: t.exposeString('text'),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
  });

export const HallCaseType = builder.objectRef<Case>('HallCase').implement({
  description: 'A case of the signed-in applicant (or their enterprise), as they follow it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    receiptNumber: t.exposeString('receiptNumber'),
    verificationCode: t.exposeString('verificationCode', {
      description: 'With the receipt number: the public progress page and evaluation at a kiosk.',
    }),
    itemCode: t.exposeString('itemCode'),
    itemName: t.string({
      resolve: async (c, _a, ctx) =>
        (await ctx.prisma.serviceItem.findUnique({ where: { code: c.itemCode }, select: { name: true } }))?.name ??
        c.itemCode,
    }),
    channel: t.exposeString('channel'),
    state: t.exposeString('state'),
    outcome: t.exposeString('outcome', { nullable: true }),
    acceptedOn: t.expose('acceptedOn', { type: 'Date', nullable: true }),
    deadline: t.expose('deadline', { type: 'Date', nullable: true }),
    concludedOn: t.expose('concludedOn', { type: 'Date', nullable: true }),
    receiptUrl: t.string({
      resolve: (c) =>
        `/receipt?receipt=${encodeURIComponent(c.receiptNumber)}&code=${encodeURIComponent(c.verificationCode)}`,
    }),
    steps: t.field({
      type: [CaseStepType],
      resolve: async (c, _a, ctx) =>
        (await ctx.prisma.caseEvent.findMany({ where: { caseId: c.id }, orderBy: { occurredAt: 'asc' } })).map((e) => ({
          action: e.action,
          state: e.toState,
          reason: e.reason,
          occurredAt: e.occurredAt,
        })),
    }),
    messages: t.field({
      type: [CaseMessageType],
      description: 'Messages sent to the applicant about this case.',
      resolve: async (c, _a, ctx) =>
        (
          await ctx.prisma.notification.findMany({
            where: { caseId: c.id, audience: 'APPLICANT' },
            orderBy: { createdAt: 'asc' },
          })
        ).map((n) => {
          const p = n.payload;
          const text = p && typeof p === 'object' && !Array.isArray(p) && typeof p.text === 'string' ? p.text : n.kind;
          return { kind: n.kind, text, createdAt: n.createdAt };
        }),
    }),
    licenceQr: t.field({
      type: QrCodeType,
      nullable: true,
      description: 'The QR code of the licence the case issued.',
      resolve: async (c, _a, ctx) => {
        if (!c.licenceId) return null;
        const l = await ctx.prisma.licence.findUnique({
          where: { id: c.licenceId },
          select: { id: true, createdAt: true },
        });
        return l ? qrCodeLink(ctx.qr, ctx.config.publicUrl, { type: 'licence', id: l.id }, l.createdAt) : null;
      },
    }),
  }),
});

builder.queryField('myCases', (t) =>
  t.field({
    type: [HallCaseType],
    description: 'Cases of the signed-in applicant’s drafts and of their enterprises. Errors: UNAUTHENTICATED.',
    resolve: (_r, _a, ctx) => {
      assertApplicant(ctx.caller);
      return casesOf(ctx, ctx.caller);
    },
  }),
);

builder.queryField('myCase', (t) =>
  t.field({
    type: HallCaseType,
    description: 'One of the applicant’s cases. Errors: NOT_FOUND, UNAUTHENTICATED.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => applicantCase(ctx, String(a.id)),
  }),
);
