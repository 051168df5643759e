import { json } from '../../../../server/rest/http';
import { openApiDocument } from '../../../../server/rest/openapi';
import { route } from '../../../../server/rest/route';

// Dynamic so the answer carries its own x-request-id like every REST answer; building it is cheap.
export const dynamic = 'force-dynamic';

export const GET = route({ public: 'the API description: what each route takes and which credential it needs, no data' }, async () =>
  json(openApiDocument()),
);
