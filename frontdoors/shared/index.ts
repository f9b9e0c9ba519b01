/**
 * Small helpers shared by the real-proxy adapters (nginx, haproxy, apache, caddy, dovecot):
 * template filling, running a binary once, reading the directory, choosing hop targets, port checks
 * and the config digest. See README.md in this folder.
 * @example
 * import { fillTemplateFile, findBinary, fetchDirectory, siteTargets, hostsMap } from '../../frontdoors/shared/index.ts';
 */
export { AdapterError, TemplateError, DirectoryFetchError, PortTakenError } from './errors.ts';
export { fillTemplate, fillTemplateFile, templateNames } from './template.ts';
export { runProcess, findBinary, type ProcessResult, type RunOptions } from './run-process.ts';
export { assertPortsFree } from './ports.ts';
export { configDigest } from './digest.ts';
export { fetchDirectory, checkCredentials } from './directory-fetch.ts';
export { siteTargets, toHopTarget, hostsMap, configId, PUBLISHED_VDIRS, type HopTarget } from './targets.ts';
export type * from '../../harness/topology/directory-contract.ts';
export type { HttpProxyConfigInput } from './http-proxy-input.ts';
