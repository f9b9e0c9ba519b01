/**
 * The password for `--user`: from the environment variable CAS_PROBE_PASSWORD, or typed at a prompt
 * that does not echo. Never from the command line (argv is visible to every user of the machine),
 * never written anywhere.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { ProbeError } from './errors.ts';

export const PASSWORD_ENV = 'CAS_PROBE_PASSWORD';

export interface PasswordSource {
  env?: NodeJS.ProcessEnv;
  input?: NodeJS.ReadStream;
  output?: NodeJS.WriteStream;
}

/** Read the password for `user`; throws ProbeError when there is neither the variable nor a terminal. */
export async function readPassword(user: string, src: PasswordSource = {}): Promise<string> {
  const env = src.env ?? process.env;
  const fromEnv = env[PASSWORD_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const input = src.input ?? process.stdin;
  const output = src.output ?? process.stderr;
  if (!input.isTTY) throw new ProbeError(`--user needs a password: set ${PASSWORD_ENV} or run in a terminal to be asked (it is never read from the command line)`);
  output.write(`password for ${user} (not echoed): `);
  // A muted output stream: readline echoes typed characters through it.
  const muted = new Writable({ write: (_chunk, _enc, cb) => cb() });
  const rl = createInterface({ input, output: muted, terminal: true });
  try {
    const answer = await new Promise<string>((resolve) => rl.question('', resolve));
    output.write('\n');
    if (!answer) throw new ProbeError('no password given');
    return answer;
  } finally {
    rl.close();
  }
}
