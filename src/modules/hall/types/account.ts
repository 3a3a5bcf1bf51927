/**
 * The signed-in applicant (`hallMe`) and proving an enterprise. Sign-in itself happens on the
 * /hall pages (SMS code, cookie session); the GraphQL face reads the session as the caller.
 */
import type { HallAccount } from '../../../generated/prisma/client.js';
import { authoriseAccount, linkAsLegalRepresentative } from '../accounts.js';
import { enterprisesOf } from '../access.js';
import { builder } from '../builder.js';

const EnterpriseLinkType = builder.prismaObject('HallEnterpriseLink', {
  name: 'HallEnterpriseLink',
  description: 'An enterprise the account acts for.',
  fields: (t) => ({
    uscc: t.expose('uscc', { type: 'USCC' }),
    via: t.exposeString('via', {
      description:
        'LEGAL_REPRESENTATIVE (ID number matched the Subject Library) or AUTHORISATION (granted by the enterprise’s account).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const HallAccountType = builder.objectRef<HallAccount>('HallAccount').implement({
  description: 'An applicant’s account in the online hall.',
  fields: (t) => ({
    id: t.exposeID('id'),
    phone: t.string({
      description: 'The mobile number, masked.',
      resolve: (a) => `${a.phone.slice(0, 3)}****${a.phone.slice(7)}`,
    }),
    enterprises: t.field({
      type: [EnterpriseLinkType],
      resolve: (a, _args, ctx) =>
        ctx.prisma.hallEnterpriseLink.findMany({ where: { accountId: a.id }, orderBy: { createdAt: 'asc' } }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('hallMe', (t) =>
  t.field({
    type: HallAccountType,
    nullable: true,
    description: 'The applicant signed in to the online hall (session cookie), or null.',
    resolve: (_r, _a, ctx) =>
      ctx.caller.kind === 'applicant'
        ? ctx.prisma.hallAccount.findUnique({ where: { id: ctx.caller.accountId } })
        : null,
  }),
);

builder.mutationField('linkEnterprise', (t) =>
  t.field({
    type: ['USCC'],
    description:
      'Proves the signed-in applicant acts for an enterprise: the legal representative’s ID number must match the Subject Library record (10 attempts an hour). Returns the USCCs the account acts for. Errors: UNAUTHENTICATED, FORBIDDEN (no match), BAD_USER_INPUT.',
    args: {
      uscc: t.arg({ type: 'USCC', required: true }),
      legalRepresentativeIdNumber: t.arg.string({ required: true }),
    },
    resolve: async (_r, a, ctx) => {
      await linkAsLegalRepresentative(ctx, a.uscc, a.legalRepresentativeIdNumber);
      return enterprisesOf(ctx, ctx.caller.kind === 'applicant' ? ctx.caller.accountId : '');
    },
  }),
);

builder.mutationField('authoriseHallAccount', (t) =>
  t.boolean({
    description:
      'The enterprise’s account (proven as legal representative) authorises another hall account, by its mobile number, to act for the enterprise.',
    args: { uscc: t.arg({ type: 'USCC', required: true }), phone: t.arg.string({ required: true }) },
    resolve: async (_r, a, ctx) => {
      await authoriseAccount(ctx, a.uscc, a.phone);
      return true;
    },
  }),
);
