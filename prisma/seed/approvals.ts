/**
 * Demo data of the Enterprise Approval Library: licence types, licences of several types for
 * the demo enterprises (some expired, suspended or revoked) and penalty decisions.
 * Idempotent: keyed by licence number and decision number.
 */
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import type { AttributeDefinition } from '../../src/modules/licences/index.js';
import { LICENCE_TYPES, type LicenceTypeCode } from '../../adapters/canonical.js';

const attr = (
  name: string,
  label: string,
  type: AttributeDefinition['type'],
  required = false,
): AttributeDefinition => ({
  name,
  label,
  type,
  required,
});

interface LicenceTypeDetails {
  validityMonths: number | null;
  attributes: AttributeDefinition[];
  description: string;
  /** The numbering rule every number of the type follows (anchored when checked). */
  numberPattern: string;
  /** How the hub numbers the licences it issues: {yyyy} {mm} {dd} {uscc} and {seq:N}. */
  numberFormat: string;
}

export const LICENCE_TYPE_DETAILS: Record<LicenceTypeCode, LicenceTypeDetails> = {
  CONSTRUCTION_PERMIT: {
    validityMonths: null,
    // 6-digit district code, issue date, 4-digit serial: 440105 20260115 0101.
    numberPattern: '\\d{18}',
    numberFormat: '440105{yyyy}{mm}{dd}{seq:4}',
    description: '建筑工程开工前由住房和城乡建设主管部门核发（《中华人民共和国建筑法》第七条）。',
    attributes: [
      attr('projectName', '工程名称', 'STRING', true),
      attr('location', '建设地址', 'STRING', true),
      attr('contractAmount', '合同价格（元）', 'STRING'),
      attr('floorArea', '建设规模（平方米）', 'NUMBER'),
    ],
  },
  FIRE_SAFETY_CERTIFICATE: {
    validityMonths: null,
    // The issuing fire brigade's document number: 穗海消安检字〔2026〕第0001号.
    numberPattern: '\\p{Script=Han}+消安检字〔\\d{4}〕第\\d{4,}号',
    numberFormat: '穗海消安检字〔{yyyy}〕第{seq:4}号',
    description: '公众聚集场所投入使用、营业前消防安全检查合格证（《中华人民共和国消防法》第十五条）。',
    attributes: [
      attr('venueName', '场所名称', 'STRING', true),
      attr('venueAddress', '场所地址', 'STRING', true),
      attr('floorArea', '使用面积（平方米）', 'NUMBER'),
      attr('maxOccupancy', '核定容纳人数', 'NUMBER'),
    ],
  },
  FOOD_BUSINESS_LICENCE: {
    validityMonths: 60,
    // JY + 14 digits: business-format digit (1 食品销售, 2 餐饮服务, 3 单位食堂), district code, serial.
    numberPattern: 'JY[1-3]\\d{13}',
    numberFormat: 'JY1440105{seq:7}',
    description: '食品经营许可证，有效期五年（《食品经营许可和备案管理办法》）。',
    attributes: [
      attr('premises', '经营场所', 'STRING', true),
      attr('businessFormat', '主体业态', 'STRING', true),
      attr('businessItems', '经营项目', 'STRING'),
    ],
  },
  DISCHARGE_PERMIT: {
    validityMonths: 60,
    // The holder's USCC, a 3-digit serial and the management class letter: 91440105…001V.
    numberPattern: '[0-9A-HJ-NPQRTUWXY]{18}\\d{3}[A-Z]',
    numberFormat: '{uscc}{seq:3}V',
    description: '排污许可证，有效期五年（《排污许可管理条例》第十四条）。',
    attributes: [
      attr('industry', '行业类别', 'STRING', true),
      attr('mainPollutants', '主要污染物类别', 'STRING'),
      attr('outlets', '排放口数量', 'NUMBER'),
    ],
  },
  PUBLIC_HEALTH_LICENCE: {
    validityMonths: 48,
    // 粤卫公证字〔2026〕第4401050001号: the year, the district code and a serial.
    numberPattern: '粤卫公证字〔\\d{4}〕第\\d{10}号',
    numberFormat: '粤卫公证字〔{yyyy}〕第440105{seq:4}号',
    description: '公共场所卫生许可证，有效期四年（《公共场所卫生管理条例实施细则》）。',
    attributes: [attr('premisesType', '场所类别', 'STRING', true), attr('area', '营业面积（平方米）', 'NUMBER')],
  },
};

export async function seedLicenceTypes(prisma: PrismaClient): Promise<void> {
  for (const [code, t] of Object.entries(LICENCE_TYPES) as [
    LicenceTypeCode,
    (typeof LICENCE_TYPES)[LicenceTypeCode],
  ][]) {
    const d = LICENCE_TYPE_DETAILS[code];
    const data = {
      name: t.name,
      issuingDepartmentCode: t.department,
      validityMonths: d.validityMonths,
      attributeSchema: d.attributes,
      description: d.description,
      numberPattern: d.numberPattern,
      numberFormat: d.numberFormat,
    };
    await prisma.licenceType.upsert({ where: { code }, create: { code, ...data }, update: data });
  }
}

