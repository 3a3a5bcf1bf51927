/**
 * Webhook: a consumer system's registration to receive feed events by HTTP POST, its recent
 * deliveries, and the mutations that register and delete it (the caller's own only).
 */
import type { Webhook, WebhookDelivery } from '../../../generated/prisma/client.js';
import { DeliveryStatus } from '../../../generated/prisma/enums.js';
import { deleteWebhook, listWebhooks, registerWebhook } from '../webhooks.js';
import { badInput } from '../../../platform/errors.js';
import { builder } from '../builder.js';
import { ChangeEntityEnum } from './change-event.js';

const DeliveryStatusEnum = builder.enumType(DeliveryStatus, { name: 'WebhookDeliveryStatus' });

const WebhookDeliveryType = builder.objectRef<WebhookDelivery>('WebhookDelivery').implement({
  description: 'One event to deliver to a webhook, retried with exponential backoff until accepted or FAILED.',
  fields: (t) => ({
    eventCursor: t.string({
      description: 'The event (its feed cursor, also sent as X-Hub-Event-Id).',
      resolve: (d) => String(d.eventSeq),
    }),
    status: t.field({ type: DeliveryStatusEnum, resolve: (d) => d.status }),
    attempts: t.exposeInt('attempts'),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime' }),
    lastError: t.exposeString('lastError', {
      nullable: true,
      description:
        'Why the last attempt failed: "HTTP 500", "timeout", "refused: private address", ... (never the reply body).',
    }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
  }),
});

const WebhookType = builder.objectRef<Webhook>('Webhook').implement({
  description: 'Feed events of the chosen types are POSTed to this URL, signed with its secret.',
  fields: (t) => ({
    id: t.exposeID('id'),
    url: t.exposeString('url'),
    types: t.field({
      type: [ChangeEntityEnum],
      description: 'The kinds delivered (all when empty).',
      resolve: (w) => w.entityTypes,
    }),
    active: t.exposeBoolean('active'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    cursor: t.string({
      description: 'Events after this feed cursor have not been queued yet.',
      resolve: (w) => String(w.cursor),
    }),
    deliveries: t.field({
      type: [WebhookDeliveryType],
      description: 'Most recent first.',
      args: {
        status: t.arg({ type: DeliveryStatusEnum, required: false }),
        first: t.arg.int({ required: false, defaultValue: 20 }),
      },
      resolve: (w, args, ctx) => {
        const first = args.first ?? 20;
        if (first < 1 || first > 100) throw badInput('first must be between 1 and 100', { first });
        return ctx.prisma.webhookDelivery.findMany({
          where: { webhookId: w.id, ...(args.status ? { status: args.status } : {}) },
          orderBy: { eventSeq: 'desc' },
          take: first,
        });
      },
    }),
  }),
});

const RegisteredWebhookType = builder.objectRef<{ webhook: Webhook; secret: string }>('RegisteredWebhook').implement({
  fields: (t) => ({
    webhook: t.field({ type: WebhookType, resolve: (r) => r.webhook }),
    secret: t.exposeString('secret', {
      description: 'Key of the X-Hub-Signature HMAC. Shown only here, once: store it now.',
    }),
  }),
});

builder.queryField('webhooks', (t) =>
  t.field({
    type: [WebhookType],
    description: "The caller's webhooks. Needs the scope feed:webhooks.",
    resolve: (_root, _args, ctx) => listWebhooks(ctx.prisma, ctx.caller),
  }),
);

builder.mutationField('registerWebhook', (t) =>
  t.field({
    type: RegisteredWebhookType,
    description:
      'Registers a webhook that receives the events committed from now on (read `changes` for earlier ones). The URL must be http(s) and its host a public address (private, loopback and link-local ones are refused, here and at every delivery, unless the operator allows them). Personal data in `changes` is masked unless the system has enterprise:read-personal when the event is delivered. Needs feed:webhooks and feed:read.',
    args: {
      url: t.arg.string({ required: true }),
      types: t.arg({
        type: [ChangeEntityEnum],
        required: false,
        description: 'Only these kinds (all when absent or empty).',
      }),
    },
    resolve: (_root, args, ctx) =>
      registerWebhook(ctx.prisma, ctx.caller, { url: args.url, types: args.types }, ctx.config.outbound),
  }),
);

builder.mutationField('deleteWebhook', (t) =>
  t.field({
    type: 'ID',
    description:
      "Deletes one of the caller's webhooks and its pending deliveries; returns its id. Needs feed:webhooks.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await deleteWebhook(ctx.prisma, ctx.caller, String(args.id));
      return String(args.id);
    },
  }),
);
