import { z } from 'zod';

// The shapes of a table's preview page and column statistics in the OpenAPI document, shared by dataset
// versions and run outputs (both read a Parquet file through server/infra/table-preview.ts).

export const tableColumn = z.object({ name: z.string(), type: z.string() });

/** A page of rows: the fields besides what names the table. */
export const previewPageFields = {
  totalRows: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  columns: z.array(tableColumn),
  rows: z.array(z.record(z.string(), z.unknown())).describe('JSON values: big integers, decimals, dates and times as strings'),
};

/** Per-column statistics: the fields besides what names the table. */
export const columnStatsFields = {
  rows: z.number().int(),
  columns: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      nulls: z.number().int(),
      distinct: z.number().int(),
      min: z.union([z.string(), z.number()]).nullable(),
      max: z.union([z.string(), z.number()]).nullable(),
      histogram: z.array(z.object({ label: z.string(), count: z.number().int() })).describe('Numeric: 10 equal-width bins; otherwise the 10 most frequent values'),
    }),
  ),
};

export const intQuery = (name: string, description: string) => ({ name, in: 'query', required: false, schema: { type: 'integer', minimum: 0 }, description });
