/**
 * GraphQL of supervision (supervision:read / supervision:write): reports per department, the
 * monthly trend, red cases, pending callbacks and their results, admonitions.
 */
import { assertScope } from '../../../platform/auth/caller.js';
import { notFound } from '../../../platform/errors.js';
import { shanghaiToday, toLocal } from '../../approvals/index.js';
import { redCases, runAdmonitions, type RedCase } from '../admonitions.js';
import { builder } from '../builder.js';
import {
  monthlyTrend,
  periodOf,
  supervisionReport,
  type DepartmentFigures,
  type MonthFigures,
  type SupervisionReport,
} from '../reports.js';

const dateOf = (d: string) => new Date(`${d}T00:00:00.000Z`);

const PeriodKindEnum = builder.enumType('ReportPeriod', {
  values: ['MONTH', 'QUARTER'] as const,
  description: 'A calendar month (1..12) or quarter (1..4).',
});

const DepartmentFiguresType = builder.objectRef<DepartmentFigures>('DepartmentFigures').implement({
  description:
    'One department in a period; case figures as defined by caseStatistics, online-hall figures (satisfaction, complaints, consultations, booking success) as defined by hallStatistics.',
  fields: (t) => ({
    departmentCode: t.exposeString('departmentCode'),
    departmentName: t.exposeString('departmentName'),
    accepted: t.exposeInt('accepted'),
    concluded: t.exposeInt('concluded'),
    concludedOnTime: t.exposeInt('concludedOnTime'),
    onTimeRate: t.exposeFloat('onTimeRate', { nullable: true }),
    averageSpeedUp: t.exposeFloat('averageSpeedUp', { nullable: true }),
    online: t.exposeInt('online'),
    onlineRate: t.exposeFloat('onlineRate', { nullable: true }),
    fullyOnline: t.exposeInt('fullyOnline'),
    overdue: t.exposeInt('overdue'),
    jointConcluded: t.exposeInt('jointConcluded', {
      description: 'Joint applications led by the department, concluded in the period.',
    }),
    jointDaysSaved: t.exposeInt('jointDaysSaved'),
    callbacks: t.exposeInt('callbacks', { description: 'Callback tasks (回访) for cases concluded in the period.' }),
    callbacksDone: t.exposeInt('callbacksDone'),
    pushes: t.exposeInt('pushes', { description: 'Targeted pushes (精准推送) sent in the period.' }),
    admonitions: t.exposeInt('admonitions', { description: 'Overdue admonitions issued in the period.' }),
    evaluations: t.int({
      description: 'Evaluations (hallStatistics.evaluations).',
      resolve: (d) => d.hall.evaluations,
    }),
    satisfactionRate: t.float({
      nullable: true,
      description: 'Evaluations with 4 or 5 stars / evaluations (hallStatistics.satisfactionRate).',
      resolve: (d) => d.hall.satisfactionRate,
    }),
    complaints: t.int({
      description: 'Complaints opened (hallStatistics.complaints).',
      resolve: (d) => d.hall.complaints,
    }),
    complaintsAnsweredOnTime: t.int({ resolve: (d) => d.hall.complaintsAnsweredOnTime }),
    complaintsOnTimeRate: t.float({
      nullable: true,
      description: 'As hallStatistics.complaintsOnTimeRate.',
      resolve: (d) => d.hall.complaintsOnTimeRate,
    }),
    consultations: t.int({ resolve: (d) => d.hall.consultations }),
    bookingSuccessRate: t.float({
      nullable: true,
      description: 'As hallStatistics.bookingSuccessRate (kept / booked, past days).',
      resolve: (d) => d.hall.bookingSuccessRate,
    }),
  }),
});

const ReportType = builder.objectRef<SupervisionReport>('SupervisionReport').implement({
  fields: (t) => ({
    from: t.field({ type: 'Date', resolve: (r) => dateOf(r.from) }),
    to: t.field({ type: 'Date', resolve: (r) => dateOf(r.to) }),
    departments: t.field({ type: [DepartmentFiguresType], resolve: (r) => r.departments }),
  }),
});

const MonthType = builder.objectRef<MonthFigures>('MonthFigures').implement({
  fields: (t) => ({
    month: t.exposeString('month', { description: 'YYYY-MM' }),
    accepted: t.exposeInt('accepted'),
    online: t.exposeInt('online'),
    concluded: t.exposeInt('concluded'),
    concludedOnTime: t.exposeInt('concludedOnTime'),
  }),
});

