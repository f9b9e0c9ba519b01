/**
 * Control runs (test/controls/plan.ts CONTROL_FILES['legacy']): the rows of every area (areas/) whose
 * batch this file runs, through the real CLI. Which rows: `npx vitest list test/controls/legacy.test.ts`.
 */
import { controlFile } from './run-control.ts';

controlFile('legacy');
