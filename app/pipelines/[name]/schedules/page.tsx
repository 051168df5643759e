import type { Metadata } from 'next';
import { PipelineSchedules } from '../../../../components/schedules/schedules-page';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Schedules of ${decodeURIComponent((await params).name)}` };
}

export default async function PipelineSchedulesPage({ params }: Props) {
  return <PipelineSchedules pipeline={decodeURIComponent((await params).name)} />;
}
