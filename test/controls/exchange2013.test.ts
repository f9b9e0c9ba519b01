/**
 * Control runs (test/controls/plan.ts CONTROL_FILES['exchange2013']): the rows of every area (areas/) whose
 * batch this file runs, through the real CLI. Which rows: `npx vitest list test/controls/exchange2013.test.ts`.
 */
import { controlFile } from './run-control.ts';

controlFile('exchange2013');
