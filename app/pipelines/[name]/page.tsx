import type { Metadata } from 'next';
import { PipelineEditor } from '../../../components/canvas/pipeline-editor';

type Props = { params: Promise<{ name: string }>; searchParams: Promise<{ version?: string | string[]; resume?: string | string[]; template?: string | string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { name } = await params;
  return { title: decodeURIComponent(name) };
}

export default async function PipelinePage({ params, searchParams }: Props) {
  const { name } = await params;
  const { version, resume, template } = await searchParams;
  const parsed = typeof version === 'string' && /^\d+$/.test(version) ? Number(version) : undefined;
  const resumeRun = typeof resume === 'string' && /^[0-9a-f-]{36}$/i.test(resume) ? resume : undefined;
  const fromTemplate = typeof template === 'string' && /^[a-z0-9-]{1,64}$/.test(template) ? template : undefined;
  return <PipelineEditor name={decodeURIComponent(name)} version={parsed} resume={resumeRun} template={fromTemplate} />;
}
