/**
 * The build catalogue: every Exchange 2007/2010 build of PROTOCOL-FACTS.md with the traits a mock
 * CAS of that build shows on the wire. This is the one place build facts live; every vdir, the
 * mail listeners and the topology validator read it.
 *
 * Sources: MicrosoftDocs/OfficeDocs-Exchange build-numbers-and-release-dates.md (builds),
 * seed 002 (KB 947168: the RTM and RU1..RU5 numbers it prints, kept as aliases), seed 000 (the SP2
 * RU1 cookie change and the builds that carry its fix), PROTOCOL-FACTS.md (everything else).
 */

export type Product = 2007 | 2010;

/** The user-context cookie form a build writes (seed 000; the exact RU1 form is a documented model). */
export type UserContextForm = 'guid32' | 'canary76';

export interface BuildTraits {
  /** Stable key used in topologies: `2007-sp1`, `2007-sp1-ru4`, `2010-sp2-ru1`. */
  readonly id: string;
  /** Human name: `Exchange 2007 SP1 RU4`. */
  readonly name: string;
  readonly product: Product;
  readonly servicePack: number;
  readonly rollup: number;
  /** Four-part build number, Microsoft's table. */
  readonly build: string;
  /** Other numbers this build is known by (seed 002's table). */
  readonly aliases: readonly string[];
  readonly owa: {
    readonly title: string;
    /** Where the sign-in form posts: owaauth.dll (2007) or auth.owa (2010). */
    readonly formsPostPath: string;
    /** Name of the versioned resource folder `/owa/<folder>/` (may differ from the build). */
    readonly resourceFolder: string;
    /** Resources under the folder that a logon page references. */
    readonly resources: readonly string[];
    readonly userContextForm: UserContextForm;
    /** Whether the build reads the RU1 canary form when it proxies (seed 000: 2010 SP2 RU1+, 2007 SP3 RU7). */
    readonly readsCanaryCookie: boolean;
  };
  readonly eas: {
    /** `MS-Server-ActiveSync` header value. 2007 `8.1` is the spec example; others are UNVERIFIED. */
    readonly serverVersion: string;
    readonly protocolVersions: string;
  };
  readonly ews: {
    /** The SOAP header element, byte-for-byte. */
    readonly serverVersionInfo: string;
    /** Whether this build can proxy EWS to another CAS (003: RTM could not). */
    readonly proxies: boolean;
  };
  readonly autodiscover: {
    /** POX `ServerVersion`: 0111, 6-bit major, 6-bit minor, flag 1, 15-bit build, as 8 hex digits. */
    readonly serverVersion: string;
  };
  /** 2010 only: /ecp and /PowerShell exist; IsOutOfService exists. */
  readonly hasEcp: boolean;
}

const MS_AS_COMMANDS =
  'Sync,SendMail,SmartForward,SmartReply,GetAttachment,GetHierarchy,CreateCollection,DeleteCollection,MoveCollection,FolderSync,FolderCreate,FolderDelete,FolderUpdate,MoveItems,GetItemEstimate,MeetingResponse,Search,Settings,Ping,ItemOperations,Provision,ResolveRecipients,ValidateCert';

/** `MS-ASProtocolCommands`, the same list for every build (PROTOCOL-FACTS.md). */
export const EAS_PROTOCOL_COMMANDS = MS_AS_COMMANDS;

// [id, name, build, aliases, resource folder if it differs from the build]
type Row = [string, string, string, string[]?, string?];

