import { json, problem } from '../../../../../../server/rest/http';
import { route } from '../../../../../../server/rest/route';
import { IDEMPOTENCY_KEY, startRunBody } from '../../../../../../server/rest/schemas';
import { ServiceError } from '../../../../../../server/infra/errors';
import { listRuns, startRun } from '../../../../../../server/services/runs';

export const dynamic = 'force-dynamic';

export const GET = route<{ name: string }>({ role: 'viewer' }, async (_req, { params }) => json({ runs: await listRuns({ pipeline: params.name }) }));

/**
 * Starts a run of the newest version (or `{"version": N}`), with `{"params": {...}}` for the pipeline's
 * parameters. With an `Idempotency-Key` header, the same key and body answer the run the first request
 * started (200), and the same key with another body 422.
 */
export const POST = route<{ name: string }>(
  { role: 'editor', audit: 'run.started' },
  async (req, { params: { name } }) => {
    const key = req.headers.get('idempotency-key') ?? undefined;
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new ServiceError('invalid', 'The Idempotency-Key header must be 1 to 200 visible ASCII characters (a UUID is a good choice)');
    }
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
    const started = await startRun(name, { version: body.version, trigger: 'api', params: body.params, idempotencyKey: key, ignoreCache: body.ignoreCache, upTo: body.upTo });
    if (!started.ok) {
      return problem(422, `Version ${started.version} of "${name}" cannot run: ${started.errors[0]!.message}`, { errors: started.errors });
    }
    return json({ runId: started.runId, version: started.version }, started.existing ? 200 : 202, {
      location: `/api/v1/runs/${started.runId}`,
    });
  },
  // startRun bounds its own waits: its answer must say whether a run was recorded (202) or not (503).
  { patienceMs: null },
);
