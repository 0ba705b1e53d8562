/**
 * Parse options shared by every parser.
 *
 * `strict: false` (the default) accepts the real-world deviations listed in the lib's README, each of
 * them documented where it is accepted; `strict: true` rejects everything RFC 4475 calls invalid.
 */
export interface ParseOptions {
  readonly strict?: boolean;
}

export const TOLERANT: ParseOptions = Object.freeze({ strict: false });
export const STRICT: ParseOptions = Object.freeze({ strict: true });
