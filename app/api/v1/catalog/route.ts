import { handle, json } from '../../../../server/rest/http';
import { catalogManifest } from '../../../../workflows/steps/catalog';

// Dynamic so the answer carries its own x-request-id like every REST answer; building it is cheap.
export const dynamic = 'force-dynamic';

export function GET() {
  return handle(async () => json(catalogManifest()));
}
