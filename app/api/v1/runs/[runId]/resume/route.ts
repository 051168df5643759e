import { json, problem } from '../../../../../../server/rest/http';
import { route } from '../../../../../../server/rest/route';
import { resumeRunBody } from '../../../../../../server/rest/schemas';
import { ServiceError } from '../../../../../../server/infra/errors';
import { resumeRun } from '../../../../../../server/services/run-ops';

export const dynamic = 'force-dynamic';

/** Fix and resume: a new run that reuses what succeeded in the failed one (`{"version": N}` to pick the fixed version). */
export const POST = route<{ runId: string }>({ role: 'editor', audit: 'run.started' }, async (req, { params: { runId } }) => {
  const text = await req.text();
  let raw: unknown = {};
  if (text.trim()) {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new ServiceError('invalid', `The body is not valid JSON: ${(err as Error).message}`);
    }
  }
  const body = resumeRunBody.parse(raw);
  const started = await resumeRun(runId, { version: body.version });
  if (!started.ok) {
    return problem(422, `Version ${started.version} cannot run: ${started.errors[0]!.message}`, { errors: started.errors });
  }
  return json({ runId: started.runId, version: started.version }, 202, { location: `/api/v1/runs/${started.runId}` });
});
