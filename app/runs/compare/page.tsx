import type { Metadata } from 'next';
import { RunComparison } from '../../../components/runs/run-comparison';

export const metadata: Metadata = { title: 'Compare runs' };

type Props = { searchParams: Promise<{ ids?: string | string[] }> };

export default async function CompareRunsPage({ searchParams }: Props) {
  const { ids } = await searchParams;
  const list = (Array.isArray(ids) ? ids : [ids ?? ''])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  return <RunComparison ids={list} />;
}
