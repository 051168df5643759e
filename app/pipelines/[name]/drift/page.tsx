import type { Metadata } from 'next';
import { DriftHistoryPage } from '../../../../components/monitoring/drift-history';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Drift over time: ${decodeURIComponent((await params).name)}` };
}

export default async function Page({ params }: Props) {
  return <DriftHistoryPage pipeline={decodeURIComponent((await params).name)} />;
}
