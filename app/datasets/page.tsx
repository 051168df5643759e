import type { Metadata } from 'next';
import { DatasetsList } from '../../components/registry/datasets-list';

export const metadata: Metadata = { title: 'Datasets' };

export default function DatasetsPage() {
  return <DatasetsList />;
}
