/**
 * Test fixture (tests only, never imported by the front door): the HTTPS listener (http/server.ts) on
 * loopback with a certificate from a throwaway CA, made before the file's tests and closed after each.
 * @example
 * const listener = listenerFixture();
 * const port = await listener.start((req, res) => sendText(res, 200, 'ok'), testLimits({ headersTimeoutMs: 1_000 }));
 */
import { afterEach, beforeAll } from 'vitest';
import { buildCa, newKeyPair } from '../../../harness/pki/certs.ts';
import type { Logger } from '../log.ts';
import type { Limits } from '../options.ts';
import { listenHttps, type RunningListener } from '../http/server.ts';
import type { FrontRequest, FrontResponse } from '../http/front-types.ts';

const silent: Logger = { write: () => undefined, close: async () => undefined };

/** The listener's limits for a test: small and strict, with `over` on top. */
export function testLimits(over: Partial<Limits> = {}): Limits {
  return { maxHeaderBytes: 16 * 1024, maxOwnBodyBytes: 64 * 1024, headersTimeoutMs: 1_000, idleTimeoutMs: 60_000, hopHeadersTimeoutMs: 60_000, maxConnections: 100, lenientFraming: false, ...over };
}

export interface ListenerFixture {
  /** The certificate and key the listener serves (set before the first test). */
  readonly creds: { key: string; cert: string };
  /** Listen on a free loopback port with `handler`; its port. One listener at a time: a running one is closed first. */
  start(handler: (req: FrontRequest, res: FrontResponse) => void, limits?: Limits): Promise<number>;
  /** Close the running listener, if any (each test's end does it too). */
  stop(): Promise<void>;
}

export function listenerFixture(): ListenerFixture {
  let creds: { key: string; cert: string } | undefined;
  let running: RunningListener | undefined;
  const stop = async () => {
    await running?.close();
    running = undefined;
  };
  beforeAll(async () => {
    const { issued } = buildCa('front-door-test.invalid', await newKeyPair());
    creds = { key: issued.keyPem, cert: issued.certPem };
  });
  afterEach(stop);
  return {
    get creds() {
      if (!creds) throw new Error('the listener fixture has no certificate before its beforeAll ran');
      return creds;
    },
    async start(handler, limits = testLimits()) {
      await stop();
      running = await listenHttps({ host: '127.0.0.1', port: 0, ...this.creds, limits, log: silent, handler });
      return running.port;
    },
    stop,
  };
}
