import { json } from '../../../../../server/rest/http';
import { route } from '../../../../../server/rest/route';
import { getDatasetVersion } from '../../../../../server/infra/dataset-registry';

export const dynamic = 'force-dynamic';

export const GET = route<{ name: string }>({ role: 'viewer' }, async (_req, { params }) => {
  const v = await getDatasetVersion(params.name);
  return json({ name: v.name, version: v.version, rows: v.rows, columns: v.columns, createdAt: v.createdAt });
});
