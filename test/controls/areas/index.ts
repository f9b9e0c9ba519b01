/**
 * Every area's control rows, in the order they are planned into batches (test/controls/plan.ts). One
 * file per area, named as its page under docs/negative-controls/.
 */
import type { ControlArea } from '../run-control.ts';
import { AUTH_TLS_AUTOD_OA } from './auth-tls-autod-oa.ts';
import { EAS } from './eas.ts';
import { EWS_OAB_HC } from './ews-oab-hc.ts';
import { IDENTITY } from './identity.ts';
import { MAIL_SEC } from './mail-sec.ts';
import { OWA_COOK_VER } from './owa-cook-ver.ts';

export const AREAS: readonly ControlArea[] = [EWS_OAB_HC, OWA_COOK_VER, AUTH_TLS_AUTOD_OA, MAIL_SEC, IDENTITY, EAS];
