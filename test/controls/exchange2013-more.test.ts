/**
 * Control runs (test/controls/plan.ts CONTROL_FILES['exchange2013-more']): the rows of every area (areas/) whose
 * batch this file runs, through the real CLI. Which rows: `npx vitest list test/controls/exchange2013-more.test.ts`.
 */
import { controlFile } from './run-control.ts';

controlFile('exchange2013-more');
