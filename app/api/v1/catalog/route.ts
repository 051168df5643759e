import { catalogManifest } from '../../../../workflows/catalog';

export const dynamic = 'force-static';

export function GET() {
  return Response.json(catalogManifest());
}
