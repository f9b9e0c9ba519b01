import type { TopologyInput } from '../../topology/index.ts';

/** Edit the topology document (already holding the front-door mock `fd`) so the mock breaks a rule. */
export type MockDefect = (doc: TopologyInput, fd: TopologyInput['servers'][number]) => void;
