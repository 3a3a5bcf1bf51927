/**
 * The online hall's public surface: its subgraph, the /hall pages, the background worker
 * (booking reminders, escalation of late tickets), and the session reading the gateway uses.
 */
import type { HubModule } from '../../platform/module.js';
import { hallRoutes } from './pages/routes.js';
import { hallSubgraph } from './schema.js';
import { closeHallServices, hallServices } from './services.js';
import { startHallWorker } from './workers.js';

export const hallModule: HubModule = {
  subgraph: hallSubgraph,
  routes: (host) => hallRoutes(host),
  // Created with the server, so the limiters' Redis connection is under way before the first request.
  attach: (platform) => {
    hallServices(platform);
    return Promise.resolve({ stop: () => closeHallServices(platform) });
  },
  workers: (platform) => (platform.config.notifier.workers ? [startHallWorker(platform)] : []),
};

export { sessionCallerOf } from './pages/session.js';
export { hallStatisticsByDepartment, type HallStatistics } from './statistics.js';
