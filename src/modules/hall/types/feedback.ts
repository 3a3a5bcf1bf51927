/**
 * Evaluations (one per concluded case), complaints and consultations with their answers.
 */
import { TicketKind } from '../../../generated/prisma/enums.js';
import { loadWorkingCalendar, shanghaiToday } from '../../approvals/index.js';
import { builder } from '../builder.js';
import {
  answerTicket,
  closeFollowUp,
  EVALUATION_TAGS,
  evaluateByReceipt,
  evaluateCase,
  openTicket,
  ticketLight,
  ticketOfApplicant,
  ticketsForDepartment,
  ticketsOfApplicant,
} from '../feedback.js';

const TicketKindEnum = builder.enumType(TicketKind, {
  name: 'HallTicketKind',
  description: 'COMPLAINT 投诉, CONSULTATION 咨询.',
});
const LightEnum = builder.enumType('HallTicketLight', {
  values: ['GREEN', 'YELLOW', 'RED'] as const,
  description:
    'GREEN: more than one working day left (or answered on time); YELLOW: the last working day; RED: late (or answered late).',
});

const EvaluationType = builder.prismaObject('Evaluation', {
  name: 'Evaluation',
  description: 'One evaluation per concluded case (一事一评).',
  fields: (t) => ({
    id: t.exposeID('id'),
    caseId: t.exposeID('caseId'),
    stars: t.exposeInt('stars'),
    tags: t.exposeStringList('tags'),
    comment: t.exposeString('comment', { nullable: true }),
    channel: t.exposeString('channel', {
      description: 'HALL (signed in) or RECEIPT (receipt number and verification code).',
    }),
    followUp: t.exposeBoolean('followUp', { description: 'A low score (≤ 2 stars): the department follows up.' }),
    followUpClosedAt: t.expose('followUpClosedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const TicketType = builder.prismaObject('HallTicket', {
  name: 'HallTicket',
  description: 'A complaint or a consultation, answered by the department within HALL_ANSWER_DAYS working days.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.expose('kind', { type: TicketKindEnum }),
    departmentCode: t.exposeString('departmentCode'),
    caseId: t.exposeID('caseId', { nullable: true }),
    itemCode: t.exposeString('itemCode', { nullable: true }),
    subject: t.exposeString('subject'),
    body: t.exposeString('body'),
    answer: t.exposeString('answer', { nullable: true }),
    answeredAt: t.expose('answeredAt', { type: 'DateTime', nullable: true }),
    dueOn: t.expose('dueOn', { type: 'Date' }),
    light: t.field({
      type: LightEnum,
      resolve: async (tk, _a, ctx) => ticketLight(tk, await loadWorkingCalendar(ctx.prisma), shanghaiToday()),
    }),
    escalated: t.boolean({
      description: 'Late and reported to supervision.',
      resolve: (tk) => tk.escalatedAt !== null,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const EvaluationInput = builder.inputType('EvaluationInput', {
  fields: (t) => ({
    stars: t.int({ required: true, description: '1 to 5.' }),
    tags: t.stringList({ required: false, description: `Any of: ${EVALUATION_TAGS.join('、')}.` }),
    comment: t.string({ required: false }),
  }),
});

builder.queryField('evaluationTags', (t) =>
  t.stringList({ description: 'The tags an evaluation may carry.', resolve: () => [...EVALUATION_TAGS] }),
);

builder.queryField('myTickets', (t) =>
  t.field({
    type: [TicketType],
    description: 'The signed-in applicant’s complaints and consultations with their answers.',
    resolve: (_r, _a, ctx) => ticketsOfApplicant(ctx),
  }),
);

builder.queryField('myTicket', (t) =>
  t.field({
    type: TicketType,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => ticketOfApplicant(ctx, String(a.id)),
  }),
);

builder.queryField('hallTickets', (t) =>
  t.field({
    type: [TicketType],
    description:
      'Complaints and consultations addressed to the caller’s department (hall:answer) or all of them (hall:supervise), oldest due first.',
    args: { openOnly: t.arg.boolean({ required: false }) },
    resolve: (_r, a, ctx) => ticketsForDepartment(ctx, a.openOnly ?? false),
  }),
);

builder.mutationField('evaluateCase', (t) =>
  t.field({
    type: EvaluationType,
    description:
      'Evaluates a concluded case of the signed-in applicant, once (一事一评). ≤ 2 stars opens a follow-up for the department. Errors: CONFLICT (NOT_CONCLUDED, ALREADY_EVALUATED).',
    args: { caseId: t.arg.id({ required: true }), input: t.arg({ type: EvaluationInput, required: true }) },
    resolve: (_r, a, ctx) => evaluateCase(ctx, String(a.caseId), a.input),
  }),
);

builder.mutationField('evaluateByReceipt', (t) =>
  t.field({
    type: EvaluationType,
    description:
      'Evaluates a concluded case without an account (kiosk, window): the receipt number and its verification code.',
    args: {
      receiptNumber: t.arg.string({ required: true }),
      verificationCode: t.arg.string({ required: true }),
      input: t.arg({ type: EvaluationInput, required: true }),
    },
    resolve: (_r, a, ctx) => evaluateByReceipt(ctx, a.receiptNumber, a.verificationCode, a.input),
  }),
);

builder.mutationField('closeEvaluationFollowUp', (t) =>
  t.field({
    type: EvaluationType,
    description: 'Records the follow-up of a low evaluation (hall:answer of its department).',
    args: { id: t.arg.id({ required: true }), note: t.arg.string({ required: true }) },
    resolve: (_r, a, ctx) => closeFollowUp(ctx, String(a.id), a.note),
  }),
);

builder.mutationField('openTicket', (t) =>
  t.field({
    type: TicketType,
    description:
      'A complaint or consultation about one of the applicant’s cases, an item or a department; routed to that department.',
    args: {
      kind: t.arg({ type: TicketKindEnum, required: true }),
      subject: t.arg.string({ required: true }),
      body: t.arg.string({ required: true }),
      caseId: t.arg.id({ required: false }),
      itemCode: t.arg.string({ required: false }),
      departmentCode: t.arg.string({ required: false }),
    },
    resolve: (_r, a, ctx) => openTicket(ctx, { ...a, caseId: a.caseId == null ? null : String(a.caseId) }),
  }),
);

builder.mutationField('answerTicket', (t) =>
  t.field({
    type: TicketType,
    description: 'Answers a complaint or consultation of the caller’s department (hall:answer); the applicant is told.',
    args: { id: t.arg.id({ required: true }), answer: t.arg.string({ required: true }) },
    resolve: (_r, a, ctx) => answerTicket(ctx, String(a.id), a.answer),
  }),
);
