/**
 * Setup file of the suites (suites/vitest.config.ts `setupFiles`): runs before each suite file, so the
 * worlds a file starts beyond the default one are stopped when that file ends (support/world.ts).
 */
import { afterAll, beforeAll } from 'vitest';
import * as __fs from 'node:fs';
const require_fs = () => __fs;
import { enterFile, leaveFile } from './world.ts';

let file = '';
beforeAll(({}, suite) => {
  file = (suite as { filepath?: string; file?: { filepath?: string } }).filepath ?? (suite as { file?: { filepath?: string } }).file?.filepath ?? 'unknown';
  enterFile(file);
  if (process.env.CAS_TRACE) (require_fs()).appendFileSync(process.env.CAS_TRACE, `FILE ${file.split('/').pop()} start ${Date.now()} ${process.pid}\n`);
});
afterAll(async () => {
  if (process.env.CAS_TRACE) require_fs().appendFileSync(process.env.CAS_TRACE + '.stop', `afterAll ${file.split('/').pop()} ${Date.now()}\n`);
  await leaveFile(file);
  if (process.env.CAS_TRACE) (require_fs()).appendFileSync(process.env.CAS_TRACE, `FILE ${file.split('/').pop()} end ${Date.now()} ${process.pid}\n`);
});
