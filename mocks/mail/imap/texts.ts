/**
 * Response texts of the Exchange 2007/2010 IMAP4 service. The greeting, `Begin TLS negotiation now.`
 * and `LOGIN failed.` are from PROTOCOL-FACTS / commonly logged transcripts; the numbered error
 * texts and the sign-off are as remembered from Exchange 2010 logs and are UNVERIFIED.
 */
export const IMAP_TEXT = {
  greeting: 'The Microsoft Exchange IMAP4 service is ready.',
  continueLiteral: 'Ready for additional command text.',
  commandError: 'Command Error. 10',
  argumentError: 'Command Argument Error. 11',
  invalidState: 'Command received in Invalid state.',
  lineTooLong: 'Command line too long.',
  literalTooLarge: 'Literal too large.',
  tlsOnPlaintext: 'TLS handshake received on a plaintext connection.',
  idleTimeout: 'Connection is closed. 13',
  tooManyConnections: 'Connection refused: too many connections.',
  signOff: 'Microsoft Exchange Server IMAP4 server signing off.',
  loginFailed: 'LOGIN failed.',
  authFailed: 'AUTHENTICATE failed.',
  authCancelled: 'AUTHENTICATE cancelled.',
  startTls: 'Begin TLS negotiation now.',
  idleAccepted: 'IDLE accepted, awaiting DONE command.',
  noSuchMailbox: 'The requested item could not be found.',
} as const;
