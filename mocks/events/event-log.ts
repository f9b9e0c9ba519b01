/**
 * Windows-style application event log of a mock CAS: the entries the seeds quote (42, 46, 4999, and
 * informational ones), with %1/%2 filled in. Entries go to the journal (kind 'eventlog') so the
 * suite shows them as evidence; they are never judged (RULES.md).
 */
import type { NewEvent } from '../../harness/journal/events.ts';

export interface EventLogEntry {
  eventId: number;
  source: string;
  category: string;
  level: 'Error' | 'Warning' | 'Information';
  message: string;
  watson?: string[];
}

/** Seed 004: MSExchange OWA 42, ProxyErrorSslConnection (message text verbatim, %n as line breaks). */
export function event42(proxying: string, target: string): EventLogEntry {
  const m =
    `Client Access server "${proxying}" tried to proxy Outlook Web App traffic to Client Access server "${target}". This failed because one of these configuration problems was encountered:\n\n` +
    `1. "${target}" has been set to use "http://" (not using SSL) instead of "https://" (using SSL). You can modify this by setting the InternalUrl parameter of the Outlook Web App virtual directory this proxy traffic is going to. You can set that parameter using the Set-OwaVirtualDirectory cmdlet in the Exchange Management Shell.\n\n` +
    `2. The destination virtual directory returned an HTTP 403 error code. This usually means it's not configured to accept SSL access. You can change this configuration by using IIS Manager on the Client Access server "${target}".\n\n` +
    `If you don't want this proxy connection to use SSL, you need to set the registry key "AllowProxyingWithoutSSL" on this Client Access server and to set the InternalUrl and SSL settings for the Outlook Web App virtual directory this proxy traffic is going to accordingly.`;
  return { eventId: 42, source: 'MSExchange OWA', category: 'Proxy', level: 'Error', message: m };
}

/** Seed 002: MSExchange OWA 46 (KB 947168), the proxying CAS lacks the target's resource folder. */
export function event46(proxying: string, proxyingVersion: string, target: string, targetVersion: string): EventLogEntry {
  const m =
    `Client Access server "${proxying}", running Microsoft Exchange version "${proxyingVersion}", is proxying Outlook Web Access traffic to Client Access server "${target}", which runs Exchange version "${targetVersion}". ` +
    `To ensure reliable interoperability, the proxying Client Access server needs to be running a newer version of Exchange than the Client Access server it is proxying to. ` +
    `If the proxying Client Access server is running a newer version of Exchange than the Client Access server it is proxying to, the proxying Client Access server needs to have an Outlook Web Access resource folder (for example, "<Exchange Server installation path>)\\ClientAccess\\owa\\${targetVersion}") that contains all the same versioned resource files as the Client Access server it is proxying to. ` +
    `If you will be running Outlook Web Access proxying with mismatched server versions, you can manually copy this resource folder to the proxying Client Access server.`;
  return { eventId: 46, source: 'MSExchange OWA', category: 'Proxy', level: 'Error', message: m };
}

/** `14.2.283.3` -> `14.02.0283.003`, the form Watson parameters print (seed 000). */
export function watsonVersion(build: string): string {
  const [a = '0', b = '0', c = '0', d = '0'] = build.split('.');
  return `${a}.${b.padStart(2, '0')}.${c.padStart(4, '0')}.${d.padStart(3, '0')}`;
}

/** Seed 000: MSExchange Common 4999, the Watson report of the RU1 cookie incompatibility. */
export function event4999(build: string, processId = 744): EventLogEntry {
  const v = watsonVersion(build);
  const watson = ['E12', 'c-RTL-AMD64', v, 'OWA', 'M.E.Clients.Owa', 'M.E.C.O.C.ProxyUtilities.UpdateProxyUserContextIdFromResponse', 'M.E.C.O.Core.OwaAsyncOperationException', '413', v];
  return {
    eventId: 4999,
    source: 'MSExchange Common',
    category: 'General',
    level: 'Error',
    message: `Watson report about to be sent for process id: ${processId}, with parameters: ${watson.join(', ')}.`,
    watson,
  };
}

/** The mock's event log: entries are journaled under the server's name. */
export class EventLog {
  constructor(private readonly server: string, private readonly record: (e: NewEvent) => void) {}
  write(entry: EventLogEntry): void {
    this.record({ kind: 'eventlog', server: this.server, ...entry });
  }
}
