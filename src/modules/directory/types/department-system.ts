/**
 * Department systems (machine clients) and `viewer`, the caller's own identity.
 */
import { assertScope } from '../../../platform/auth/caller.js';
import { builder } from '../builder.js';
import { DepartmentType } from './department.js';

export const DepartmentSystemType = builder.prismaObject('DepartmentSystem', {
  description: 'A machine client of a department, calling the hub with API keys.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    department: t.relation('department', { type: DepartmentType }),
    scopes: t.exposeStringList('scopes'),
    active: t.exposeBoolean('active'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.objectField(DepartmentType, 'systems', (t) =>
  t.prismaField({
    type: [DepartmentSystemType],
    description: "The department's systems. Needs the scope directory:read.",
    resolve: (query, dept, _args, ctx) => {
      assertScope(ctx.caller, 'directory:read');
      return ctx.prisma.departmentSystem.findMany({
        ...query,
        where: { departmentCode: dept.code },
        orderBy: { name: 'asc' },
      });
    },
  }),
);

interface ViewerShape {
  systemId: string | null;
  departmentCode: string | null;
  scopes: readonly string[];
}

const ViewerType = builder.objectRef<ViewerShape>('Viewer').implement({
  description: 'Who is calling: a department system (by its API key) or the public.',
  fields: (t) => ({
    authenticated: t.boolean({ resolve: (v) => v.systemId !== null }),
    scopes: t.stringList({ resolve: (v) => [...v.scopes] }),
    system: t.prismaField({
      type: DepartmentSystemType,
      nullable: true,
      resolve: (query, v, _args, ctx) =>
        v.systemId ? ctx.prisma.departmentSystem.findUnique({ ...query, where: { id: v.systemId } }) : null,
    }),
    department: t.field({
      type: DepartmentType,
      nullable: true,
      resolve: (v, _args, ctx) => (v.departmentCode ? ctx.loaders.departmentByCode.load(v.departmentCode) : null),
    }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: ViewerType,
    description: 'The caller, as the hub sees it.',
    resolve: (_root, _args, ctx): ViewerShape =>
      ctx.caller.kind === 'system'
        ? { systemId: ctx.caller.systemId, departmentCode: ctx.caller.departmentCode, scopes: ctx.caller.scopes }
        : { systemId: null, departmentCode: null, scopes: [] },
  }),
  departmentSystems: t.prismaField({
    type: [DepartmentSystemType],
    description: 'All department systems. Needs the scope directory:read.',
    resolve: (query, _root, _args, ctx) => {
      assertScope(ctx.caller, 'directory:read');
      return ctx.prisma.departmentSystem.findMany({ ...query, orderBy: [{ departmentCode: 'asc' }, { name: 'asc' }] });
    },
  }),
}));
