import { z } from 'zod';
import { defineStep, port } from '../../core/step';

export const URL_FORMATS = ['auto', 'csv', 'json', 'ndjson', 'parquet'] as const;

export default defineStep({
  type: 'ingest.url',
  category: 'ingest',
  // Reads the web: the same URL can answer different bytes.
  cacheable: false,
  title: 'Download from URL',
  summary: 'Fetch a CSV, JSON, NDJSON or Parquet file over HTTP(S) and register it as a dataset version.',
  help:
    'Downloads the file at the URL (following a few redirects), reads it exactly as an upload is read and registers it ' +
    'under the dataset name: new bytes make a new version, the same bytes reuse the version they made before. ' +
    'The format comes from the server\'s Content-Type or the file extension unless you pick one. ' +
    'For safety, addresses that are not public — this machine, private networks, link-local and cloud metadata ' +
    'addresses, however they are written and whatever a name resolves to — are refused unless the server\'s ' +
    'MILLRACE_INGEST_ALLOW_NETWORKS lists them.',
  inputs: {},
  outputs: { table: port.table('Table') },
  params: z.object({
    url: z
      .string()
      .max(2000)
      .regex(/^https?:\/\/\S+$/i, 'An http:// or https:// URL')
      .meta({ title: 'URL' }),
    dataset: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'Dataset names use lowercase letters, digits, ".", "-" and "_", starting with a letter or digit')
      .meta({ title: 'Save as dataset', description: 'A new or existing dataset name' }),
    format: z.enum(URL_FORMATS).default('auto').meta({ title: 'Format' }),
    maxMegabytes: z.number().positive().max(4096).default(512).meta({ title: 'Size limit (MiB)', advanced: true }),
    maxRedirects: z.number().int().min(0).max(10).default(5).meta({ title: 'Redirects followed', advanced: true }),
  }),
  // The newest version registered under the name, when there is one: a download whose columns changed
  // then fails the run instead of surprising the steps after it.
  outputSchema: ({ params, dataset }) => {
    const found = dataset(params.dataset);
    return found && found !== 'missing' ? { table: found.columns } : {};
  },
});
