/**
 * ChangeEvent: one committed change to an enterprise, licence or penalty, the `changes` query
 * that pages through the feed from a resumable cursor, and the `changeEvents` subscription.
 */
import { ChangeEntity } from '../../../generated/prisma/enums.js';
import { callerScopes, MAX_PAGE, parseCursor, readChanges, visibleChanges, type FeedEvent } from '../read.js';
import { assertScope } from '../../../platform/auth/caller.js';
import { badInput, hubError } from '../../../platform/errors.js';
import { changeStream } from '../dispatcher.js';
import { builder } from '../builder.js';
import { DepartmentRef, EnterpriseRef, LicenceRef, PenaltyRef } from './refs.js';

export const ChangeEntityEnum = builder.enumType(ChangeEntity, {
  name: 'ChangeEntity',
  description: 'What kind of record changed.',
});

export const ChangeEventType = builder.objectRef<FeedEvent>('ChangeEvent').implement({
  description: 'One committed change, recorded in the transaction that made it (the outbox).',
  fields: (t) => ({
    cursor: t.string({
      description: 'Position in the feed (increasing); pass it as `after` to resume after this event.',
      resolve: (e) => String(e.seq),
    }),
    entityType: t.field({ type: ChangeEntityEnum, resolve: (e) => e.entityType }),
    entityId: t.exposeString('entityId', { description: 'USCC of an enterprise, id of a licence or penalty.' }),
    action: t.exposeString('action', { description: 'CREATED, UPDATED, ISSUED, AMENDED, SUSPENDED, REVOKED, ...' }),
    revision: t.exposeInt('revision', {
      nullable: true,
      description: 'Revision of the record after the change, where it has one.',
    }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    changes: t.string({
      description:
        'The changed fields and their new values, as a JSON object. Personal data is masked as in the API (enterprise: legalRepresentativeIdNumber, contactPhone) unless the caller has enterprise:read-personal.',
      resolve: (e, _args, ctx) => JSON.stringify(visibleChanges(e, callerScopes(ctx.caller))),
    }),
    departmentCode: t.exposeString('departmentCode', {
      nullable: true,
      description: 'The code of the department whose system made the change (`department.code` without a join).',
    }),
    department: t.field({
      type: DepartmentRef,
      nullable: true,
      description: 'The department whose system made the change.',
      resolve: (e) => (e.departmentCode ? { code: e.departmentCode } : null),
    }),
    enterprise: t.field({
      type: EnterpriseRef,
      nullable: true,
      description: 'For ENTERPRISE events: the enterprise.',
      resolve: (e) => (e.entityType === 'ENTERPRISE' ? { uscc: e.entityId } : null),
    }),
    licence: t.field({
      type: LicenceRef,
      nullable: true,
      description: 'For LICENCE events: the licence.',
      resolve: (e) => (e.entityType === 'LICENCE' ? { id: e.entityId } : null),
    }),
    penalty: t.field({
      type: PenaltyRef,
      nullable: true,
      description: 'For PENALTY events: the penalty (null where the caller may not see it).',
      resolve: (e) => (e.entityType === 'PENALTY' ? { id: e.entityId } : null),
    }),
  }),
});

const ChangePageType = builder
  .objectRef<{ events: FeedEvent[]; endCursor: bigint; hasMore: boolean }>('ChangePage')
  .implement({
    fields: (t) => ({
      events: t.field({ type: [ChangeEventType], resolve: (p) => p.events }),
      endCursor: t.string({
        description:
          'Pass as `after` for the next page (it may be past the last event returned when other types were skipped).',
        resolve: (p) => String(p.endCursor),
      }),
      hasMore: t.exposeBoolean('hasMore', { description: 'More events can be read right now.' }),
    }),
  });

builder.queryField('changes', (t) =>
  t.field({
    type: ChangePageType,
    description:
      'Committed changes in order, after a cursor (from the beginning when absent). Only events no running transaction can precede are returned, so resuming from endCursor never skips one. Needs the scope feed:read.',
    args: {
      after: t.arg.string({ required: false }),
      types: t.arg({
        type: [ChangeEntityEnum],
        required: false,
        description: 'Only these kinds (all when absent or empty).',
      }),
      first: t.arg.int({ required: false, defaultValue: 100, description: `At most ${MAX_PAGE}.` }),
    },
    resolve: async (_root, args, ctx) => {
      assertScope(ctx.caller, 'feed:read');
      const first = args.first ?? 100;
      if (first < 1 || first > MAX_PAGE) throw badInput(`first must be between 1 and ${MAX_PAGE}`, { first });
      return readChanges(ctx.prisma, { after: parseCursor(args.after), types: args.types ?? null, limit: first });
    },
  }),
);

builder.subscriptionField('changeEvents', (t) =>
  t.field({
    type: ChangeEventType,
    description:
      'Committed changes as they become final. With `after`, first every later event (the backlog), then live ones, in cursor order, without gaps or duplicates: resume with the last cursor received. Served by the hub at /graphql/ws (graphql-ws) and by `hub subgraph feed` over server-sent events (for a federation router). Needs the scope feed:read.',
    args: {
      types: t.arg({
        type: [ChangeEntityEnum],
        required: false,
        description: 'Only these kinds (all when absent or empty).',
      }),
      after: t.arg.string({ required: false }),
    },
    subscribe: (_root, args, ctx) => {
      assertScope(ctx.caller, 'feed:read');
      const after = args.after === undefined || args.after === null ? null : parseCursor(args.after);
      // Only processes that serve subscriptions start a live feed; the query gateway never does.
      if (!ctx.live) throw hubError('BAD_USER_INPUT', 'Subscriptions are served at /graphql/ws (graphql-ws)');
      return changeStream(ctx.live.dispatcher, ctx.live.prisma, { after, types: args.types ?? null });
    },
    resolve: (e) => e,
  }),
);
