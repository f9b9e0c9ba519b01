/** See bin/bundle.js: the bundle of one TypeScript entry of this package, rebuilt when a source changes. */
export function bundled(entry: string, name: string): Promise<string>;
/** See bin/bundle.js: several entries bundled together (output name -> source path); resolves to the bundle's folder. */
export function bundledSet(entries: Record<string, string>, name: string): Promise<string>;