const ROWS_2007: Row[] = [
  ['2007-rtm', 'Exchange 2007 RTM', '8.0.685.25', ['8.0.685.24']],
  ['2007-rtm-ru1', 'Exchange 2007 RU1', '8.0.708.3', ['8.0.700.0']],
  ['2007-rtm-ru2', 'Exchange 2007 RU2', '8.0.711.2', ['8.0.709.0']],
  ['2007-rtm-ru3', 'Exchange 2007 RU3', '8.0.730.1'],
  ['2007-rtm-ru4', 'Exchange 2007 RU4', '8.0.744.0'],
  ['2007-rtm-ru5', 'Exchange 2007 RU5', '8.0.754.0', ['8.0.752.0']],
  ['2007-rtm-ru6', 'Exchange 2007 RU6', '8.0.783.2'],
  ['2007-rtm-ru7', 'Exchange 2007 RU7', '8.0.813.0'],
  ['2007-sp1', 'Exchange 2007 SP1', '8.1.240.6', [], '8.1.240.5'],
  ['2007-sp1-ru1', 'Exchange 2007 SP1 RU1', '8.1.263.1'],
  ['2007-sp1-ru2', 'Exchange 2007 SP1 RU2', '8.1.278.2'],
  ['2007-sp1-ru3', 'Exchange 2007 SP1 RU3', '8.1.291.2'],
  ['2007-sp1-ru4', 'Exchange 2007 SP1 RU4', '8.1.311.3'],
  ['2007-sp1-ru5', 'Exchange 2007 SP1 RU5', '8.1.336.1'],
  ['2007-sp1-ru6', 'Exchange 2007 SP1 RU6', '8.1.340.1'],
  ['2007-sp1-ru7', 'Exchange 2007 SP1 RU7', '8.1.359.2'],
  ['2007-sp1-ru8', 'Exchange 2007 SP1 RU8', '8.1.375.2'],
  ['2007-sp1-ru9', 'Exchange 2007 SP1 RU9', '8.1.393.1'],
  ['2007-sp1-ru10', 'Exchange 2007 SP1 RU10', '8.1.436.0'],
  ['2007-sp2', 'Exchange 2007 SP2', '8.2.176.2'],
  ['2007-sp2-ru1', 'Exchange 2007 SP2 RU1', '8.2.217.3'],
  ['2007-sp2-ru2', 'Exchange 2007 SP2 RU2', '8.2.234.1'],
  ['2007-sp2-ru3', 'Exchange 2007 SP2 RU3', '8.2.247.2'],
  ['2007-sp2-ru4', 'Exchange 2007 SP2 RU4', '8.2.254.0'],
  ['2007-sp2-ru5', 'Exchange 2007 SP2 RU5', '8.2.305.3'],
  ['2007-sp3', 'Exchange 2007 SP3', '8.3.83.6', [], '8.3.83.4'],
  ['2007-sp3-ru1', 'Exchange 2007 SP3 RU1', '8.3.106.2'],
  ['2007-sp3-ru2', 'Exchange 2007 SP3 RU2', '8.3.137.3'],
  ['2007-sp3-ru3', 'Exchange 2007 SP3 RU3', '8.3.159.2'],
  ['2007-sp3-ru4', 'Exchange 2007 SP3 RU4', '8.3.192.1'],
  ['2007-sp3-ru5', 'Exchange 2007 SP3 RU5', '8.3.213.1'],
  ['2007-sp3-ru6', 'Exchange 2007 SP3 RU6', '8.3.245.2'],
  ['2007-sp3-ru7', 'Exchange 2007 SP3 RU7', '8.3.264.0'],
];

const ROWS_2010: Row[] = [
  ['2010-rtm', 'Exchange 2010 RTM', '14.0.639.21'],
  ['2010-sp1', 'Exchange 2010 SP1', '14.1.218.15'],
  ['2010-sp2', 'Exchange 2010 SP2', '14.2.247.5'],
  ['2010-sp2-ru1', 'Exchange 2010 SP2 RU1', '14.2.283.3', ['14.02.0283.003']],
  ['2010-sp2-ru2', 'Exchange 2010 SP2 RU2', '14.2.298.4'],
  ['2010-sp3', 'Exchange 2010 SP3', '14.3.123.4', [], '14.3.123.3'],
];

/** Parse `8.1.240.6` into numbers. */
export function parseBuild(build: string): [number, number, number, number] {
  const parts = build.split('.').map((p) => Number.parseInt(p, 10));
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) {
    throw new RangeError(`not a four-part build number: ${build}`);
  }
  return parts as [number, number, number, number];
}