const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

interface DemoLicence {
  type: LicenceTypeCode;
  number: string;
  holderIndex: number;
  issuedOn: string;
  validUntil: string | null;
  scope: string;
  attributes: Record<string, string | number>;
}

function demoLicences(): DemoLicence[] {
  const out: DemoLicence[] = [];
  for (let i = 0; i < 30; i++) {
    const year = 2019 + (i % 7);
    const mm = String((i % 12) + 1).padStart(2, '0');
    const issued = `${year}-${mm}-15`;
    const plus = (y: number) => `${year + y}-${mm}-14`;
    switch (i % 5) {
      case 0:
        out.push({
          type: 'FOOD_BUSINESS_LICENCE',
          number: `JY1440105${String(100000 + i * 37).padStart(7, '0')}`,
          holderIndex: i,
          issuedOn: issued,
          validUntil: plus(5),
          scope: '预包装食品销售；热食类食品制售',
          attributes: {
            premises: `广州市海珠区示例路${i + 1}号首层`,
            businessFormat: '餐饮服务经营者',
            businessItems: '热食类食品制售',
          },
        });
        break;
      case 1:
        out.push({
          type: 'CONSTRUCTION_PERMIT',
          number: `440105${year}${mm}15${String(101 + i).padStart(4, '0')}`,
          holderIndex: i,
          issuedOn: issued,
          validUntil: null,
          scope: '房屋建筑工程施工',
          attributes: {
            projectName: `海珠区${i + 1}号地块综合楼`,
            location: `广州市海珠区琶洲大道${100 + i}号`,
            contractAmount: `${(i + 3) * 1000000}.00`,
            floorArea: 12000 + i * 350,
          },
        });
        break;
      case 2:
        out.push({
          type: 'FIRE_SAFETY_CERTIFICATE',
          number: `穗海消安检字〔${year}〕第${String(i + 1).padStart(4, '0')}号`,
          holderIndex: i,
          issuedOn: issued,
          validUntil: null,
          scope: '公众聚集场所投入使用、营业',
          attributes: {
            venueName: `海珠${i + 1}号商场`,
            venueAddress: `广州市海珠区江南大道中${i + 10}号`,
            floorArea: 3200 + i * 10,
            maxOccupancy: 600 + i,
          },
        });
        break;
      case 3:
        out.push({
          type: 'PUBLIC_HEALTH_LICENCE',
          number: `粤卫公证字〔${year}〕第440105${String(i).padStart(4, '0')}号`,
          holderIndex: i,
          issuedOn: issued,
          validUntil: plus(4),
          scope: '美容美发场所',
          attributes: { premisesType: '美容店', area: 120 + i },
        });
        break;
      default:
        out.push({
          type: 'DISCHARGE_PERMIT',
          number: `914401050000${String(i).padStart(6, '0')}001V`,
          holderIndex: i,
          issuedOn: issued,
          validUntil: plus(5),
          scope: '废水、废气排放',
          attributes: { industry: '印刷', mainPollutants: '挥发性有机物', outlets: 2 },
        });
    }
  }
  return out;
}

