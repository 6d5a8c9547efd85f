// Cursor pagination for the list pages: load() fetches the first page and replaces the rows, load(cursor)
// appends the next one ("Load more"); an error is kept for the page's ErrorBox.
import { useState } from 'react';
import type { Page } from './types';

export function usePages<T>(fetchPage: (cursor?: string) => Promise<Page<T>>) {
  const [rows, setRows] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = async (after?: string) => {
    try {
      const page = await fetchPage(after);
      setRows((r) => (after ? [...r, ...page.data] : page.data));
      setCursor(page.nextCursor);
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  return { rows, cursor, error, setError, load };
}
