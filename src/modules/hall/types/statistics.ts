/**
 * Hall statistics with their definitions.
 */
import { shanghaiToday, toLocal } from '../../approvals/index.js';
import { builder } from '../builder.js';
import { hallStatistics, type HallStatistics } from '../statistics.js';

const HallStatisticsType = builder.objectRef<HallStatistics>('HallStatistics').implement({
  description:
    'Online hall figures over a period (Asia/Shanghai days, inclusive). Rates are 0..1, null when there is nothing to divide by.',
  fields: (t) => ({
    evaluations: t.exposeInt('evaluations', { description: 'Evaluations made in the period (one per case).' }),
    averageStars: t.exposeFloat('averageStars', { nullable: true }),
    satisfactionRate: t.exposeFloat('satisfactionRate', {
      nullable: true,
      description: 'Satisfaction rate: evaluations with 4 or 5 stars / all evaluations.',
    }),
    lowScores: t.exposeInt('lowScores', { description: 'Evaluations with ≤ 2 stars (each opens a follow-up).' }),
    followUpsOpen: t.exposeInt('followUpsOpen', { description: 'Low evaluations whose follow-up is not closed.' }),
    complaints: t.exposeInt('complaints', { description: 'Complaints opened in the period.' }),
    complaintsAnswered: t.exposeInt('complaintsAnswered'),
    complaintsAnsweredOnTime: t.exposeInt('complaintsAnsweredOnTime', {
      description: 'Answered on or before their due day.',
    }),
    complaintsOnTimeRate: t.exposeFloat('complaintsOnTimeRate', {
      nullable: true,
      description:
        'Complaints answered on time / complaints answered or past their due day (open complaints not yet due are not counted).',
    }),
    consultations: t.exposeInt('consultations', { description: 'Consultations opened in the period.' }),
    consultationsAnswered: t.exposeInt('consultationsAnswered'),
    bookings: t.exposeInt('bookings', { description: 'Bookings (not cancelled) of slots in the period.' }),
    bookingsCancelled: t.exposeInt('bookingsCancelled'),
    bookingsKept: t.exposeInt('bookingsKept', {
      description: 'Bookings the window recorded as KEPT (the applicant came).',
    }),
    bookingSuccessRate: t.exposeFloat('bookingSuccessRate', {
      nullable: true,
      description: 'Booking success rate: KEPT / bookings (not cancelled) of past days in the period.',
    }),
  }),
});

builder.queryField('hallStatistics', (t) =>
  t.field({
    type: HallStatisticsType,
    description:
      'Satisfaction, evaluations, complaints answered on time, consultations and booking success (public aggregates). Defaults: the last 30 days up to today.',
    args: {
      from: t.arg({ type: 'Date', required: false }),
      to: t.arg({ type: 'Date', required: false }),
      departmentCode: t.arg.string({ required: false }),
    },
    resolve: (_r, a, ctx) => {
      const to = a.to ? toLocal(a.to) : shanghaiToday();
      const from = a.from
        ? toLocal(a.from)
        : toLocal(new Date(new Date(`${to}T00:00:00Z`).getTime() - 29 * 86_400_000));
      return hallStatistics(ctx, from, to, a.departmentCode ?? null);
    },
  }),
);
