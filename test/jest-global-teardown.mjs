// Stops what test/jest-global-setup.mjs started (same process, see there).
export default async function globalTeardown() {
  await globalThis.__hubTestTeardown?.();
}
