/** Every list answers `{ items, nextCursor? }` so paging works the same everywhere. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export const DEFAULT_PAGE: PageRequest = { limit: 100 };

/** Keyset paging: callers fetch `limit + 1` rows ordered by the cursor column. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  cursorOf: (row: R) => string,
  map: (row: R) => T,
): Page<T> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(map),
    ...(rows.length > limit && last !== undefined ? { nextCursor: cursorOf(last) } : {}),
  };
}
