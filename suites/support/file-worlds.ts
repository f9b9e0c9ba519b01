/**
 * Setup file of the suites (suites/vitest.config.ts `setupFiles`): runs before each suite file, so the
 * worlds a file starts beyond the default one are stopped when that file ends (support/world.ts).
 */
import { afterAll, beforeAll } from 'vitest';
import { enterFile, leaveFile } from './world.ts';

let file = '';
beforeAll(({}, suite) => {
  file = (suite as { filepath?: string; file?: { filepath?: string } }).filepath ?? (suite as { file?: { filepath?: string } }).file?.filepath ?? 'unknown';
  enterFile(file);
});
afterAll(async () => {
  await leaveFile(file);
});
