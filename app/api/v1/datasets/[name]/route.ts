import { handle, json, type RouteParams } from '../../../../../server/rest/http';
import { getDatasetVersion } from '../../../../../server/infra/dataset-registry';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => {
    const { name } = await params;
    const v = await getDatasetVersion(name);
    return json({ name: v.name, version: v.version, rows: v.rows, columns: v.columns, createdAt: v.createdAt });
  });
}
