/**
 * The dovecot.conf and passdb files for Dovecot as a pure IMAP4/POP3 proxy in front of the legacy CAS.
 * Pure: harness/frontdoor/adapters/dovecot.ts writes the files and runs `dovecot -F`.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fillTemplateFile, type DirUser, type HopTarget } from '../shared/index.ts';
import { renderPassdb, type PassdbOptions } from './dovecot-passdb.ts';

export const DOVECOT_TEMPLATE = join(fileURLToPath(new URL('.', import.meta.url)), 'dovecot.conf.tmpl');

/** What the HTTP rules report for this candidate: it has no HTTPS listener. */
export const DOVECOT_HTTP_REASON = 'Dovecot is a mail proxy only';

export interface DovecotConfigInput {
  runDir: string;
  listenAddress: string;
  ports: { imap: number; imaps: number; pop3: number; pop3s: number };
  certFile: string;
  keyFile: string;
  /** Lab CA, readable by Dovecot (a copy in the run dir). */
  caFile: string;
  /** Accounts Dovecot drops to (dovecot/dovenull when started as root, else the current user). */
  internalUser: string;
  internalGroup: string;
  loginUser: string;
  extraConfig?: string;
}

/**
 * Render dovecot.conf.
 * @example
 * renderDovecotConfig({ runDir, listenAddress: '127.0.1.10', ports, certFile, keyFile, caFile,
 *   internalUser: 'dovecot', internalGroup: 'dovecot', loginUser: 'dovenull' });
 */
export function renderDovecotConfig(i: DovecotConfigInput): string {
  return fillTemplateFile(DOVECOT_TEMPLATE, {
    // Unique per run dir: doveadm and the master refuse two instances of one name.
    instanceName: `casconf-${createHash('sha256').update(i.runDir).digest('hex').slice(0, 10)}`,
    runDir: i.runDir,
    internalUser: i.internalUser,
    internalGroup: i.internalGroup,
    loginUser: i.loginUser,
    listenAddress: i.listenAddress,
    certFile: i.certFile,
    keyFile: i.keyFile,
    caFile: i.caFile,
    imapPort: i.ports.imap,
    imapsPort: i.ports.imaps,
    pop3Port: i.ports.pop3,
    pop3sPort: i.ports.pop3s,
    extraConfig: i.extraConfig ? `\n${i.extraConfig}\n` : '',
  });
}

/** The four passdb files, by the file name the template's passdb args expand to. */
export function renderPassdbFiles(users: DirUser[], siteServers: (site: string) => HopTarget[], o: PassdbOptions = {}): Record<string, string> {
  return {
    'passdb-imap-encrypted': renderPassdb(users, siteServers, 'imap4', true, o),
    'passdb-imap-plain': renderPassdb(users, siteServers, 'imap4', false, o),
    'passdb-pop3-encrypted': renderPassdb(users, siteServers, 'pop3', true, o),
    'passdb-pop3-plain': renderPassdb(users, siteServers, 'pop3', false, o),
  };
}
