/** Replaced at build time by tsup's and vitest's `define` with the package version. */
declare const __PACKAGE_VERSION__: string;
