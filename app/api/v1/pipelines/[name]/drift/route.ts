import { json } from '../../../../../../server/rest/http';
import { route } from '../../../../../../server/rest/route';
import { driftHistory } from '../../../../../../server/services/drift-history';

export const dynamic = 'force-dynamic';

/** Drift scores over time: every successful Data drift step of the pipeline, oldest first. */
export const GET = route<{ name: string }>({ role: 'viewer' }, async (req, { params }) => {
  const search = new URL(req.url).searchParams;
  return json(
    await driftHistory({
      pipeline: params.name,
      ...(search.has('node') ? { node: search.get('node')! } : {}),
      ...(search.has('limit') ? { limit: search.get('limit')! } : {}),
    }),
  );
});
