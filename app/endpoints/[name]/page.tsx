import type { Metadata } from 'next';
import { EndpointPage } from '../../../components/endpoints/endpoint-page';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Endpoint ${decodeURIComponent((await params).name)}` };
}

export default async function Page({ params }: Props) {
  return <EndpointPage name={decodeURIComponent((await params).name)} />;
}
