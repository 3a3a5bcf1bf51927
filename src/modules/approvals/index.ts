/**
 * The approval workflow's public surface: its subgraph, public pages (guides, receipts, progress),
 * background workers (notifications, traffic-light reminders), and catalogue import for the CLI.
 */
import express from 'express';
import type { HubModule } from '../../platform/module.js';
import { approvalsRoutes } from './pages/routes.js';
import { planRoutes } from './plans/plan-routes.js';
import { notificationGauges } from './metrics.js';
import { approvalsSubgraph } from './schema.js';
import { startApprovalWorkers } from './workers.js';

export const approvalsModule: HubModule = {
  subgraph: approvalsSubgraph,
  routes: (host) =>
    express
      .Router()
      .use(
        planRoutes(host.platform),
        approvalsRoutes(host.platform, host.apollo, host.publicContext, host.publicQuota),
      ),
  workers: (platform) =>
    platform.config.notifier.workers ? [{ name: 'approvals', ...startApprovalWorkers(platform) }] : [],
  metrics: (platform) => notificationGauges(platform.metrics, platform.prisma),
};

export { importCatalogueText } from './catalogue/catalogue.js';
export { caseStatistics } from './statistics.js';
export { rebuildCaseRollup, verifyCaseRollup, type RollupVerification } from './rollup.js';
// The working-day calendar and the lifecycle, for the demo case generator in prisma/seed.
export { addDays, type Pause, type WorkingCalendar } from './calendar/calendar.js';
export { fromLocal, loadWorkingCalendar, shanghaiToday, type LocalDate } from './calendar/store.js';
export { handlingPath, SPECIAL_STAGE_KINDS } from './cases/lifecycle.js';
// The joint figures, so that generated joint applications store what the hub itself would compute.
export { jointFigures, openJointViews, type JointBranch } from './joint/joint-applications.js';
// For the online hall: a pre-reviewed draft becomes a case through the same submission rules,
// SMS codes go out through the configured notifier driver, and answer limits count working days.
export { submitCase, submitFromHall, type HallSubmission, type SubmitCaseInput } from './cases/submit.js';
export { createNotifier, type Notifier } from './notifications/notifier.js';
export type { OutgoingMessage } from './notifications/outbox.js';
export { toLocal } from './calendar/store.js';
export { itemMaterials, type ItemMaterial } from './catalogue/catalogue.js';
// For the supervision module: conclusions, the outbox, joint figures and the case statistics it reconciles with.
export { onCaseConcluded, type ConclusionListener } from './cases/conclusion-hooks.js';
export { enqueueNotification, progressUrl } from './notifications/outbox.js';
export { jointStatistics, type JointStatistics } from './joint/joint-statistics.js';
export type { CaseStatistics, StatisticsFilter } from './statistics.js';
