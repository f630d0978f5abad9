/**
 * Runs `work` over `items` with at most `limit` in flight. Kept in-house (a dozen lines) rather than adding p-limit
 * because the shared package.json is being edited by several people at once; swap it for p-limit when that settles.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