const RedCaseType = builder.objectRef<RedCase>('RedCase').implement({
  description: 'An open case past its deadline (clock running).',
  fields: (t) => ({
    id: t.exposeID('id'),
    receiptNumber: t.exposeString('receiptNumber'),
    itemCode: t.exposeString('itemCode'),
    itemName: t.exposeString('itemName'),
    departmentCode: t.exposeString('departmentCode'),
    deadline: t.field({ type: 'Date', resolve: (r) => r.deadline }),
    admonishedOn: t.field({ type: 'Date', nullable: true, resolve: (r) => r.admonishedOn }),
  }),
});

const CallbackType = builder.prismaObject('CaseCallback', {
  description: 'A callback (回访) to the applicant of a concluded case.',
  fields: (t) => ({
    id: t.exposeID('id'),
    caseId: t.exposeString('caseId'),
    departmentCode: t.exposeString('departmentCode'),
    concludedOn: t.field({ type: 'Date', resolve: (c) => c.concludedOn }),
    status: t.exposeString('status', { description: 'PENDING or DONE.' }),
    satisfied: t.exposeBoolean('satisfied', { nullable: true }),
    result: t.exposeString('result', { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  supervisionReport: t.field({
    type: ReportType,
    description: 'The monthly or quarterly report per department (supervision:read).',
    args: {
      period: t.arg({ type: PeriodKindEnum, required: true }),
      year: t.arg.int({ required: true }),
      number: t.arg.int({ required: true }),
    },
    resolve: (_r, a, ctx) => {
      assertScope(ctx.caller, 'supervision:read');
      const p = periodOf(a.period, a.year, a.number);
      return supervisionReport(ctx.prisma, p.from, p.to);
    },
  }),
  supervisionTrend: t.field({
    type: [MonthType],
    description: 'Monthly figures between two days (supervision:read).',
    args: {
      from: t.arg({ type: 'Date', required: true }),
      to: t.arg({ type: 'Date', required: true }),
      department: t.arg.string({ required: false }),
    },
    resolve: (_r, a, ctx) => {
      assertScope(ctx.caller, 'supervision:read');
      return monthlyTrend(ctx.prisma, toLocal(a.from), toLocal(a.to), a.department ?? null);
    },
  }),
  redCases: t.field({
    type: [RedCaseType],
    description: 'Open cases past their deadline, most overdue first, at most 200 (supervision:read).',
    args: { department: t.arg.string({ required: false }) },
    resolve: (_r, a, ctx) => {
      assertScope(ctx.caller, 'supervision:read');
      return redCases(ctx.prisma, shanghaiToday(), a.department ?? null);
    },
  }),
  pendingCallbacks: t.prismaField({
    type: [CallbackType],
    description: 'Callback tasks not yet done, oldest first, at most 100 (supervision:read).',
    resolve: (query, _r, _a, ctx) => {
      assertScope(ctx.caller, 'supervision:read');
      return ctx.prisma.caseCallback.findMany({
        ...query,
        where: { status: 'PENDING' },
        orderBy: { concludedOn: 'asc' },
        take: 100,
      });
    },
  }),
}));

builder.mutationFields((t) => ({
  recordCallback: t.prismaField({
    type: CallbackType,
    description: 'Records the result of a callback (supervision:write). Errors: NOT_FOUND, UNAUTHENTICATED.',
    args: {
      id: t.arg.id({ required: true }),
      satisfied: t.arg.boolean({ required: true }),
      result: t.arg.string({ required: true }),
    },
    resolve: async (query, _r, a, ctx) => {
      assertScope(ctx.caller, 'supervision:write');
      const found = await ctx.prisma.caseCallback.findFirst({ where: { id: String(a.id) } }).catch(() => null);
      if (!found) throw notFound(`No callback has the id ${String(a.id)}`, { field: 'id' });
      return ctx.prisma.caseCallback.update({
        ...query,
        where: { id: found.id },
        data: {
          status: 'DONE',
          satisfied: a.satisfied,
          result: a.result.trim().slice(0, 1000),
          recordedAt: new Date(),
          recordedBy: ctx.caller.systemName,
        },
      });
    },
  }),
  runAdmonitions: t.int({
    description:
      'Issues the overdue admonitions due today now (the worker also does); returns how many were new (supervision:write).',
    resolve: (_r, _a, ctx) => {
      assertScope(ctx.caller, 'supervision:write');
      return runAdmonitions(ctx.prisma);
    },
  }),
}));
