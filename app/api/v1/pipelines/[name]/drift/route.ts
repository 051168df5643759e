import { handle, json, type RouteParams } from '../../../../../../server/rest/http';
import { driftHistory } from '../../../../../../server/services/drift-history';

export const dynamic = 'force-dynamic';

/** Drift scores over time: every successful Data drift step of the pipeline, oldest first. */
export async function GET(req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => {
    const search = new URL(req.url).searchParams;
    return json(
      await driftHistory({
        pipeline: (await params).name,
        ...(search.has('node') ? { node: search.get('node')! } : {}),
        ...(search.has('limit') ? { limit: search.get('limit')! } : {}),
      }),
    );
  });
}
