import path from 'node:path';
import { saveArtifact } from '../../../server/infra/artifact-store';
import { quoteLiteral, withDuckDb } from '../../../server/infra/duckdb';
import { implement } from '../kit/implement';
import { tablePath } from '../kit/table-io';
import definition, { EXPORT_FORMATS, type ExportFormat } from './definition';

/** Writes a Parquet table as the export format with DuckDB's COPY; returns the row count. */
export async function writeExport(source: string, target: string, format: ExportFormat): Promise<number> {
  const options = format === 'csv' ? `FORMAT csv, HEADER true, DELIMITER ','` : 'FORMAT parquet';
  return withDuckDb(async (conn) => {
    const r = await conn.runAndReadAll(`COPY (SELECT * FROM read_parquet(${quoteLiteral(source)})) TO ${quoteLiteral(target)} (${options})`);
    return Number(r.rowsChanged);
  });
}

export default implement(definition, async ({ params, inputs, ctx }) => {
  const { extension, mediaType } = EXPORT_FORMATS[params.format];
  const file = path.join(ctx.scratchDir, `export.${extension}`);
  const rows = await writeExport(await tablePath(inputs.table), file, params.format);
  const fileName = `${params.fileName}.${extension}`;
  const meta = { format: params.format, fileName, mediaType, rows };
  const stored = await saveArtifact(file, 'report', meta, { move: true, mediaType });
  ctx.progress(`wrote ${rows} rows to ${fileName}`);
  return {
    outputs: { file: { kind: 'report', hash: stored.hash, meta: { ...meta, sizeBytes: stored.sizeBytes } } },
    summary: { rows, download: { fileName, format: params.format, sizeBytes: stored.sizeBytes } },
  };
});
