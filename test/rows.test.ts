/**
 * The hot reads' rows over node-postgres (src/platform/db/rows.ts) are the objects Prisma returns
 * for the same rows, value for value: dates and timestamps as the same instants whatever the
 * process's time zone, decimals, JSON, enum arrays, nulls; and their filters find what Prisma's do.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HOOK_TIMEOUT, inject, itSkipIf } from './helpers/runner.js';
import { createDatabase } from '../src/platform/db/client.js';
import { RowReader } from '../src/platform/db/rows.js';
import { aDepartment, anEnterpriseInput, aSystemKey, referenceData, uniqueCode } from './helpers/builders.js';
import { startTestHub, testConfig, type TestHub } from './helpers/hub.js';
import { Prisma } from '../src/generated/prisma/client.js';
import { seedCatalogue } from '../prisma/seed/cases.js';
import { childEnv } from '../src/config/index.js';

let hub: TestHub;
const made = {
  departments: [] as string[],
  enterprises: [] as string[],
  licences: [] as string[],
  penalties: [] as string[],
  items: [] as string[],
  types: [] as string[],
};
const execFileAsync = promisify(execFile);

beforeAll(async () => {
  hub = await startTestHub();
  const prisma = hub.platform.prisma;
  await referenceData(prisma);
  await seedCatalogue(prisma);
  const dept = await aDepartment(prisma);
  made.departments.push(dept.code);
  const { system } = await aSystemKey(prisma, dept.code, ['enterprise:register']);
  for (const i of [0, 1]) {
    const input = anEnterpriseInput(dept.code);
    const e = await prisma.enterprise.create({
      data: {
        ...input,
        establishedOn: new Date(input.establishedOn),
        registeredCapital: new Prisma.Decimal(i === 0 ? '12345678901234.56' : '0.01'),
        contactPhone: i === 0 ? null : '13800138000',
        status: 'ACTIVE',
        sourceSystemId: system.id,
        sourceRecordId: input.uscc,
        sourceVersion: 1,
      },
    });
    made.enterprises.push(e.uscc);
  }
  const type = await prisma.licenceType.findFirstOrThrow({ where: { code: 'FOOD_BUSINESS_LICENCE' } });
  const typeCopy = await prisma.licenceType.create({
    data: { ...type, code: uniqueCode('LT'), attributeSchema: type.attributeSchema ?? [] },
  });
  made.types.push(typeCopy.code);
  const licence = await prisma.licence.create({
    data: {
      typeCode: typeCopy.code,
      number: uniqueCode('N'),
      holderUscc: made.enterprises[0]!,
      issuingDepartmentCode: type.issuingDepartmentCode,
      issuedOn: new Date('2019-10-15'),
      validFrom: new Date('2019-10-16'),
      validUntil: null,
      scope: '预包装食品销售',
      attributes: { 经营场所: '广州市海珠区 "引号" \\ 路', 面积: 12.5, 列表: [1, null, '二'] },
      status: 'VALID',
    },
  });
  made.licences.push(licence.id);
  await prisma.licenceEvent.create({
    data: {
      licenceId: licence.id,
      action: 'AMENDED',
      fromStatus: null,
      toStatus: 'VALID',
      reason: '变更',
      changes: { scope: { from: 'a', to: 'b' } },
      actorDepartmentCode: dept.code,
    },
  });
  for (const [n, fine] of [
    [0, '5000.00'],
    [1, null],
  ] as const) {
    const p = await prisma.penalty.create({
      data: {
        decisionNumber: uniqueCode(`穗海市监罚〔2026〕${n}`),
        enterpriseUscc: made.enterprises[0]!,
        decidingDepartmentCode: dept.code,
        facts: '事实',
        legalBasis: '依据',
        kinds: n === 0 ? ['FINE', 'WARNING'] : [],
        fineAmount: fine === null ? null : new Prisma.Decimal(fine),
        decidedOn: new Date(`2026-0${n + 1}-28`),
        publicityUntil: n === 0 ? new Date('2026-12-31') : null,
        licenceId: n === 0 ? licence.id : null,
      },
    });
    made.penalties.push(p.id);
  }
  const item = await prisma.serviceItem.findFirstOrThrow({ where: { acceptedAt: { isEmpty: false } } });
  const itemCopy = await prisma.serviceItem.create({
    data: {
      ...item,
      code: uniqueCode('IT'),
      materials: item.materials ?? [],
      fees: item.fees ?? [],
    },
  });
  made.items.push(itemCopy.code);
}, HOOK_TIMEOUT);

afterAll(async () => {
  await hub?.stop();
}, HOOK_TIMEOUT);

it('reads enterprises, licences, types, events, penalties, service items and departments as Prisma does', async () => {
  const { prisma, rows } = hub.platform;
  expect(await rows.where('Enterprise', { uscc: made.enterprises }, [['uscc', 'asc']])).toEqual(
    await prisma.enterprise.findMany({ where: { uscc: { in: made.enterprises } }, orderBy: { uscc: 'asc' } }),
  );
  expect(await rows.where('Licence', { id: made.licences })).toEqual(
    await prisma.licence.findMany({ where: { id: { in: made.licences } } }),
  );
  expect(await rows.where('LicenceType', { code: made.types })).toEqual(
    await prisma.licenceType.findMany({ where: { code: { in: made.types } } }),
  );
  expect(await rows.where('LicenceEvent', { licenceId: made.licences }, [['occurredAt', 'asc']])).toEqual(
    await prisma.licenceEvent.findMany({ where: { licenceId: { in: made.licences } }, orderBy: { occurredAt: 'asc' } }),
  );
  const penalties = await rows.where('Penalty', { enterpriseUscc: made.enterprises[0]! }, [
    ['decidedOn', 'desc'],
    ['decisionNumber', 'asc'],
  ]);
  expect(penalties).toEqual(
    await prisma.penalty.findMany({
      where: { enterpriseUscc: made.enterprises[0]! },
      orderBy: [{ decidedOn: 'desc' }, { decisionNumber: 'asc' }],
    }),
  );
  expect(penalties).toHaveLength(2);
  expect(penalties[1]!.fineAmount).toBeInstanceOf(Prisma.Decimal);
  expect(penalties[1]!.kinds).toEqual(['FINE', 'WARNING']);
  const items = await rows.where('ServiceItem', { code: made.items });
  expect(items).toEqual(await prisma.serviceItem.findMany({ where: { code: { in: made.items } } }));
  expect(items[0]!.acceptedAt.length).toBeGreaterThan(0);
  expect(await rows.where('Department', { code: made.departments })).toEqual(
    await prisma.department.findMany({ where: { code: { in: made.departments } } }),
  );
});

// Prisma stores UTC; node-postgres left alone parses `date` and `timestamp` in the local time zone.
it.each(['Asia/Shanghai', 'America/Los_Angeles'])(
  'reads the same instants in a process whose time zone is %s',
  async (zone) => {
    const { prisma } = hub.platform;
    const calls = [
      ['Licence', { id: made.licences }, []],
      ['Penalty', { id: made.penalties }, [['decisionNumber', 'asc']]],
      ['Enterprise', { uscc: made.enterprises }, [['uscc', 'asc']]],
    ];
    const { stdout } = await execFileAsync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(import.meta.dirname, 'helpers/rows-in-zone.ts'),
        testConfig().databaseUrl!,
        JSON.stringify(calls),
      ],
      { env: childEnv({ TZ: zone }) },
    );
    const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
    expect(JSON.parse(stdout)).toEqual(
      json([
        await prisma.licence.findMany({ where: { id: { in: made.licences } } }),
        await prisma.penalty.findMany({ where: { id: { in: made.penalties } }, orderBy: { decisionNumber: 'asc' } }),
        await prisma.enterprise.findMany({ where: { uscc: { in: made.enterprises } }, orderBy: { uscc: 'asc' } }),
      ]),
    );
  },
  HOOK_TIMEOUT,
);

describe('rows with their parent row, in one statement', () => {
  it('are the rows and parents Prisma reads, null where a row refers to none', async () => {
    const { prisma, rows, db } = hub.platform;
    const before = db.statementCount();
    const licences = await rows.whereWithParent(
      'Licence',
      { id: made.licences },
      { model: 'LicenceType', from: 'typeCode', to: 'code' },
    );
    expect(db.statementCount() - before).toBe(1);
    const expected = await prisma.licence.findMany({ where: { id: { in: made.licences } }, include: { type: true } });
    expect(licences).toEqual(expected.map(({ type, ...licence }) => [licence, type]));
    const penalties = await rows.whereWithParent(
      'Penalty',
      { id: made.penalties },
      { model: 'Licence', from: 'licenceId', to: 'id' },
    );
    const withLicence = await prisma.penalty.findMany({
      where: { id: { in: made.penalties } },
      include: { licence: true },
    });
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect(penalties.sort(([a], [b]) => byId(a, b))).toEqual(
      withLicence.sort(byId).map(({ licence, ...penalty }) => [penalty, licence]),
    );
    expect(penalties.filter(([, l]) => l === null)).toHaveLength(1);
  });
});

describe('prepared statements', () => {
  const itOnPostgres = itSkipIf(
    inject('databaseEmbedded'),
    'the embedded database never prepares (one shared session)',
  );
  itOnPostgres('are named once per text and used again on the connection; none when off', async () => {
    const onOneConnection = async (prepared: boolean) => {
      const db = createDatabase(testConfig().databaseUrl!, 1);
      try {
        const rows = new RowReader(db.pool, prepared);
        await rows.where('Licence', { id: made.licences });
        await rows.where('Licence', { id: made.licences });
        await rows.where('Penalty', { id: made.penalties });
        const { rows: names } = await db.pool.query<{ name: string }>(
          'SELECT name FROM pg_prepared_statements ORDER BY name',
        );
        return names.map((r) => r.name);
      } finally {
        await db.close();
      }
    };
    expect(await onOneConnection(true)).toEqual(['hub_rows_1', 'hub_rows_2']);
    expect(await onOneConnection(false)).toEqual([]);
  });
});

describe('filters', () => {
  it('compare with the column type: a char(18) USCC, a uuid, an enum; an empty list matches nothing', async () => {
    const { rows } = hub.platform;
    const [uscc] = made.enterprises;
    expect((await rows.where('Enterprise', { uscc: uscc! })).map((e) => e.uscc)).toEqual([uscc]);
    expect((await rows.where('Enterprise', { uscc: [uscc!] })).map((e) => e.uscc)).toEqual([uscc]);
    expect((await rows.where('Penalty', { licenceId: made.licences[0]! })).map((p) => p.id)).toEqual([
      made.penalties[0],
    ]);
    const valid = await rows.where('Licence', { id: made.licences, status: 'VALID' });
    expect(valid.map((l) => l.id)).toEqual(made.licences);
    expect(await rows.where('Licence', { id: made.licences, status: 'REVOKED' })).toEqual([]);
    const before = hub.platform.db.statementCount();
    expect(await rows.where('Licence', { id: [] })).toEqual([]);
    expect(hub.platform.db.statementCount()).toBe(before);
  });

  it('send one statement a call, counted with the pool (the batching tests rely on the count)', async () => {
    const { rows, db } = hub.platform;
    await rows.where('Licence', { id: made.licences }); // the columns are read once per model
    const before = db.statementCount();
    await rows.where('Licence', { holderUscc: made.enterprises }, [['issuedOn', 'desc']]);
    expect(db.statementCount() - before).toBe(1);
  });

  it('refuse a column the model does not have rather than guess', async () => {
    const where = { nope: 'x' } as unknown as Parameters<typeof hub.platform.rows.where<'Licence'>>[1];
    await expect(hub.platform.rows.where('Licence', where)).rejects.toThrow('Licence has no column nope');
  });
});
