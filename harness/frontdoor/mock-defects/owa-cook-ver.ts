/**
 * Named defects for the in-lab mock candidate (exchange2010 / exchange2007 profiles): each breaks one
 * rule by changing the lab's configuration around the front-door mock, so negative controls can show
 * the rule failing. Area: owa-cook-ver.
 */
import type { MockDefect } from './types.ts';

export const defects: Record<string, MockDefect> = {};
