import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ModelVersionView } from '../../../../components/registry/model-version-view';

export const metadata: Metadata = { title: 'Model version' };

export default async function ModelVersionPage({ params }: { params: Promise<{ name: string; version: string }> }) {
  const { name, version } = await params;
  if (!/^[1-9]\d{0,8}$/.test(version)) notFound();
  return <ModelVersionView name={decodeURIComponent(name)} version={Number(version)} />;
}
