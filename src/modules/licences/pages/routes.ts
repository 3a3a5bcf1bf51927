/**
 * Public QR routes: the verification page `/q/<token>`, its images, the JWKS that lets anyone
 * verify a token offline, and the signed licence status list that lets them check revocation
 * offline too. The page reads through the GraphQL API as the public.
 */
import type { ApolloServer } from '@apollo/server';
import express, { type Router } from 'express';
import type { GatewayContext } from '../../../platform/context.js';
import type { Platform } from '../../../platform/context.js';
import { qrPng, qrSvg } from '../../../platform/qr/render.js';
import { STATUS_LIST_MEDIA_TYPE, STATUS_LIST_PATH, StatusListPublisher } from '../../../platform/qr/status-list.js';
import { verifyQrToken } from '../../../platform/qr/tokens.js';
import { publicErrorHandler } from '../../../web/errors.js';
import {
  enterprisePage,
  licencePage,
  refusalText,
  refusedPage,
  type VerifiedEnterprise,
  type VerifiedLicence,
} from './verify-page.js';

const LOOKUP = `query VerifyQr($token: String!) {
  qrLookup(token: $token) {
    target
    licence { number status validFrom validUntil scope type { name } issuingDepartment { name } holder { name uscc } }
    enterprise { uscc name status street registrationAuthority { name } licences { number status validUntil type { name } } }
  }
}`;

interface LookupData {
  qrLookup: {
    target: 'LICENCE' | 'ENTERPRISE';
    licence: VerifiedLicence | null;
    enterprise: VerifiedEnterprise | null;
  } | null;
}

export function qrRoutes(
  platform: Platform,
  apollo: ApolloServer<GatewayContext>,
  publicContext: () => GatewayContext,
): Router {
  const router = express.Router();

  router.get('/.well-known/jwks.json', (_req, res) => {
    res.set('cache-control', 'public, max-age=300').json(platform.qr.jwks());
  });

  const statusList = new StatusListPublisher(
    platform.prisma,
    platform.qr,
    platform.config.publicUrl,
    platform.config.statusListTtlSeconds,
  );
  router.get(STATUS_LIST_PATH, async (req, res) => {
    const list = await statusList.get();
    const etag = `"${list.version}-${list.issuedAt.getTime()}"`;
    // Short shared caching: a revocation reaches verifiers within a minute, yet a crowd of
    // verifiers costs one build; the JWT's own exp says how long an offline copy may be trusted.
    res.set({
      'cache-control': 'public, max-age=60, must-revalidate',
      etag,
      'last-modified': list.issuedAt.toUTCString(),
    });
    if (req.header('if-none-match') === etag) {
      res.status(304).end();
      return;
    }
    res.type(STATUS_LIST_MEDIA_TYPE).send(list.jwt);
  });

  router.get('/q/:token/qr.:format', async (req, res) => {
    const { token, format } = req.params;
    const verified = await verifyQrToken(platform.qr, token);
    if (!verified.ok) {
      res
        .status(400)
        .type('text/plain; charset=utf-8')
        .send(`二维码无效，无法生成图片：${refusalText(verified.code)}`);
      return;
    }
    const url = `${platform.config.publicUrl}/q/${token}`;
    res.set('cache-control', 'public, max-age=86400');
    if (format === 'png') res.type('png').send(await qrPng(url));
    else if (format === 'svg') res.type('image/svg+xml').send(await qrSvg(url));
    else res.status(404).type('text/plain; charset=utf-8').send('不支持的图片格式，请使用 qr.png 或 qr.svg。');
  });

  router.get('/q/:token', async (req, res) => {
    res.set('cache-control', 'no-store').set('x-robots-tag', 'noindex');
    const result = await apollo.executeOperation<LookupData, { token: string }>(
      { query: LOOKUP, variables: { token: req.params.token } },
      { contextValue: publicContext() },
    );
    const body = result.body.kind === 'single' ? result.body.singleResult : null;
    const error = body?.errors?.[0];
    const found = body?.data?.qrLookup;
    if (error || !found) {
      const rawCode = error?.extensions?.code;
      const code = typeof rawCode === 'string' ? rawCode : 'NOT_FOUND';
      const status = code === 'BAD_USER_INPUT' ? 400 : code === 'NOT_FOUND' || !found ? 404 : 500;
      const reason = error?.extensions?.reason;
      if (status >= 500) platform.logger.error({ code, message: error?.message }, 'QR verification page failed');
      res
        .status(status)
        .type('html')
        .send(refusedPage(status, typeof reason === 'string' ? reason : code));
      return;
    }
    if (found.target === 'LICENCE' && found.licence) res.type('html').send(licencePage(found.licence, new Date()));
    else if (found.enterprise) res.type('html').send(enterprisePage(found.enterprise, new Date()));
    else res.status(404).type('html').send(refusedPage(404, 'NOT_FOUND'));
  });
  router.use(
    publicErrorHandler(platform.logger, (status) => refusedPage(status, status >= 500 ? 'ERROR' : 'BAD_REQUEST')),
  );
  return router;
}
