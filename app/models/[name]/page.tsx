import type { Metadata } from 'next';
import { ModelView } from '../../../components/registry/model-view';

export const metadata: Metadata = { title: 'Model' };

export default async function ModelPage({ params }: { params: Promise<{ name: string }> }) {
  return <ModelView name={decodeURIComponent((await params).name)} />;
}