/** Compare two build numbers: negative when a is older than b. */
export function compareBuilds(a: string, b: string): number {
  const pa = parseBuild(a);
  const pb = parseBuild(b);
  for (let i = 0; i < 4; i++) {
    const d = pa[i]! - pb[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** Autodiscover ServerVersion hex (MS-OXDSCLI): 0111 | major(6) | minor(6) | 1 | build(15). */
export function autodiscoverServerVersion(build: string): string {
  const [major, minor, b] = parseBuild(build);
  const value = ((0b0111 << 28) | (major << 22) | (minor << 16) | (1 << 15) | (b & 0x7fff)) >>> 0;
  return value.toString(16).toUpperCase().padStart(8, '0');
}

function traits(product: Product, [id, name, build, aliases = [], folder]: Row): BuildTraits {
  const [major, minor, majorBuild, minorBuild] = parseBuild(build);
  const sp = minor;
  const ruMatch = /-ru(\d+)$/.exec(id);
  const rollup = ruMatch ? Number(ruMatch[1]) : 0;
  const is2010 = product === 2010;
  // 000: the canary cookie arrived with 2010 SP2 RU1 (14.2.283.3); 2010 SP2 RU2 and 2007 SP3 RU7 read it.
  const writesCanary = is2010 && compareBuilds(build, '14.2.283.3') >= 0;
  const readsCanary = writesCanary || (product === 2007 && compareBuilds(build, '8.3.264.0') >= 0);
  const ewsVersionName = is2010 ? (sp === 0 ? 'Exchange2010' : sp === 1 ? 'Exchange2010_SP1' : 'Exchange2010_SP2') : '';
  const serverVersionInfo = is2010
    ? `<h:ServerVersionInfo MajorVersion="${major}" MinorVersion="${minor}" MajorBuildNumber="${majorBuild}" MinorBuildNumber="${minorBuild}" Version="${ewsVersionName}" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types" xmlns="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"/>`
    : `<t:ServerVersionInfo MajorVersion="${major}" MinorVersion="${minor}" MajorBuildNumber="${majorBuild}" MinorBuildNumber="${minorBuild}" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"/>`;
  const resourceFolder = folder ?? build;
  return {
    id,
    name,
    product,
    servicePack: sp,
    rollup,
    build,
    aliases,
    owa: {
      title: is2010 ? 'Outlook Web App' : 'Microsoft Exchange - Outlook Web Access',
      formsPostPath: is2010 ? '/owa/auth.owa' : '/owa/auth/owaauth.dll',
      resourceFolder,
      resources: is2010
        ? ['themes/resources/logon.css', 'themes/resources/favicon.ico', 'scripts/premium/flogon.js']
        : ['themes/base/logon.css', 'themes/base/warn.png', 'themes/base/favicon.ico'],
      userContextForm: writesCanary ? 'canary76' : 'guid32',
      readsCanaryCookie: readsCanary,
    },
    eas: {
      serverVersion: `${major}.${minor}`,
      protocolVersions: is2010 && sp >= 1 ? '2.0,2.1,2.5,12.0,12.1,14.0,14.1' : is2010 ? '2.0,2.1,2.5,12.0,12.1,14.0' : '2.0,2.1,2.5,12.0,12.1',
    },
    ews: {
      serverVersionInfo,
      // 003: "the RTM version of Exchange 2007 did not support proxying for Exchange Web Services".
      proxies: !(product === 2007 && sp === 0),
    },
    autodiscover: { serverVersion: autodiscoverServerVersion(build) },
    hasEcp: is2010,
  };
}

/** Every build, oldest first within each product. */
export const BUILDS: readonly BuildTraits[] = [
  ...ROWS_2007.map((r) => traits(2007, r)),
  ...ROWS_2010.map((r) => traits(2010, r)),
];

const byKey = new Map<string, BuildTraits>();
for (const b of BUILDS) {
  byKey.set(b.id, b);
  byKey.set(b.build, b);
  for (const a of b.aliases) if (!byKey.has(a)) byKey.set(a, b);
}

/** Look a build up by id (`2010-sp2-ru1`), build number (`14.2.283.3`) or alias (`8.0.700.0`). */
export function findBuild(key: string): BuildTraits | undefined {
  return byKey.get(key);
}

/** Like findBuild, but throws a RangeError naming the known ids. */
export function getBuild(key: string): BuildTraits {
  const b = findBuild(key);
  if (!b) throw new RangeError(`unknown Exchange build "${key}" (known: ${BUILDS.map((x) => x.id).join(', ')})`);
  return b;
}

/** The resource folders an OWA installation of this build holds by default (its own). */
export function defaultResourceFolders(build: BuildTraits): string[] {
  return [build.owa.resourceFolder];
}
