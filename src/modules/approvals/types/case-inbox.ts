/**
 * CaseInbox: a department's open cases, most urgent first, and the caseInbox query.
 */
import type { Case } from '../../../generated/prisma/client.js';
import { departmentInbox } from '../cases/reading.js';
import { builder } from '../builder.js';
import { CaseType } from './case.js';
import { TrafficLightEnum } from './case-shared.js';

const InboxType = builder.objectRef<{ total: number; cases: Case[] }>('CaseInbox').implement({
  fields: (t) => ({
    total: t.exposeInt('total'),
    cases: t.field({ type: [CaseType], resolve: (i) => i.cases }),
  }),
});

builder.queryFields((t) => ({
  caseInbox: t.field({
    type: InboxType,
    description:
      "The caller's department's open cases, most urgent first (red, then fewest working days left). case:handle or case:read.",
    args: {
      department: t.arg.string({
        required: false,
        description: "Defaults to the caller's department (the only one allowed).",
      }),
      light: t.arg({ type: TrafficLightEnum, required: false }),
      includeSubmitted: t.arg.boolean({ required: false, description: 'Also list cases waiting for materials.' }),
      limit: t.arg.int({ required: false, defaultValue: 50 }),
      offset: t.arg.int({ required: false, defaultValue: 0 }),
    },
    resolve: async (_r, args, ctx) => {
      const { entries, total } = await departmentInbox(ctx, args.department, {
        light: args.light ?? null,
        includeSubmitted: args.includeSubmitted ?? false,
        limit: Math.min(Math.max(args.limit ?? 50, 1), 500),
        offset: Math.max(args.offset ?? 0, 0),
      });
      return { total, cases: entries.map((e) => e.case) };
    },
  }),
}));
