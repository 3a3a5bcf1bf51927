/**
 * QR codes of licences, and `qrLookup`: resolve a scanned token to its licence or enterprise.
 * The token is verified before anything is read, so a bad token never touches the database.
 */
import { qrCodeLink } from '../../../platform/qr/link.js';
import { verifyQrToken } from '../../../platform/qr/tokens.js';
import { badInput, notFound } from '../../../platform/errors.js';
import { defineQrCodeType } from '../../../platform/graphql/subgraph-builder.js';
import { builder } from '../builder.js';
import { LicenceType_ } from './licence.js';
import { EnterpriseRef } from './refs.js';

export const QrCodeType = defineQrCodeType(builder);

builder.objectField(LicenceType_, 'qr', (t) =>
  t.field({
    type: QrCodeType,
    description:
      "The licence's QR code (print it on the licence). Its token names the licence's index in the signed status list (/status/licences.jwt), so it can be checked for suspension or revocation offline.",
    resolve: (l, _a, ctx) =>
      qrCodeLink(ctx.qr, ctx.config.publicUrl, { type: 'licence', id: l.id, statusIndex: l.statusIndex }, l.createdAt),
  }),
);

const QrTargetEnum = builder.enumType('QrTargetType', { values: ['LICENCE', 'ENTERPRISE'] as const });

interface QrLookupShape {
  target: 'LICENCE' | 'ENTERPRISE';
  keyId: string;
  issuedAt: Date;
  licenceId: string | null;
  uscc: string;
}

const QrLookupType = builder.objectRef<QrLookupShape>('QrLookup').implement({
  description:
    'What a scanned QR code points to. For an enterprise, `enterprise` gives what the caller may read of it, its licences and penalties in one query.',
  fields: (t) => ({
    target: t.expose('target', { type: QrTargetEnum }),
    keyId: t.exposeString('keyId', { description: 'Id of the key that signed the token.' }),
    issuedAt: t.expose('issuedAt', { type: 'DateTime' }),
    licence: t.field({
      type: LicenceType_,
      nullable: true,
      resolve: (q, _a, ctx) => (q.licenceId ? ctx.loaders.licenceById.load(q.licenceId) : null),
    }),
    enterprise: t.field({
      type: EnterpriseRef,
      nullable: true,
      description: 'The enterprise the code points to, or the holder of the licence (null if it is not registered).',
      resolve: (q) => ({ uscc: q.uscc }),
    }),
  }),
});

builder.queryFields((t) => ({
  qrLookup: t.field({
    type: QrLookupType,
    description:
      'Resolves a QR token (the part after /q/ in the code). A tampered, truncated, forged or unknown-key token is refused with BAD_USER_INPUT and extensions.reason MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE or INVALID_PAYLOAD, before any database access.',
    args: { token: t.arg.string({ required: true }) },
    resolve: async (_r, args, ctx): Promise<QrLookupShape> => {
      const verified = await verifyQrToken(ctx.qr, args.token);
      if (!verified.ok) throw badInput(`QR code refused: ${verified.message}`, { reason: verified.code });
      const { target, kid, issuedAt } = verified;
      if (target.type === 'enterprise') {
        return { target: 'ENTERPRISE', keyId: kid, issuedAt, licenceId: null, uscc: target.id };
      }
      const licence = await ctx.loaders.licenceById.load(target.id);
      if (!licence) throw notFound('The licence this QR code points to does not exist');
      return { target: 'LICENCE', keyId: kid, issuedAt, licenceId: licence.id, uscc: licence.holderUscc };
    },
  }),
}));
