/**
 * The online hall's public surface: its subgraph, the /hall pages, the background worker
 * (booking reminders, escalation of late tickets), and the session reading the gateway uses.
 */
import type { HubModule } from '../../platform/module.js';
import { hallRoutes } from './pages/routes.js';
import { hallSubgraph } from './schema.js';
import { closeHallServices } from './services.js';
import { startHallWorker } from './workers.js';

export const hallModule: HubModule = {
  subgraph: hallSubgraph,
  routes: (host) => hallRoutes(host),
  attach: (platform) => Promise.resolve({ stop: () => closeHallServices(platform) }),
  workers: (platform) => (platform.config.notifier.workers ? [startHallWorker(platform)] : []),
};

export { sessionCallerOf } from './pages/session.js';
