/**
 * Statistics of cases (the figures of the source report) and the working-day calendar with its
 * administrator corrections.
 */
import { DayKind } from '../../../generated/prisma/enums.js';
import { setCalendarOverride } from '../cases/reschedule.js';
import { calendarDays, toLocal, type CalendarDay } from '../calendar/store.js';
import { caseStatistics, type CaseStatistics } from '../statistics.js';
import { builder } from '../builder.js';

const dateOf = (d: string) => new Date(`${d}T00:00:00.000Z`);

const StatisticsType = builder.objectRef<CaseStatistics>('CaseStatistics').implement({
  description: 'Figures for a period (by acceptance day for intake, by conclusion day for results).',
  fields: (t) => ({
    from: t.field({ type: 'Date', resolve: (s) => dateOf(s.from) }),
    to: t.field({ type: 'Date', resolve: (s) => dateOf(s.to) }),
    accepted: t.exposeInt('accepted', { description: 'Cases accepted in the period (办件量).' }),
    concluded: t.exposeInt('concluded'),
    concludedOnTime: t.exposeInt('concludedOnTime'),
    onTimeRate: t.exposeFloat('onTimeRate', {
      nullable: true,
      description: '按时办结率: concludedOnTime / concluded.',
    }),
    averageSpeedUp: t.exposeFloat('averageSpeedUp', {
      nullable: true,
      description:
        "提速: mean of 1 − used working days / statutory limit over concluded cases (the item's statutory limit when the case was registered).",
    }),
    online: t.exposeInt('online', { description: 'Accepted through ONLINE or MOBILE.' }),
    onlineRate: t.exposeFloat('onlineRate', { nullable: true, description: '网办率: online / accepted.' }),
    fullyOnline: t.exposeInt('fullyOnline', { description: '全程网办 cases.' }),
    overdue: t.exposeInt('overdue', {
      description: 'Concluded late in the period plus open cases past their deadline at its end.',
    }),
    materialsExemptedBySharing: t.exposeInt('materialsExemptedBySharing', {
      description:
        'Materials of the cases accepted in the period that the hub took from the libraries instead of asking for them (免于提交, 一次提交、共享获取).',
    }),
    casesWithSharedMaterials: t.exposeInt('casesWithSharedMaterials', {
      description: 'Cases accepted in the period with at least one material taken from the libraries.',
    }),
  }),
});

const DayKindEnum = builder.enumType(DayKind, {
  name: 'DayKind',
  description: 'HOLIDAY: a day off; WORKDAY: a working day (e.g. an adjusted weekend 调休).',
});

const CalendarDayType = builder.objectRef<CalendarDay>('CalendarDay').implement({
  fields: (t) => ({
    date: t.field({ type: 'Date', resolve: (d) => dateOf(d.date) }),
    working: t.exposeBoolean('working'),
    name: t.exposeString('name', { nullable: true }),
    overridden: t.exposeBoolean('overridden', { description: "Set by an administrator's override." }),
    covered: t.exposeBoolean('covered', {
      description: 'False when neither the holiday source nor an override knows the year: only weekends are off.',
    }),
  }),
});

const OverrideResult = builder
  .objectRef<{ date: string; kind: 'HOLIDAY' | 'WORKDAY' | null; name: string | null; casesRescheduled: number }>(
    'CalendarOverrideResult',
  )
  .implement({
    fields: (t) => ({
      date: t.field({ type: 'Date', resolve: (r) => dateOf(r.date) }),
      kind: t.field({
        type: DayKindEnum,
        nullable: true,
        description: 'null: the override was removed.',
        resolve: (r) => r.kind,
      }),
      name: t.exposeString('name', { nullable: true }),
      casesRescheduled: t.exposeInt('casesRescheduled', { description: 'Open cases whose deadline moved.' }),
    }),
  });

builder.queryFields((t) => ({
  caseStatistics: t.field({
    type: StatisticsType,
    description:
      'Public figures: accepted and concluded cases, on-time rate, speed-up, online rate, fully-online and overdue counts.',
    args: {
      from: t.arg({ type: 'Date', required: true }),
      to: t.arg({ type: 'Date', required: true }),
      department: t.arg.string({ required: false }),
      item: t.arg.string({ required: false }),
    },
    resolve: (_r, args, ctx) =>
      caseStatistics(ctx.prisma, {
        from: toLocal(args.from),
        to: toLocal(args.to),
        departmentCode: args.department,
        itemCode: args.item,
      }),
  }),
  calendarDays: t.field({
    type: [CalendarDayType],
    description:
      'The working-day calendar (Asia/Shanghai, statutory holidays, adjusted working days, overrides), at most 366 days.',
    args: { from: t.arg({ type: 'Date', required: true }), to: t.arg({ type: 'Date', required: true }) },
    resolve: (_r, args, ctx) => calendarDays(ctx, toLocal(args.from), toLocal(args.to)),
  }),
}));

builder.mutationFields((t) => ({
  setCalendarOverride: t.field({
    type: OverrideResult,
    description:
      'Marks a day as HOLIDAY or WORKDAY, or removes the override with kind null (calendar:admin). Deadlines of open cases are recomputed.',
    args: {
      date: t.arg({ type: 'Date', required: true }),
      kind: t.arg({ type: DayKindEnum, required: false }),
      name: t.arg.string({ required: false }),
    },
    resolve: (_r, args, ctx) => setCalendarOverride(ctx, toLocal(args.date), args.kind ?? null, args.name ?? null),
  }),
}));
