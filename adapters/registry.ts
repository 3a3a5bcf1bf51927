/** Every department adapter, by folder name: the ingestion pipeline picks one by name. */
import type { Adapter } from './adapter.js';
import { constructionPermits } from './construction-permits/index.js';
import { fireSafety } from './fire-safety/index.js';
import { lawEnforcementPenalties } from './law-enforcement-penalties/index.js';
import { marketRegistry } from './market-registry/index.js';

export const adapters: Record<string, Adapter> = Object.fromEntries(
  [marketRegistry, constructionPermits, lawEnforcementPenalties, fireSafety].map((a): [string, Adapter] => [a.name, a]),
);
