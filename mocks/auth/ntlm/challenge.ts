/**
 * Building the CHALLENGE message (Type 2, MS-NLMP 2.2.1.2) the way IIS on a domain member does:
 * target name = NetBIOS domain, target info with the NetBIOS and DNS names and a timestamp.
 */
import { AV_ID, encodeAvPairs, fileTime } from './av-pairs.ts';
import { NTLM_FLAGS as F, hasFlag } from './flags.ts';
import { NTLMSSP_SIGNATURE } from './messages.ts';

export interface ChallengeNames {
  netbiosDomain: string;
  dnsDomain: string;
  computerName: string;
  dnsComputerName: string;
}

// Flags the server echoes only when the client asked for them (MS-NLMP 3.2.5.1.1).
const ECHOED =
  F.NEGOTIATE_SIGN | F.NEGOTIATE_SEAL | F.NEGOTIATE_ALWAYS_SIGN | F.NEGOTIATE_EXTENDED_SESSIONSECURITY |
  F.NEGOTIATE_128 | F.NEGOTIATE_56 | F.NEGOTIATE_KEY_EXCH | F.NEGOTIATE_IDENTIFY;

/**
 * The flags of the answer to a client's Type 1 flags: Unicode when offered (else OEM), NTLM,
 * target type domain with target info and version, and the echoed security options.
 * @example challengeFlags(0xe2088297) // includes NEGOTIATE_UNICODE | NEGOTIATE_TARGET_INFO
 */
export function challengeFlags(clientFlags: number): number {
  const charset = hasFlag(clientFlags, F.NEGOTIATE_UNICODE) ? F.NEGOTIATE_UNICODE : F.NEGOTIATE_OEM;
  return (
    (charset | F.REQUEST_TARGET | F.NEGOTIATE_NTLM | F.TARGET_TYPE_DOMAIN | F.NEGOTIATE_TARGET_INFO |
      F.NEGOTIATE_VERSION | (clientFlags & ECHOED)) >>>
    0
  );
}

/**
 * A Type 2 message. `now` is the time written in MsvAvTimestamp (ms since 1970).
 * @example buildChallenge(names, challengeFlags(type1.flags), randomBytes(8), Date.now())
 */
export function buildChallenge(names: ChallengeNames, flags: number, serverChallenge: Buffer, now: number): Buffer {
  const unicode = hasFlag(flags, F.NEGOTIATE_UNICODE);
  const targetName = Buffer.from(names.netbiosDomain.toUpperCase(), unicode ? 'utf16le' : 'latin1');
  const u = (s: string) => Buffer.from(s, 'utf16le');
  // Order as Windows writes it: NetBIOS domain, NetBIOS computer, DNS domain, DNS computer, tree, time.
  const targetInfo = encodeAvPairs([
    { id: AV_ID.MsvAvNbDomainName, value: u(names.netbiosDomain.toUpperCase()) },
    { id: AV_ID.MsvAvNbComputerName, value: u(names.computerName.toUpperCase()) },
    { id: AV_ID.MsvAvDnsDomainName, value: u(names.dnsDomain) },
    { id: AV_ID.MsvAvDnsComputerName, value: u(names.dnsComputerName) },
    { id: AV_ID.MsvAvDnsTreeName, value: u(names.dnsDomain) },
    { id: AV_ID.MsvAvTimestamp, value: fileTime(now) },
  ]);
  const head = Buffer.alloc(56);
  NTLMSSP_SIGNATURE.copy(head, 0);
  head.writeUInt32LE(2, 8);
  head.writeUInt16LE(targetName.length, 12);
  head.writeUInt16LE(targetName.length, 14);
  head.writeUInt32LE(56, 16);
  head.writeUInt32LE(flags >>> 0, 20);
  serverChallenge.copy(head, 24, 0, 8);
  // 32..39 Reserved (zero).
  head.writeUInt16LE(targetInfo.length, 40);
  head.writeUInt16LE(targetInfo.length, 42);
  head.writeUInt32LE(56 + targetName.length, 44);
  // VERSION: Windows Server 2008 R2 (6.1 build 7601), NTLMSSP revision 15 (the hosts of Exchange 2010 SP2).
  head.writeUInt8(6, 48);
  head.writeUInt8(1, 49);
  head.writeUInt16LE(7601, 50);
  head.writeUInt8(15, 55);
  return Buffer.concat([head, targetName, targetInfo]);
}
