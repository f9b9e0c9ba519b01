/**
 * Response texts of the Exchange 2007/2010 POP3 service. The greeting is from PROTOCOL-FACTS;
 * the others are as remembered from Exchange logs and are UNVERIFIED.
 */
export const POP3_TEXT = {
  greeting: 'The Microsoft Exchange POP3 service is ready.',
  protocolError: 'Protocol error. 14',
  invalidState: 'Command is not valid in this state.',
  lineTooLong: 'Command line too long.',
  tlsOnPlaintext: 'TLS handshake received on a plaintext connection.',
  tooManyConnections: 'Connection refused: too many connections.',
  logonFailure: 'Logon failure: unknown user name or bad password.',
  loggedOn: 'User successfully logged on.',
  authenticated: 'User successfully authenticated.',
  authCancelled: 'AUTH cancelled.',
  startTls: 'Begin TLS negotiation.',
  noSuchMessage: 'The specified message is out of range.',
  deleted: 'The message has been deleted.',
  signOff: 'Microsoft Exchange Server POP3 server signing off.',
} as const;
