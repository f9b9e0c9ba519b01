/**
 * User-context cookie compatibility (seed 000). The proxying CAS parses the target's `Set-Cookie:
 * UserContext` (ProxyUtilities.UpdateProxyUserContextIdFromResponse) and fails with "Invalid user
 * context cookie found in proxy response" when it cannot. Model (documented, the exact RU1 form is
 * UNVERIFIED): pre-RU1 builds write and read the 32-hex GUID; 2010 SP2 RU1 writes and reads only the
 * 76-char canary; builds with the fix (2010 SP2 RU2+, 2007 SP3 RU7) read both.
 */
import { compareBuilds, type BuildTraits, type UserContextForm } from '../../builds/catalogue.ts';

export const INVALID_USER_CONTEXT = 'Invalid user context cookie found in proxy response';

export function understandsUserContext(reader: BuildTraits, form: UserContextForm | 'other'): boolean {
  if (form === 'other') return false;
  if (form === 'canary76') return reader.owa.readsCanaryCookie;
  // The RU1 build is the one that cannot read the older form (000's table: RU1 proxying to older servers fails).
  const isRu1Exactly = reader.product === 2010 && compareBuilds(reader.build, '14.2.283.3') === 0;
  return !isRu1Exactly;
}
