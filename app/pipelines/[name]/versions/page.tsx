import type { Metadata } from 'next';
import { VersionsPage } from '../../../../components/versions/versions-page';

type Props = { params: Promise<{ name: string }>; searchParams: Promise<{ from?: string | string[]; to?: string | string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Versions: ${decodeURIComponent((await params).name)}` };
}

const versionOf = (raw: string | string[] | undefined) => (typeof raw === 'string' && /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : undefined);

export default async function Page({ params, searchParams }: Props) {
  const { from, to } = await searchParams;
  return <VersionsPage name={decodeURIComponent((await params).name)} from={versionOf(from)} to={versionOf(to)} />;
}
