import { config } from '../../../server/infra/config';
import { datasetFormatOf, ingestDatasetUpload } from '../../../server/infra/dataset-ingest';
import { ServiceError } from '../../../server/infra/errors';
import { fetchUrl, parseNetwork } from '../../../server/infra/url-fetch';
import { implement } from '../kit/implement';
import { StepInputError } from '../kit/step-error';
import definition from './definition';

export default implement(definition, async ({ params, ctx }) => {
  const cfg = config();
  const maxBytes = Math.min(Math.round(params.maxMegabytes * 1024 ** 2), cfg.maxUploadBytes);
  const fetched = await fetchUrl(params.url, {
    allow: cfg.ingestAllowNetworks.map(parseNetwork),
    maxBytes,
    maxRedirects: params.maxRedirects,
    signal: ctx.signal,
  });
  const format = params.format !== 'auto' ? params.format : (datasetFormatOf(fetched.contentType) ?? datasetFormatOf(fetched.url.pathname));
  if (!format) {
    fetched.body.destroy();
    throw new StepInputError(
      `Cannot tell the format of ${fetched.url.toString()} (Content-Type ${fetched.contentType ?? 'missing'}, no .csv/.json/.ndjson/.parquet extension): pick one under "Format"`,
    );
  }
  ctx.progress(`downloading ${fetched.url.toString()} as ${format}`);
  const dv = await ingestDatasetUpload({ name: params.dataset, format, body: fetched.body, maxBytes }).catch((err: unknown) => {
    if (err instanceof ServiceError && err.code === 'too_large') {
      throw new StepInputError(`${fetched.url.toString()} is larger than the limit of ${Math.round(maxBytes / 1024 ** 2)} MiB`);
    }
    throw err;
  });
  ctx.progress(`${dv.created ? 'registered' : 'reused'} dataset ${dv.name} v${dv.version}: ${dv.rows} rows`);
  return {
    outputs: { table: { kind: 'table', hash: dv.artifactHash, meta: { rows: dv.rows, columns: dv.columns } } },
    summary: { url: fetched.url.toString(), format, dataset: dv.name, version: dv.version, newVersion: dv.created, rows: dv.rows, columns: dv.columns.length, warnings: dv.warnings },
  };
});
