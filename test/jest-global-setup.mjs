// Jest loads globalSetup with Node's own loader, which cannot run TypeScript that imports the
// project's sources: tsx (already used by `npm start`) loads test/global-setup.ts here.
// globalSetup and globalTeardown run in the same process: the teardown is kept on globalThis.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { setup, teardown } = await tsImport('./global-setup.ts', import.meta.url);
  globalThis.__hubTestTeardown = teardown;
  await setup();
}
