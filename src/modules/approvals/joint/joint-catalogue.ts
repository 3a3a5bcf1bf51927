/**
 * The `jointServices:` section of a catalogue file (并联审批): a joint service names items of
 * several departments that are applied for at once, its lead department, the materials shared
 * between them (submitted once) and the joint time limit. Checked against the file's items.
 */
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import type { Prisma, PrismaClient, JointService } from '../../../generated/prisma/client.js';
import type { CatalogueItem } from '../catalogue/catalogue-format.js';
import {
  formatPath,
  isRecord,
  issueMessage,
  type CatalogueProblem,
  type PathSegment,
} from '../catalogue/catalogue-problems.js';

const JOINT_CODE = /^[A-Z]{2,}(?:-[A-Z0-9]+)*-\d{3,}$/;

const sharedMaterialShape = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^[A-Z0-9][A-Z0-9-]{0,19}$/, 'must be a short code such as S01'),
  name: z.string().trim().min(1).max(200),
  copies: z.number().int().min(1).default(1),
  /** The item materials this one submission stands for, as ITEM-CODE/MATERIAL-CODE. */
  satisfies: z
    .array(
      z
        .string()
        .trim()
        .regex(/^[A-Z0-9-]+\/[A-Z0-9-]+$/, 'must be ITEM-CODE/MATERIAL-CODE, e.g. HZ-MR-001/M05'),
    )
    .min(2),
});

const jointServiceShape = z.strictObject({
  code: z.string().trim().regex(JOINT_CODE, 'must look like HZ-JS-001'),
  name: z.string().trim().min(1).max(100),
  leadDepartmentCode: z.string().trim().min(1).max(20),
  items: z.array(z.string().trim()).min(2),
  sharedMaterials: z.array(sharedMaterialShape).default([]),
  jointLimitDays: z.number().int().min(1),
});

/** A joint service as written in the catalogue file. */
export type CatalogueJointService = z.output<typeof jointServiceShape>;
/** A shared material as stored in JointService.sharedMaterials. */
export type SharedMaterial = {
  code: string;
  name: string;
  copies: number;
  satisfies: { itemCode: string; materialCode: string }[];
};

/** The joint services of a catalogue file whose items are already valid; every problem at once. */
export function parseJointServices(
  text: string,
  file: string,
  items: CatalogueItem[],
  knownDepartments: string[],
): { services: CatalogueJointService[] } | { problems: CatalogueProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const root: unknown = doc.toJS();
  const raw = isRecord(root) ? root.jointServices : undefined;
  if (raw === undefined || raw === null) return { services: [] };
  const problems: CatalogueProblem[] = [];
  const lineOf = (path: PathSegment[]): number | undefined => {
    for (let n = path.length; n > 0; n--) {
      const node: unknown = doc.getIn(path.slice(0, n), true);
      if (isRecord(node) && Array.isArray(node.range) && typeof node.range[0] === 'number')
        return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const report = (code: string | null, path: PathSegment[], message: string) =>
    problems.push({ file, item: code, path: formatPath(['$', ...path]), message, line: lineOf(path) });
  if (!Array.isArray(raw)) {
    report(null, ['jointServices'], 'must be a list of joint services');
    return { problems };
  }
  const byCode = new Map(items.map((i) => [i.code, i]));
  const seen = new Set<string>();
  const services: CatalogueJointService[] = [];
  raw.forEach((entry: unknown, i) => {
    const base: PathSegment[] = ['jointServices', i];
    const parsed = jointServiceShape.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        report(
          null,
          [...base, ...issue.path.filter((s): s is PathSegment => typeof s !== 'symbol')],
          issueMessage(issue),
        );
      return;
    }
    const s = parsed.data;
    const at = (path: PathSegment[], message: string) => report(s.code, [...base, ...path], message);
    if (seen.has(s.code) || byCode.has(s.code)) at(['code'], `duplicate code ${s.code}`);
    seen.add(s.code);
    if (!knownDepartments.includes(s.leadDepartmentCode))
      at(['leadDepartmentCode'], `unknown department ${s.leadDepartmentCode}`);
    s.items.forEach((code, j) => {
      if (!byCode.has(code)) at(['items', j], `no item with code ${code} in this catalogue`);
      else if (s.items.indexOf(code) !== j) at(['items', j], `${code} is listed twice`);
    });
    for (const [j, code] of s.items.entries()) {
      const inside = (byCode.get(code)?.dependsOn ?? []).filter((d) => s.items.includes(d));
      if (inside.length > 0)
        at(
          ['items', j],
          `${code} depends on ${inside.join(', ')} of the same joint service: parallel items must not wait for each other`,
        );
    }
    const departments = new Set(s.items.flatMap((c) => byCode.get(c)?.departmentCode ?? []));
    if (departments.size < 2) at(['items'], 'a joint service joins the items of at least two departments');
    const materialCodes = new Set<string>();
    s.sharedMaterials.forEach((m, j) => {
      if (materialCodes.has(m.code)) at(['sharedMaterials', j, 'code'], `duplicate shared material ${m.code}`);
      materialCodes.add(m.code);
      m.satisfies.forEach((ref, k) => {
        const [itemCode = '', materialCode = ''] = ref.split('/');
        const item = byCode.get(itemCode);
        if (!s.items.includes(itemCode))
          at(['sharedMaterials', j, 'satisfies', k], `${itemCode} is not an item of this joint service`);
        else if (!item?.materials.some((x) => x.code === materialCode))
          at(['sharedMaterials', j, 'satisfies', k], `${itemCode} has no material ${materialCode}`);
      });
    });
    const serial = s.items.reduce((sum, c) => sum + (byCode.get(c)?.statutoryLimitDays ?? 0), 0);
    if (s.jointLimitDays > serial)
      at(
        ['jointLimitDays'],
        `is more than the serial sum of the items' statutory limits (${serial}): nothing would be saved`,
      );
    services.push(s);
  });
  return problems.length > 0 ? { problems } : { services };
}

function rowOf(s: CatalogueJointService) {
  const shared: SharedMaterial[] = s.sharedMaterials.map((m) => ({
    code: m.code,
    name: m.name,
    copies: m.copies,
    satisfies: m.satisfies.map((ref) => {
      const [itemCode = '', materialCode = ''] = ref.split('/');
      return { itemCode, materialCode };
    }),
  }));
  return {
    name: s.name,
    leadDepartmentCode: s.leadDepartmentCode,
    itemCodes: s.items,
    sharedMaterials: JSON.parse(JSON.stringify(shared)) as Prisma.InputJsonValue,
    jointLimitDays: s.jointLimitDays,
  };
}

/** The upserts of the file's joint services, for the catalogue import's transaction. */
export function jointServiceUpserts(
  prisma: PrismaClient,
  services: CatalogueJointService[],
): Prisma.PrismaPromise<JointService>[] {
  return services.map((s) =>
    prisma.jointService.upsert({ where: { code: s.code }, create: { code: s.code, ...rowOf(s) }, update: rowOf(s) }),
  );
}

const storedShared = z.array(
  z.object({
    code: z.string(),
    name: z.string(),
    copies: z.number().int(),
    satisfies: z.array(z.object({ itemCode: z.string(), materialCode: z.string() })),
  }),
);

/** JointService.sharedMaterials as the import writes it. */
export function sharedMaterialsOf(s: Pick<JointService, 'code' | 'sharedMaterials'>): SharedMaterial[] {
  const parsed = storedShared.safeParse(s.sharedMaterials);
  if (!parsed.success)
    throw new Error(`Joint service ${s.code}: sharedMaterials is not what the import writes (${parsed.error.message})`);
  return parsed.data;
}
