import { handle, json, problem, type RouteParams } from '../../../../../server/rest/http';
import { ServiceError } from '../../../../../server/infra/errors';
import { getPipeline, savePipeline } from '../../../../../server/services/pipelines';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => json(await getPipeline((await params).name)));
}

/** Saves a millrace/v1 document; a document that does not compile is refused with node-addressed errors. */
export async function PUT(req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => {
    const { name } = await params;
    let doc: unknown;
    try {
      doc = JSON.parse(await req.text());
    } catch (err) {
      throw new ServiceError('invalid', `The body is not valid JSON: ${(err as Error).message}`);
    }
    const saved = await savePipeline(doc, { name });
    if (!saved.ok) return problem(422, `The pipeline has ${saved.errors.length} error(s)`, { errors: saved.errors });
    return json({ name: saved.name, version: saved.version, created: saved.created });
  });
}