/** Seeds licences and penalties for the demo enterprises (by their seeded order). */
export async function seedApprovals(
  prisma: PrismaClient,
  enterpriseUsccs: string[],
): Promise<{ licences: number; penalties: number }> {
  await seedLicenceTypes(prisma);
  const systems = await prisma.departmentSystem.findMany();
  const systemOf = (dept: string) => systems.find((s) => s.departmentCode === dept)?.id ?? null;
  let licences = 0;
  for (const l of demoLicences()) {
    const holder = enterpriseUsccs[l.holderIndex];
    if (!holder) continue;
    const dept = LICENCE_TYPES[l.type].department;
    const exists = await prisma.licence.findUnique({
      where: { typeCode_number: { typeCode: l.type, number: l.number } },
    });
    if (exists) continue;
    await prisma.licence.create({
      data: {
        typeCode: l.type,
        number: l.number,
        holderUscc: holder,
        issuingDepartmentCode: dept,
        issuedOn: day(l.issuedOn),
        validFrom: day(l.issuedOn),
        validUntil: l.validUntil ? day(l.validUntil) : null,
        scope: l.scope,
        attributes: l.attributes,
        sourceSystemId: systemOf(dept),
        sourceRecordId: `${l.type}:${l.number}`,
        sourceVersion: 1,
        events: {
          create: {
            action: 'ISSUED',
            toStatus: 'VALID',
            reason: 'issued',
            actorDepartmentCode: dept,
            occurredAt: day(l.issuedOn),
          },
        },
      },
    });
    licences += 1;
  }
  // Penalties: a warning, fines, one suspension and one revocation (the licence changes with them).
  const penalties: {
    number: string;
    holderIndex: number;
    dept: string;
    kinds: ('WARNING' | 'FINE' | 'LICENCE_SUSPENSION' | 'LICENCE_REVOCATION' | 'CONFISCATION')[];
    fine?: string;
    decidedOn: string;
    publicityUntil: string | null;
    facts: string;
    basis: string;
    licenceIndex?: number;
    suspensionUntil?: string;
  }[] = [
    {
      number: '穗海市监罚〔2025〕101号',
      holderIndex: 0,
      dept: 'MR',
      kinds: ['FINE'],
      fine: '5000.00',
      decidedOn: '2025-03-10',
      publicityUntil: '2028-03-10',
      facts: '经营场所卫生状况不符合要求，经责令改正拒不改正。',
      basis: '《中华人民共和国食品安全法》第一百二十六条',
    },
    {
      number: '穗海综执罚〔2025〕23号',
      holderIndex: 1,
      dept: 'LE',
      kinds: ['WARNING'],
      decidedOn: '2025-06-02',
      publicityUntil: '2026-06-02',
      facts: '施工现场未按规定设置围挡。',
      basis: '《广州市建筑废弃物管理条例》第四十条',
    },
    {
      number: '穗海市监罚〔2025〕188号',
      holderIndex: 5,
      dept: 'MR',
      kinds: ['FINE', 'LICENCE_SUSPENSION'],
      fine: '20000.00',
      decidedOn: '2025-09-18',
      publicityUntil: '2028-09-18',
      facts: '超范围经营冷食类食品，且未按规定进行进货查验。',
      basis: '《中华人民共和国食品安全法》第一百二十二条、第一百二十六条',
      licenceIndex: 5,
      suspensionUntil: '2026-12-31',
    },
    {
      number: '穗海市监罚〔2024〕77号',
      holderIndex: 10,
      dept: 'MR',
      kinds: ['FINE', 'CONFISCATION', 'LICENCE_REVOCATION'],
      fine: '100000.00',
      decidedOn: '2024-11-20',
      publicityUntil: '2027-11-20',
      facts: '经营超过保质期的食品原料，情节严重。',
      basis: '《中华人民共和国食品安全法》第一百二十四条',
      licenceIndex: 10,
    },
    {
      number: '穗海综执罚〔2023〕5号',
      holderIndex: 3,
      dept: 'LE',
      kinds: ['FINE'],
      fine: '2000.00',
      decidedOn: '2023-02-01',
      publicityUntil: '2024-02-01',
      facts: '擅自占用城市道路堆放物料。',
      basis: '《城市道路管理条例》第四十二条',
    },
  ];
  let created = 0;
  const demo = demoLicences();
  for (const p of penalties) {
    const uscc = enterpriseUsccs[p.holderIndex];
    if (!uscc || (await prisma.penalty.findUnique({ where: { decisionNumber: p.number } }))) continue;
    const target = p.licenceIndex !== undefined ? demo.find((l) => l.holderIndex === p.licenceIndex) : undefined;
    await prisma.$transaction(async (tx) => {
      const licence = target
        ? await tx.licence.findUnique({ where: { typeCode_number: { typeCode: target.type, number: target.number } } })
        : null;
      const penalty = await tx.penalty.create({
        data: {
          decisionNumber: p.number,
          enterpriseUscc: uscc,
          decidingDepartmentCode: p.dept,
          facts: p.facts,
          legalBasis: p.basis,
          kinds: p.kinds,
          fineAmount: p.fine ?? null,
          decidedOn: day(p.decidedOn),
          publicityUntil: p.publicityUntil ? day(p.publicityUntil) : null,
          licenceId: licence?.id ?? null,
          suspensionUntil: p.suspensionUntil ? day(p.suspensionUntil) : null,
          sourceSystemId: systemOf(p.dept),
          sourceRecordId: p.number,
          sourceVersion: 1,
        },
      });
      if (licence) {
        const to = p.kinds.includes('LICENCE_REVOCATION') ? 'REVOKED' : 'SUSPENDED';
        await tx.licence.update({ where: { id: licence.id }, data: { status: to, revision: { increment: 1 } } });
        await tx.licenceEvent.create({
          data: {
            licenceId: licence.id,
            action: to,
            fromStatus: licence.status,
            toStatus: to,
            reason: `行政处罚决定 ${p.number}`,
            actorDepartmentCode: p.dept,
            penaltyId: penalty.id,
            occurredAt: day(p.decidedOn),
          },
        });
      }
    });
    created += 1;
  }
  return { licences, penalties: created };
}
