import { catalogManifest } from '../../../../workflows/steps/catalog';

export const dynamic = 'force-static';

export function GET() {
  return Response.json(catalogManifest());
}
