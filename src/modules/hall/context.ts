/**
 * Per-request context of the hall subgraph: the caller and the hall's process-wide services.
 */
import type { BaseContext } from '../../platform/context.js';

export type HallContext = BaseContext;

export function createHallContext(base: BaseContext): HallContext {
  return base;
}
