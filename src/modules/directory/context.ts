/**
 * Per-request context of the directory subgraph.
 */
import type DataLoader from 'dataloader';
import type { Department } from '../../generated/prisma/client.js';
import type { BaseContext } from '../../platform/context.js';
import { uniqueLoader } from '../../platform/graphql/loader.js';

export interface DirectoryContext extends BaseContext {
  loaders: { departmentByCode: DataLoader<string, Department | null> };
}

export function createDirectoryContext(base: BaseContext): DirectoryContext {
  return {
    ...base,
    loaders: {
      departmentByCode: uniqueLoader(
        (codes) => base.rows.where('Department', { code: [...codes] }),
        (d) => d.code,
      ),
    },
  };
}
