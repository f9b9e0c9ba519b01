import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createProbeAgent, type ConnectionNote } from './transport.ts';
import { ProbeScopeError } from './errors.ts';
import { step } from './http-step.ts';

describe('the probe reaches the host it was given, nothing else', () => {
  it('refuses another host before any packet, and logs the refusal', async () => {
    const log: ConnectionNote[] = [];
    // A name the lookup never resolves: the guard must refuse before resolution.
    const agent = createProbeAgent('cas01.probe.lab', { lookup: () => { throw new Error('no resolution expected'); } }, log);
    try {
      await expect(request('https://elsewhere.probe.lab/owa/', { dispatcher: agent })).rejects.toSatisfy((e: unknown) => {
        const err = e as { cause?: unknown };
        return e instanceof ProbeScopeError || err.cause instanceof ProbeScopeError;
      });
      const s = await step(agent, 'https://127.0.0.2:9', { method: 'GET', path: '/owa/' });
      expect(s.answer).toMatchObject({ status: null, error: 'PROBE_SCOPE' });
      expect(log).toEqual([
        { host: 'elsewhere.probe.lab', port: 443, purpose: 'https', refused: true },
        { host: '127.0.0.2', port: 9, purpose: 'https', refused: true },
      ]);
    } finally {
      await agent.close();
    }
  });
});
