/**
 * Quality supervision (质量监督) of the approval services: callbacks, targeted pushes, overdue
 * admonitions, monthly/quarterly reports and the supervisors' dashboard at /supervision.
 */
import type { HubModule } from '../../platform/module.js';
import { onCaseConcluded } from '../approvals/index.js';
import { runAdmonitions } from './admonitions.js';
import { superviseConclusion } from './follow-up.js';
import { supervisionRoutes } from './pages.js';
import { supervisionSubgraph } from './schema.js';

// Callbacks and pushes follow every conclusion, in whichever process concludes the case.
onCaseConcluded(superviseConclusion);

export const supervisionModule: HubModule = {
  subgraph: supervisionSubgraph,
  routes: (host) => supervisionRoutes(host),
  workers: (platform) => {
    if (!platform.config.notifier.workers) return [];
    let running: Promise<unknown> = Promise.resolve();
    const round = () => {
      running = runAdmonitions(platform.prisma).catch((err: unknown) =>
        platform.logger.error({ err }, 'admonition round failed'),
      );
    };
    const timer = setInterval(round, platform.config.notifier.reminderIntervalMs);
    return [
      {
        name: 'supervision',
        stop: async () => {
          clearInterval(timer);
          await running;
        },
      },
    ];
  },
};

export { runAdmonitions } from './admonitions.js';
export { supervisionReport, periodOf, monthlyTrend } from './reports.js';
export { redCases } from './admonitions.js';
