/**
 * Department: an entity other subgraphs reference by `code`.
 */
import { DepartmentKind } from '../../../generated/prisma/enums.js';
import { builder } from '../builder.js';

export const DepartmentKindEnum = builder.enumType(DepartmentKind, {
  name: 'DepartmentKind',
  description: 'What kind of body a department is.',
});

export const DepartmentType = builder.prismaObject('Department', {
  description: 'A government department, street office or community station.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'Stable code of the department (e.g. MR for market regulation).' }),
    name: t.exposeString('name'),
    kind: t.expose('kind', { type: DepartmentKindEnum }),
    consultationPhone: t.exposeString('consultationPhone', { nullable: true, description: '咨询电话' }),
    supervisionPhone: t.exposeString('supervisionPhone', { nullable: true, description: '监督电话' }),
  }),
});

builder.asEntity(DepartmentType, {
  key: builder.selection<{ code: string }>('code'),
  resolveReference: (ref, ctx) => ctx.loaders.departmentByCode.load(ref.code),
});

builder.queryFields((t) => ({
  department: t.field({
    type: DepartmentType,
    nullable: true,
    description: 'A department by its code; null when there is none.',
    args: { code: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => ctx.loaders.departmentByCode.load(args.code),
  }),
  departments: t.prismaField({
    type: [DepartmentType],
    description: 'All departments, optionally of one kind, ordered by code.',
    args: { kind: t.arg({ type: DepartmentKindEnum, required: false }) },
    resolve: (query, _root, args, ctx) =>
      // Without related records asked for (the usual list), the rows come over node-postgres (db/rows.ts).
      Object.keys(query).length === 0
        ? ctx.rows.where('Department', args.kind ? { kind: args.kind } : {}, [['code', 'asc']])
        : ctx.prisma.department.findMany({
            ...query,
            where: args.kind ? { kind: args.kind } : {},
            orderBy: { code: 'asc' },
          }),
  }),
}));
