/**
 * GraphQL of order-style plans (订单式服务): Plan (stages, critical path, expected finish, svg),
 * the plan query and the createPlan mutation.
 */
import { toLocal } from '../calendar/store.js';
import { builder } from '../builder.js';
import { CaseStateEnum, dateOf } from '../types/case-shared.js';
import { createPlan, planView, type PlanView } from './plans.js';
import type { Stage } from './plan-graph.js';

type StageView = { stage: Stage; view: PlanView };

const PlanNodeType = builder.objectRef<{ code: string; view: PlanView }>('PlanNode').implement({
  description: 'An item of the plan and the state of its case (the latest of the plan enterprise), if any.',
  fields: (t) => ({
    itemCode: t.string({ resolve: (n) => n.code }),
    item: t.field({
      type: 'String',
      description: 'Item name.',
      resolve: async (n, _a, ctx) => (await ctx.loaders.itemByCode.load(n.code))?.name ?? n.code,
    }),
    caseReceiptNumber: t.string({ nullable: true, resolve: (n) => n.view.cases.get(n.code)?.receiptNumber ?? null }),
    caseState: t.field({
      type: CaseStateEnum,
      nullable: true,
      resolve: (n) => n.view.cases.get(n.code)?.state ?? null,
    }),
  }),
});

const PlanStageType = builder.objectRef<StageView>('PlanStage').implement({
  description: 'A step of the plan: one item, or the items of a joint service handled in parallel.',
  fields: (t) => ({
    id: t.string({ resolve: (s) => s.stage.id }),
    label: t.string({ resolve: (s) => s.stage.label }),
    joint: t.boolean({ resolve: (s) => s.stage.itemCodes.length > 1 }),
    days: t.int({ description: 'Working days: the joint limit or the committed limit.', resolve: (s) => s.stage.days }),
    after: t.stringList({ description: 'Stages that must finish first.', resolve: (s) => s.stage.after }),
    start: t.field({ type: 'Date', resolve: (s) => dateOf(s.stage.start) }),
    finish: t.field({
      type: 'Date',
      description: 'Actual (concluded), deadline (accepted) or expected finish.',
      resolve: (s) => dateOf(s.stage.finish),
    }),
    critical: t.boolean({ resolve: (s) => s.stage.critical }),
    nodes: t.field({ type: [PlanNodeType], resolve: (s) => s.stage.itemCodes.map((code) => ({ code, view: s.view })) }),
  }),
});

const PlanType = builder.objectRef<PlanView>('Plan').implement({
  description:
    'An order-style service plan (订单式服务) for a key project or enterprise: a flowchart of its approvals.',
  fields: (t) => ({
    id: t.id({ resolve: (v) => v.plan.id }),
    name: t.string({ resolve: (v) => v.plan.name }),
    startOn: t.field({ type: 'Date', resolve: (v) => v.plan.startOn }),
    stages: t.field({ type: [PlanStageType], resolve: (v) => v.graph.stages.map((stage) => ({ stage, view: v })) }),
    criticalPath: t.stringList({ description: 'Stage ids, first to last.', resolve: (v) => v.graph.criticalPath }),
    expectedFinish: t.field({
      type: 'Date',
      description: 'Finish of the last stage, in working days from the start.',
      resolve: (v) => dateOf(v.graph.expectedFinish),
    }),
    svg: t.string({ description: 'The flowchart as SVG (also at /plans/<id>).', resolve: (v) => v.svg }),
  }),
});

const PlanOrderInput = builder.inputType('PlanOrderInput', {
  fields: (t) => ({ item: t.string({ required: true }), dependsOn: t.string({ required: true }) }),
});

builder.queryFields((t) => ({
  plan: t.field({
    type: PlanType,
    description: 'An order-style plan by id (public: it holds item names and states, no personal data).',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => planView(ctx, String(args.id), await ctx.calendar()),
  }),
}));

builder.mutationFields((t) => ({
  createPlan: t.field({
    type: PlanType,
    description:
      'Creates an order-style plan (case:accept). Errors: BAD_USER_INPUT (unknown items; a cycle in the order, with its path), UNAUTHENTICATED.',
    args: {
      name: t.arg.string({ required: true }),
      applicantUscc: t.arg({ type: 'USCC', required: false }),
      items: t.arg.stringList({ required: true }),
      order: t.arg({
        type: [PlanOrderInput],
        required: false,
        description: 'Ordering beyond the catalogue dependencies.',
      }),
      startOn: t.arg({ type: 'Date', required: false }),
    },
    resolve: async (_r, args, ctx) => {
      const calendar = await ctx.calendar();
      const plan = await createPlan(
        ctx,
        {
          name: args.name,
          applicantUscc: args.applicantUscc ?? null,
          itemCodes: args.items,
          order: (args.order ?? []).map((o) => ({ itemCode: o.item, dependsOn: o.dependsOn })),
          startOn: args.startOn ? toLocal(args.startOn) : null,
        },
        calendar,
      );
      return planView(ctx, plan.id, calendar);
    },
  }),
}));
