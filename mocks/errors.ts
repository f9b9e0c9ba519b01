/** Errors of the mocks. A mock never throws at a client: these are for the lab that starts it. */
export { MockStartError } from '../harness/errors.ts';

/** A request the mock cannot serve because of its own configuration (answered, never thrown to the socket). */
export class MockConfigError extends Error {
  readonly code = 'MOCK_CONFIG_ERR';
}
