/**
 * Per-request context of the approvals subgraph: its DataLoaders and the working-day calendar
 * (read once per request, with the administrator's current overrides).
 */
import DataLoader from 'dataloader';
import type { CaseEvent, CasePause, ServiceItem } from '../../generated/prisma/client.js';
import { loadWorkingCalendar } from './calendar/store.js';
import type { BaseContext } from '../../platform/context.js';
import { groupLoader, uniqueLoader } from '../../platform/graphql/loader.js';
import type { WorkingCalendar } from './calendar/calendar.js';

export interface ApprovalsContext extends BaseContext {
  loaders: {
    itemByCode: DataLoader<string, ServiceItem | null>;
    pausesByCase: DataLoader<string, CasePause[]>;
    eventsByCase: DataLoader<string, CaseEvent[]>;
  };
  calendar(): Promise<WorkingCalendar>;
}

export function createApprovalsContext(base: BaseContext): ApprovalsContext {
  const { prisma } = base;
  let calendar: Promise<WorkingCalendar> | undefined;
  return {
    ...base,
    loaders: {
      itemByCode: uniqueLoader(
        (codes) => base.rows.where('ServiceItem', { code: [...codes] }),
        (i) => i.code,
      ),
      pausesByCase: groupLoader(
        (ids) => prisma.casePause.findMany({ where: { caseId: { in: ids } }, orderBy: { createdAt: 'asc' } }),
        (p) => p.caseId,
      ),
      eventsByCase: groupLoader(
        (ids) => prisma.caseEvent.findMany({ where: { caseId: { in: ids } }, orderBy: { occurredAt: 'asc' } }),
        (e) => e.caseId,
      ),
    },
    calendar: () => (calendar ??= loadWorkingCalendar(prisma)),
  };
}
