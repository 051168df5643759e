import { z } from 'zod';
import { defineStep, port } from '../../core/step';

export const EXPORT_FORMATS = {
  parquet: { extension: 'parquet', mediaType: 'application/vnd.apache.parquet' },
  csv: { extension: 'csv', mediaType: 'text/csv; charset=utf-8' },
} as const;
export type ExportFormat = keyof typeof EXPORT_FORMATS;

export default defineStep({
  type: 'export.file',
  category: 'export',
  // Its file is downloaded through its own run and step, so each run writes its own.
  cacheable: false,
  title: 'Export file',
  summary: 'Write a table as a Parquet or CSV file to download from the run page.',
  help:
    'Writes the input table, unchanged, as Parquet or as CSV (UTF-8, comma-separated, a header row, text quoted where ' +
    'needed, empty fields for missing values). The run page links the file for download; scripts fetch it from ' +
    'GET /api/v1/runs/{runId}/steps/{nodeId}/file.',
  inputs: { table: port.table('Table') },
  outputs: { file: port.report('File') },
  params: z.object({
    format: z.enum(['parquet', 'csv']).default('csv').meta({ title: 'Format' }),
    fileName: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._()-]*$/u, 'Letters, digits, spaces and . _ - ( ) only, starting with a letter or digit')
      .default('export')
      .meta({ title: 'File name', description: 'Without the extension; .csv or .parquet is added' }),
  }),
});
