/** Every named defect of the in-lab mock candidate, by area (test aids; docs/negative-controls.md). */
import type { MockDefect } from './types.ts';
import { defects as eas } from './eas.ts';
import { defects as authTlsAutodOa } from './auth-tls-autod-oa.ts';
import { defects as owaCookVer } from './owa-cook-ver.ts';
import { defects as ewsOabHc } from './ews-oab-hc.ts';
import { defects as mailSec } from './mail-sec.ts';

export const MOCK_DEFECTS: Record<string, MockDefect> = { ...eas, ...authTlsAutodOa, ...owaCookVer, ...ewsOabHc, ...mailSec };
export type { MockDefect };
