import { handle, json, problem, type RouteParams } from '../../../../../../server/rest/http';
import { startRunBody } from '../../../../../../server/rest/schemas';
import { ServiceError } from '../../../../../../server/infra/errors';
import { listRuns, startRun } from '../../../../../../server/services/runs';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => json({ runs: await listRuns({ pipeline: (await params).name }) }));
}

/** Starts a run of the newest version (or `{"version": N}`). */
export async function POST(req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => {
    const { name } = await params;
    const text = await req.text();
    let raw: unknown = {};
    if (text.trim()) {
      try {
        raw = JSON.parse(text);
      } catch (err) {
        throw new ServiceError('invalid', `The body is not valid JSON: ${(err as Error).message}`);
      }
    }
    const body = startRunBody.parse(raw);
    const started = await startRun(name, { version: body.version, trigger: 'api', ignoreCache: body.ignoreCache });
    if (!started.ok) {
      return problem(422, `Version ${started.version} of "${name}" cannot run: ${started.errors[0]!.message}`, { errors: started.errors });
    }
    return json({ runId: started.runId, version: started.version }, 202, { location: `/api/v1/runs/${started.runId}` });
  });
}
