/** acceptsAny: a listening port counts, refused and absent (0) ones do not. */
import { describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { acceptsAny } from './listening.ts';

describe('acceptsAny', () => {
  it('is true when one port listens, false when none does', async () => {
    const srv = createServer((s) => s.destroy());
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const open = (srv.address() as AddressInfo).port;
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const gone = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    try {
      expect(await acceptsAny('127.0.0.1', [0, gone, open], 1000)).toBe(true);
      expect(await acceptsAny('127.0.0.1', [0, gone], 1000)).toBe(false);
      expect(await acceptsAny('127.0.0.1', [], 1000)).toBe(false);
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });
});
