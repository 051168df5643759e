import { json } from '../../../../server/rest/http';
import { route } from '../../../../server/rest/route';
import { catalogManifest } from '../../../../workflows/steps/catalog';

// Dynamic so the answer carries its own x-request-id like every REST answer; building it is cheap.
export const dynamic = 'force-dynamic';

export const GET = route({ role: 'viewer' }, async () => json(catalogManifest()));
