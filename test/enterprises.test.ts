/**
 * Operations on the Enterprise Subject Library through the gateway, over HTTP, on a real database.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HOOK_TIMEOUT } from './helpers/runner.js';
import {
  EnterpriseByUsccDocument,
  RegisterEnterpriseDocument,
  UpdateEnterpriseDocument,
  ViewerDocument,
} from './generated/graphql.js';
import { aDepartment, anEnterpriseInput, aSystemKey, aUscc } from './helpers/builders.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

let hub: TestHub;
let dept: string;
let writer: string; // register + update + personal
let reader: string; // no scopes
/** Reading personal data unmasked needs a stated purpose (audited). */
const PURPOSE = { 'x-purpose': 'registration check, test' };
let registrarOnly: string; // register only

beforeAll(async () => {
  hub = await startTestHub();
  const prisma = hub.platform.prisma;
  dept = (await aDepartment(prisma)).code;
  writer = (await aSystemKey(prisma, dept, ['enterprise:register', 'enterprise:update', 'enterprise:read-personal']))
    .key;
  reader = (await aSystemKey(prisma, dept, [])).key;
  registrarOnly = (await aSystemKey(prisma, dept, ['enterprise:register'])).key;
}, HOOK_TIMEOUT);
afterAll(() => hub.stop(), HOOK_TIMEOUT);

const count = () => hub.platform.prisma.enterprise.count();

describe('registerEnterprise', () => {
  it('registers an enterprise and reads it back with its registration authority from the directory subgraph', async () => {
    const input = anEnterpriseInput(dept);
    const res = await hub.gql(RegisterEnterpriseDocument, { input }, writer, PURPOSE);
    expect(res.errors).toBeUndefined();
    expect(res.data?.registerEnterprise).toMatchObject({ uscc: input.uscc, name: input.name, revision: 1 });
    expect(res.data?.registerEnterprise.registrationAuthority).toEqual({ code: dept, name: `测试部门 ${dept}` });

    const read = await hub.gql(EnterpriseByUsccDocument, { uscc: input.uscc }, writer, PURPOSE);
    expect(read.data?.enterprise).toMatchObject({
      name: input.name,
      registeredCapital: '1000000.00',
      establishedOn: '2020-05-20',
      legalRepresentativeIdNumber: input.legalRepresentativeIdNumber,
      contactPhone: '13800138000',
      registrationAuthority: { code: dept, kind: 'MARKET_REGULATION' },
      source: { recordId: input.uscc, version: 1 },
    });
  });

  it('refuses an invalid USCC with BAD_USER_INPUT and writes nothing', async () => {
    const before = await count();
    const good = aUscc();
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const res = await hub.gql(RegisterEnterpriseDocument, { input: anEnterpriseInput(dept, { uscc: bad }) }, writer);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.extensions?.reason).toBe('CHECK_CHARACTER');
    expect(res.errors?.[0]?.message).toMatch(/check character/);
    expect(await count()).toBe(before);
  });

  it('lists every invalid field at once', async () => {
    const before = await count();
    const res = await hub.gql(
      RegisterEnterpriseDocument,
      {
        input: anEnterpriseInput(dept, {
          name: ' ',
          legalRepresentativeIdNumber: '110105194912310021',
          establishedOn: '2999-01-01',
        }),
      },
      writer,
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const fields = (res.errors?.[0]?.extensions?.problems as { field: string }[]).map((p) => p.field).sort();
    expect(fields).toEqual(['establishedOn', 'legalRepresentativeIdNumber', 'name']);
    expect(await count()).toBe(before);
  });

  it('refuses an unknown registration authority with NOT_FOUND and writes nothing', async () => {
    const before = await count();
    const res = await hub.gql(RegisterEnterpriseDocument, { input: anEnterpriseInput('NO-SUCH-DEPT') }, writer);
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await count()).toBe(before);
  });

  it('refuses a duplicate registration with CONFLICT and keeps the first record', async () => {
    const input = anEnterpriseInput(dept);
    expect((await hub.gql(RegisterEnterpriseDocument, { input }, writer)).errors).toBeUndefined();
    const before = await count();
    const res = await hub.gql(RegisterEnterpriseDocument, { input: { ...input, name: '另一个名字有限公司' } }, writer);
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await count()).toBe(before);
    const stored = await hub.platform.prisma.enterprise.findUniqueOrThrow({ where: { uscc: input.uscc } });
    expect(stored.name).toBe(input.name);
  });

  it('refuses the public with UNAUTHENTICATED and a key without the scope with FORBIDDEN', async () => {
    const before = await count();
    const anonymous = await hub.gql(RegisterEnterpriseDocument, { input: anEnterpriseInput(dept) });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const scoped = await hub.gql(RegisterEnterpriseDocument, { input: anEnterpriseInput(dept) }, reader);
    expect(scoped.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(scoped.errors?.[0]?.extensions?.requiredScope).toBe('enterprise:register');
    expect(await count()).toBe(before);
  });

  it('refuses a malformed or unknown API key with HTTP 401', async () => {
    const malformed = await hub.gql(ViewerDocument, {}, 'not-a-key');
    expect(malformed.status).toBe(401);
    expect(malformed.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const unknown = await hub.gql(ViewerDocument, {}, writer.slice(0, -4) + 'AAAA');
    expect(unknown.status).toBe(401);
  });
});

