'use client';

import { useQuery } from '@tanstack/react-query';
import { Database } from 'lucide-react';
import Link from 'next/link';
import { useTRPC } from '../trpc';
import { Card, CardHeader, CardTitle } from '../ui/card';
import { formatNumber, formatRelative } from '../ui/format';
import { EmptyState } from '../ui/states';
import { QueryView, td, th } from './query-view';
import { UploadDatasetButton } from '../datasets/upload-dialog';

export function DatasetsList() {
  const trpc = useTRPC();
  const datasets = useQuery(trpc.datasets.list.queryOptions());
  return (
    <main className="mx-auto w-full max-w-7xl px-6 py-7">
      <h1 className="mb-5 text-xl font-semibold tracking-tight text-fg">Datasets</h1>
      <Card aria-labelledby="datasets-title">
        <CardHeader>
          <CardTitle id="datasets-title">
            <Database aria-hidden />
            Datasets
          </CardTitle>
          <UploadDatasetButton size="sm" />
        </CardHeader>
        <div className="p-4">
          <QueryView query={datasets} what="datasets">
            {(rows) =>
              rows.length === 0 ? (
                <EmptyState icon={<Database />} title="No datasets yet">
                  Upload a CSV, JSON or Parquet file, or push one with <code className="font-mono text-xs">millrace dataset push FILE --name N</code>.
                </EmptyState>
              ) : (
                <table className="w-full text-sm">
                  <thead>
                    <tr className="border-b border-line">
                      <th scope="col" className={th}>Dataset</th>
                      <th scope="col" className={th}>Latest</th>
                      <th scope="col" className={th}>Rows</th>
                      <th scope="col" className={th}>Columns</th>
                      <th scope="col" className={`${th} text-right`}>Created</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((d) => (
                      <tr key={d.name} className="border-b border-line last:border-0">
                        <td className={td}>
                          <Link href={`/datasets/${d.name}`} className="font-medium text-accent-strong hover:underline">
                            {d.name}
                          </Link>
                        </td>
                        <td className={`${td} tabular-nums`}>v{d.latestVersion}</td>
                        <td className={`${td} tabular-nums`}>{formatNumber(d.rows)}</td>
                        <td className={`${td} text-fg-muted`}>{d.columns.length}</td>
                        <td className={`${td} text-right text-xs text-fg-muted`}>{formatRelative(d.updatedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )
            }
          </QueryView>
        </div>
      </Card>
    </main>
  );
}
