/**
 * Control runs, second lane (test/controls/plan.ts CONTROL_FILES['lane-2']): its batches of rows (areas/), one
 * CLI run after another, then its share of the vacuity guard (vacuity.ts) and of the hung guard (hung.ts). Which:
 * `npx vitest list test/controls/lane-2.test.ts`.
 */
import { controlFile } from './run-control.ts';
import { hungGuard, HUNG_RULES } from './hung.ts';
import { vacuityGuard } from './vacuity.ts';

controlFile('lane-2');
vacuityGuard('lane-2');
hungGuard(HUNG_RULES['lane-2']);
