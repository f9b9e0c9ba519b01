import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { readPassword, PASSWORD_ENV } from './password.ts';

describe('readPassword', () => {
  it('takes CAS_PROBE_PASSWORD', async () => {
    expect(await readPassword('CONTOSO\\red', { env: { [PASSWORD_ENV]: 'Red-P@ss1' } })).toBe('Red-P@ss1');
  });

  it('refuses with one clear line when there is neither the variable nor a terminal', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.ReadStream;
    await expect(readPassword('CONTOSO\\red', { env: {}, input })).rejects.toThrow(/set CAS_PROBE_PASSWORD or run in a terminal/);
  });
});
