/**
 * Control runs, first lane (test/controls/plan.ts CONTROL_FILES['lane-1']): the batches of rows (areas/) this
 * lane runs, one CLI run after another, then its share of the vacuity guard (vacuity.ts) and of the hung guard (hung.ts). Which rows: `npx vitest list test/controls/lane-1.test.ts`.
 */
import { controlFile } from './run-control.ts';
import { hungGuard, HUNG_RULES } from './hung.ts';
import { vacuityGuard } from './vacuity.ts';

controlFile('lane-1');
vacuityGuard('lane-1');
hungGuard(HUNG_RULES['lane-1']);
