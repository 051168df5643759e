'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { formatMetric, th } from '../registry/query-view';

export const PREVIEW_PAGE = 200;
const ROW_HEIGHT = 32;

export interface PreviewPage {
  offset: number;
  limit: number;
  totalRows: number;
  rows: Record<string, unknown>[];
}

/**
 * A table's rows, fetched a page at a time as the reader scrolls; only the rows in view are drawn. The
 * header names each column with its type.
 */
export function TablePreview({
  queryKey,
  fetchPage,
  rows,
  columns,
  label,
  className = 'max-h-96',
}: {
  /** Identifies the table in the query cache. */
  queryKey: readonly unknown[];
  fetchPage: (offset: number, limit: number) => Promise<PreviewPage>;
  rows: number;
  columns: { name: string; type: string }[];
  /** The scroll region's accessible name, e.g. "Rows of penguins version 2". */
  label: string;
  className?: string;
}) {
  const pages = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam, PREVIEW_PAGE),
    initialPageParam: 0,
    getNextPageParam: (last) => (last.offset + last.rows.length < last.totalRows ? last.offset + last.limit : undefined),
  });
  const loaded = pages.data?.pages.flatMap((p) => p.rows) ?? [];
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer's functions are read during render by design
  const virtualizer = useVirtualizer({ count: rows, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (last >= loaded.length - 1 && pages.hasNextPage && !pages.isFetchingNextPage) void pages.fetchNextPage();
  }, [last, loaded.length, pages]);
  const before = items[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  if (pages.isError) {
    return (
      <p role="alert" className="p-4 text-sm text-bad-strong">
        {pages.error.message}
      </p>
    );
  }
  return (
    <div ref={scroller} className={`${className} overflow-auto`} tabIndex={0} role="region" aria-label={label} aria-busy={pages.isFetching || undefined}>
      <table className="w-full text-xs">
        <thead className="sticky top-0 bg-surface">
          <tr className="border-b border-line">
            <th scope="col" className={th}>#</th>
            {columns.map((c) => (
              <th key={c.name} scope="col" className={`${th} whitespace-nowrap`}>
                {c.name}
                <span className="ml-1.5 font-mono text-[10px] font-normal text-fg-subtle">{c.type}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {before > 0 && <tr style={{ height: before }} aria-hidden />}
          {items.map((item) => {
            const row = loaded[item.index];
            return (
              <tr key={item.key} style={{ height: ROW_HEIGHT }} className="border-b border-line">
                <td className="px-4 text-fg-subtle tabular-nums">{item.index + 1}</td>
                {columns.map((c) => (
                  <td key={c.name} className="px-4 whitespace-nowrap tabular-nums">
                    {row ? formatMetric(row[c.name]) : '…'}
                  </td>
                ))}
              </tr>
            );
          })}
          {after > 0 && <tr style={{ height: after }} aria-hidden />}
        </tbody>
      </table>
    </div>
  );
}
