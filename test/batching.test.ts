/**
 * List and entity queries run a fixed number of SQL statements, whatever the page size.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HOOK_TIMEOUT } from './helpers/runner.js';
import { EnterprisePageDocument, EnterprisesWithApprovalsDocument } from './generated/graphql.js';
import { aDepartment, anEnterpriseInput, aSystemKey, referenceData, uniqueCode } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

let hub: TestHub;
const street = `批量测试街道${uniqueCode('')}`;
let usccs: string[] = [];

beforeAll(async () => {
  hub = await startTestHub();
  const prisma = hub.platform.prisma;
  const depts = [await aDepartment(prisma), await aDepartment(prisma), await aDepartment(prisma)];
  const { system } = await aSystemKey(prisma, depts[0]!.code, ['enterprise:register']);
  const rows = Array.from({ length: 60 }, (_, i) => {
    const input = anEnterpriseInput(depts[i % 3]!.code, { street });
    return {
      ...input,
      establishedOn: new Date(input.establishedOn),
      contactPhone: input.contactPhone ?? null,
      status: input.status ?? 'ACTIVE',
      sourceVersion: input.sourceVersion ?? 1,
      sourceSystemId: system.id,
      sourceRecordId: input.uscc,
    };
  });
  await prisma.enterprise.createMany({ data: rows });
  usccs = rows.map((r) => r.uscc);
  // Each enterprise gets two licences of different types and a penalty.
  await referenceData(prisma);
  await prisma.licence.createMany({
    data: usccs.flatMap((uscc, i) => [
      {
        typeCode: 'FOOD_BUSINESS_LICENCE',
        number: `B-F-${uscc}`,
        holderUscc: uscc,
        issuingDepartmentCode: 'MR',
        issuedOn: new Date('2024-01-01'),
        validFrom: new Date('2024-01-01'),
        validUntil: new Date('2028-12-31'),
        scope: '食品销售',
        attributes: { premises: `门店${i}`, businessFormat: '食品销售经营者' },
      },
      {
        typeCode: 'FIRE_SAFETY_CERTIFICATE',
        number: `B-X-${uscc}`,
        holderUscc: uscc,
        issuingDepartmentCode: 'FR',
        issuedOn: new Date('2024-01-01'),
        validFrom: new Date('2024-01-01'),
        scope: '营业',
        attributes: { venueName: `场所${i}`, venueAddress: '海珠区' },
      },
    ]),
  });
  await prisma.penalty.createMany({
    data: usccs.map((uscc) => ({
      decisionNumber: `B-P-${uscc}`,
      enterpriseUscc: uscc,
      decidingDepartmentCode: depts[1]!.code,
      facts: '事实',
      legalBasis: '依据',
      kinds: ['WARNING' as const],
      decidedOn: new Date('2025-01-01'),
    })),
  });
}, HOOK_TIMEOUT);
afterAll(() => hub.stop(), HOOK_TIMEOUT);

async function statementsFor(run: () => Promise<unknown>): Promise<number> {
  const before = hub.platform.db.statementCount();
  await run();
  return hub.platform.db.statementCount() - before;
}

describe('enterprises connection with registrationAuthority across subgraphs', () => {
  it('runs the same, small number of SQL statements for 5 and for 50 enterprises', async () => {
    const query = (first: number) => async () => {
      const res = await hub.gql(EnterprisePageDocument, { first, filter: { street } });
      expect(res.errors).toBeUndefined();
      expect(res.data?.enterprises.edges).toHaveLength(first);
      expect(res.data?.enterprises.edges.every((e) => e.node.registrationAuthority.name.startsWith('测试部门'))).toBe(
        true,
      );
    };
    const small = await statementsFor(query(5));
    const large = await statementsFor(query(50));
    // page + totalCount in subjects, one batched department lookup in directory
    expect(large).toBe(small);
    expect(large).toBe(3);
  });
});

describe('enterprises with their licences and penalties (four subgraphs)', () => {
  it('runs the same number of SQL statements for 5 and for 50 enterprises', async () => {
    const query = (first: number) => async () => {
      const res = await hub.gql(EnterprisesWithApprovalsDocument, { first, filter: { street } });
      expect(res.errors).toBeUndefined();
      const nodes = res.data!.enterprises.edges.map((e) => e.node);
      expect(nodes).toHaveLength(first);
      expect(nodes.every((n) => n.licences.length === 2 && n.penalties.length === 1)).toBe(true);
      expect(nodes[0]!.licences.map((l) => l.issuingDepartment.name).sort()).toEqual([
        '海珠区市场监督管理局',
        '海珠区消防救援大队',
      ]);
    };
    const small = await statementsFor(query(5));
    const large = await statementsFor(query(50));
    // enterprises page; departments of the enterprises; licences by holder; licence types;
    // penalties by enterprise; departments of the licences and penalties. The gateway fetches the
    // last two department paths in parallel, so they share one batch or take two: 6 or 7 in all,
    // whatever the page size (one query per enterprise would be 50+).
    expect(small).toBeLessThanOrEqual(7);
    expect(large).toBeLessThanOrEqual(7);
  });
});

describe('Enterprise entity references', () => {
  it('resolves 40 references with one SQL statement, then from the cache with none', async () => {
    const representations = usccs.slice(0, 40).map((uscc) => ({ __typename: 'Enterprise', uscc }));
    const { subjectsSubgraph } = await import('../src/modules/subjects/schema.js');
    const { execute, parse } = await import('graphql');
    const run = () =>
      execute({
        schema: subjectsSubgraph.schema,
        document: parse('query($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise { uscc name } } }'),
        variableValues: { r: representations },
        contextValue: subjectsSubgraph.createContext({ ...hub.platform, caller: { kind: 'public' } }),
      });
    let result: Awaited<ReturnType<typeof run>> | undefined;
    const cold = await statementsFor(async () => (result = await run()));
    expect(result?.errors).toBeUndefined();
    expect((result?.data?._entities as { uscc: string }[]).map((e) => e.uscc)).toEqual(usccs.slice(0, 40));
    expect(cold).toBe(1);
    const warm = await statementsFor(async () => (result = await run()));
    expect(warm).toBe(0);
    expect((result?.data?._entities as unknown[]).length).toBe(40);
  });
});
