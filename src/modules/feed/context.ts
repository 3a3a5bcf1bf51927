/**
 * Per-request context of the feed subgraph. Feed reads are one query per page, so it needs no
 * DataLoaders of its own; entity refs are resolved by their owning subgraphs.
 */
import type { BaseContext } from '../../platform/context.js';

export type FeedContext = BaseContext;

export function createFeedContext(base: BaseContext): FeedContext {
  return { ...base };
}
