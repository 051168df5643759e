import type { Metadata } from 'next';
import { ModelsList } from '../../components/registry/models-list';

export const metadata: Metadata = { title: 'Models' };

export default function ModelsPage() {
  return <ModelsList />;
}
