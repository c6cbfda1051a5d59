/**
 * What `export --activities` and `export --notifications` share: reading a store's history
 * a keyset page at a time (constant memory whatever the store holds), writing one JSON
 * object per line, and the message when the filter takes nothing.
 */

const exportBatch = 1000;

/**
 * Every row `readPage` gives, in its order: each page is read after the last row of the one
 * before (the keyset cursor), until a page comes back short.
 */
export async function* keysetRows<T>(
  readPage: (after: T | undefined, limit: number) => Promise<readonly T[]>,
): AsyncIterable<T> {
  let after: T | undefined;
  for (;;) {
    const page = await readPage(after, exportBatch);
    yield* page;
    const last = page[page.length - 1];
    if (page.length < exportBatch || last === undefined) return;
    after = last;
  }
}

/** Each row as one line of JSON, counting the lines through `onLine`. */
export async function* jsonLines<T>(
  rows: AsyncIterable<T>,
  toLine: (row: T) => unknown,
  onLine: () => void,
): AsyncIterable<string> {
  for await (const row of rows) {
    onLine();
    yield `${JSON.stringify(toLine(row))}\n`;
  }
}

/** Why nothing was exported: `what` (plural) of the filter's project and group. */
export function nothingToExport(
  what: string,
  filter: { readonly projectId?: string; readonly groupId?: string },
): string {
  const { projectId, groupId } = filter;
  if (projectId !== undefined && groupId !== undefined)
    return `No ${what} to export: group ${groupId} of project ${projectId} has none.`;
  if (projectId !== undefined) return `No ${what} to export: project ${projectId} has none.`;
  return `No ${what} to export: the store holds none.`;
}
