/**
 * The SDK's version, injected at build time so it needs no package.json read at run time.
 * @example
 * console.log(`using @sikkerkey/sdk ${SDK_VERSION}`);
 */
export const SDK_VERSION: string = __PACKAGE_VERSION__;

/** The server's logs and metrics tell SDK versions apart by this header. */
export function userAgent(suffix?: string): string {
  const base = `sikkerkey-sdk-node/${SDK_VERSION}`;
  return suffix ? `${base} ${suffix}` : base;
}
