/**
 * What the case types share: the enums of a case, the case clock as resolvers read it (per
 * request, through the context's calendar and pause loader), and the errors every case mutation lists.
 */
import type { Case } from '../../../generated/prisma/client.js';
import { CaseChannel, CaseState, PauseKind, TrafficLight } from '../../../generated/prisma/enums.js';
import { caseClock, pausesOf } from '../cases/shared.js';
import type { ClockState } from '../cases/traffic-light.js';
import { builder } from '../builder.js';
import type { ApprovalsContext } from '../context.js';

export const CaseChannelEnum = builder.enumType(CaseChannel, {
  name: 'CaseChannel',
  description:
    'WINDOW 窗口, ONLINE 网上, MOBILE 移动端, COMMUNITY_STATION 社区服务站, KIOSK 自助终端. ONLINE and MOBILE count as online.',
});
export const CaseStateEnum = builder.enumType(CaseState, {
  name: 'CaseState',
  description:
    'SUBMITTED 已提交（待补正）→ NOT_ACCEPTED 不予受理, or ACCEPTED 受理 → UNDERTAKEN 承办 → REVIEWED 审核 → APPROVED 批准 / REJECTED 不予许可 → CONCLUDED 办结.',
});
export const PauseKindEnum = builder.enumType(PauseKind, {
  name: 'PauseKind',
  description:
    'Why the clock stopped: HEARING 听证, SITE_INSPECTION 现场勘察, TESTING 检验检测, EXPERT_REVIEW 专家评审, SUPPLEMENTING 补正材料, OTHER.',
});
export const SpecialStageEnum = builder.enumType('SpecialStage', {
  description: 'A special stage a department can stop the clock for (must be listed on the item, except OTHER).',
  values: ['HEARING', 'SITE_INSPECTION', 'TESTING', 'EXPERT_REVIEW', 'OTHER'] as const,
});
export const TrafficLightEnum = builder.enumType(TrafficLight, {
  name: 'TrafficLight',
  description:
    'GREEN on time; YELLOW close to the deadline (TRAFFIC_LIGHT_YELLOW_DAYS / TRAFFIC_LIGHT_YELLOW_SHARE); RED overdue.',
});
export const CaseActionEnum = builder.enumType('CaseAction', {
  values: ['UNDERTAKE', 'REVIEW', 'APPROVE', 'REJECT', 'CONCLUDE'] as const,
});

/** Listed in the description of every case mutation. */
export const CASE_MUTATION_ERRORS =
  'Errors: NOT_FOUND, CONFLICT (the state does not allow it; nothing is written), FORBIDDEN (not the case department), UNAUTHENTICATED, BAD_USER_INPUT.';

/** A calendar date as the Date scalar serialises it. */
export const dateOf = (d: string) => new Date(`${d}T00:00:00.000Z`);

export async function clockOf(c: Case, ctx: ApprovalsContext): Promise<ClockState | null> {
  if (!c.acceptedOn) return null;
  const [calendar, pauses] = await Promise.all([ctx.calendar(), ctx.loaders.pausesByCase.load(c.id)]);
  return caseClock(calendar, c, pausesOf(pauses), ctx);
}

/** The current deadline: moved by pauses while the case is open, the stored one otherwise. */
export async function deadlineOf(c: Case, ctx: ApprovalsContext): Promise<Date | null> {
  const clock = await clockOf(c, ctx);
  return clock ? dateOf(clock.deadline) : c.deadline;
}
