import type { Metadata } from 'next';
import { DatasetView } from '../../../components/registry/dataset-view';

export const metadata: Metadata = { title: 'Dataset' };

type Props = { params: Promise<{ name: string }>; searchParams: Promise<{ version?: string | string[] }> };

export default async function DatasetPage({ params, searchParams }: Props) {
  const { name } = await params;
  const { version } = await searchParams;
  const asked = typeof version === 'string' && /^[1-9]\d{0,8}$/.test(version) ? Number(version) : undefined;
  return <DatasetView name={decodeURIComponent(name)} version={asked} />;
}