describe('personal data', () => {
  it('masks the legal representative ID number and phone for callers without enterprise:read-personal', async () => {
    const input = anEnterpriseInput(dept);
    await hub.gql(RegisterEnterpriseDocument, { input }, writer);
    for (const key of [undefined, reader]) {
      const res = await hub.gql(EnterpriseByUsccDocument, { uscc: input.uscc }, key);
      expect(res.data?.enterprise?.legalRepresentativeIdNumber).toBe('110105********002X');
      expect(res.data?.enterprise?.contactPhone).toBe('138****8000');
    }
    const full = await hub.gql(EnterpriseByUsccDocument, { uscc: input.uscc }, writer, PURPOSE);
    expect(full.data?.enterprise?.legalRepresentativeIdNumber).toBe('11010519491231002X');
  });
});

describe('updateEnterprise', () => {
  it('changes fields, bumps the revision, and the next read (through the cache) shows the change', async () => {
    const input = anEnterpriseInput(dept);
    await hub.gql(RegisterEnterpriseDocument, { input }, writer);
    // Warm the cache.
    expect((await hub.gql(EnterpriseByUsccDocument, { uscc: input.uscc })).data?.enterprise?.status).toBe('ACTIVE');
    const res = await hub.gql(
      UpdateEnterpriseDocument,
      { uscc: input.uscc, input: { status: 'CANCELLED', street: '琶洲街道' }, expectedRevision: 1 },
      writer,
    );
    expect(res.data?.updateEnterprise).toMatchObject({ status: 'CANCELLED', revision: 2 });
    const read = await hub.gql(EnterpriseByUsccDocument, { uscc: input.uscc });
    expect(read.data?.enterprise).toMatchObject({ status: 'CANCELLED', street: '琶洲街道', revision: 2 });
  });

  it('refuses a stale expectedRevision with CONFLICT and writes nothing', async () => {
    const input = anEnterpriseInput(dept);
    await hub.gql(RegisterEnterpriseDocument, { input }, writer);
    await hub.gql(UpdateEnterpriseDocument, { uscc: input.uscc, input: { name: '第一次修改有限公司' } }, writer);
    const res = await hub.gql(
      UpdateEnterpriseDocument,
      { uscc: input.uscc, input: { name: '过期修改有限公司' }, expectedRevision: 1 },
      writer,
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(res.errors?.[0]?.extensions?.currentRevision).toBe(2);
    const stored = await hub.platform.prisma.enterprise.findUniqueOrThrow({ where: { uscc: input.uscc } });
    expect(stored.name).toBe('第一次修改有限公司');
  });

  it('returns NOT_FOUND for an unknown enterprise and FORBIDDEN without enterprise:update', async () => {
    const missing = await hub.gql(
      UpdateEnterpriseDocument,
      { uscc: aUscc(), input: { name: '不存在有限公司' } },
      writer,
    );
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const input = anEnterpriseInput(dept);
    await hub.gql(RegisterEnterpriseDocument, { input }, writer);
    const forbidden = await hub.gql(
      UpdateEnterpriseDocument,
      { uscc: input.uscc, input: { name: '越权修改有限公司' } },
      registrarOnly,
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const stored = await hub.platform.prisma.enterprise.findUniqueOrThrow({ where: { uscc: input.uscc } });
    expect(stored.name).toBe(input.name);
  });
});

describe('viewer', () => {
  it('tells a department system who it is and the public that it is anonymous', async () => {
    const me = await hub.gql(ViewerDocument, {}, writer);
    expect(me.data?.viewer).toMatchObject({ authenticated: true, department: { code: dept } });
    expect(me.data?.viewer.scopes).toContain('enterprise:register');
    const anon = await hub.gql(ViewerDocument, {});
    expect(anon.data?.viewer).toEqual({ authenticated: false, scopes: [], system: null, department: null });
  });
});
