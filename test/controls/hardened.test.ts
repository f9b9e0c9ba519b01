/**
 * Control runs (test/controls/plan.ts CONTROL_FILES['hardened']): the rows of every area (areas/) whose
 * batch this file runs, through the real CLI. Which rows: `npx vitest list test/controls/hardened.test.ts`.
 */
import { controlFile } from './run-control.ts';

controlFile('hardened');
