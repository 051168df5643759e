import type { Metadata } from 'next';
import { RunView } from '../../../components/runs/run-view';

type Props = { params: Promise<{ runId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { runId } = await params;
  return { title: `Run ${decodeURIComponent(runId).slice(0, 8)}` };
}

export default async function RunPage({ params }: Props) {
  const { runId } = await params;
  return <RunView runId={decodeURIComponent(runId)} />;
}
