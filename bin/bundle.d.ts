/** See bin/bundle.js: the bundle of one TypeScript entry of this package, rebuilt when a source changes. */
export function bundled(entry: string, name: string): Promise<string>;
