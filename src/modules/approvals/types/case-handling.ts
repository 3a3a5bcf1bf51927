/**
 * The mutations that move a Case through handling and return it: supplementing, the lifecycle
 * steps and the clock-stopping pauses. They sit apart from case.ts so that the Mutation type
 * lists them after submitCase (schema.ts imports submit-case.ts first).
 */
import { pauseCase, requestSupplement, resumeCase, supplementMaterials } from '../cases/pauses.js';
import { transitionCase } from '../cases/transitions.js';
import { builder } from '../builder.js';
import { CaseType } from './case.js';
import { CaseMaterialInput } from './case-material.js';
import { CASE_MUTATION_ERRORS as ERRORS, SpecialStageEnum } from './case-shared.js';

builder.mutationFields((t) => ({
  supplementMaterials: t.field({
    type: CaseType,
    description: `Records materials of the one-time notice (case:accept, or case:handle of the department). A SUBMITTED case is accepted once nothing is outstanding; a SUPPLEMENTING pause ends. ${ERRORS}`,
    args: { id: t.arg.id({ required: true }), materials: t.arg({ type: [CaseMaterialInput], required: true }) },
    resolve: (_r, args, ctx) => supplementMaterials(ctx, String(args.id), args.materials),
  }),
  undertakeCase: t.field({
    type: CaseType,
    description: `承办 (case:handle). ${ERRORS}`,
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: false }) },
    resolve: (_r, args, ctx) => transitionCase(ctx, String(args.id), 'UNDERTAKE', args.reason),
  }),
  reviewCase: t.field({
    type: CaseType,
    description: `审核 (case:handle). ${ERRORS}`,
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: false }) },
    resolve: (_r, args, ctx) => transitionCase(ctx, String(args.id), 'REVIEW', args.reason),
  }),
  approveCase: t.field({
    type: CaseType,
    description: `批准 (case:handle). ${ERRORS}`,
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: false }) },
    resolve: (_r, args, ctx) => transitionCase(ctx, String(args.id), 'APPROVE', args.reason),
  }),
  rejectCase: t.field({
    type: CaseType,
    description: `不予许可 with the reason (case:handle). ${ERRORS}`,
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => transitionCase(ctx, String(args.id), 'REJECT', args.reason),
  }),
  pauseCase: t.field({
    type: CaseType,
    description: `Stops the clock for a special stage of the item (case:handle); the applicant is told, with the expected duration. ${ERRORS}`,
    args: {
      id: t.arg.id({ required: true }),
      stage: t.arg({ type: SpecialStageEnum, required: true }),
      reason: t.arg.string({ required: true }),
      expectedDays: t.arg.int({ required: false }),
    },
    resolve: (_r, args, ctx) => pauseCase(ctx, String(args.id), args.stage, args.reason, args.expectedDays),
  }),
  requestSupplement: t.field({
    type: CaseType,
    description: `Asks for materials of the one-time notice again (补正, case:handle); the clock stops. A material not on the notice is refused with CONFLICT (reason NOT_IN_ONE_TIME_NOTICE). ${ERRORS}`,
    args: {
      id: t.arg.id({ required: true }),
      materials: t.arg.stringList({ required: true }),
      reason: t.arg.string({ required: true }),
    },
    resolve: (_r, args, ctx) => requestSupplement(ctx, String(args.id), args.materials, args.reason),
  }),
  resumeCase: t.field({
    type: CaseType,
    description: `Restarts the clock (case:handle); the deadline moves by the paused working days. ${ERRORS}`,
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => resumeCase(ctx, String(args.id), args.reason),
  }),
}));
