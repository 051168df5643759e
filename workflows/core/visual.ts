import { z } from 'zod';

// Pictures a step may put in its summary for the run page to draw. Kept small by the steps that emit
// them (≤ 500 points, ≤ 50 rows); the run page checks the shape before drawing.

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const point = z.tuple([z.number(), z.number()]);

export const tableVisualSchema = z.object({
  $visual: z.literal('table'),
  title: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.array(cell)),
});

export const linesVisualSchema = z.object({
  $visual: z.literal('lines'),
  title: z.string(),
  x: z.string(),
  y: z.string(),
  series: z.array(z.object({ name: z.string(), points: z.array(point) })),
  /** A fixed y range (a share is 0 to 1), instead of one fitted to the points. */
  yDomain: z.tuple([z.number(), z.number()]).optional(),
});

export const scatterVisualSchema = z.object({
  $visual: z.literal('scatter'),
  title: z.string(),
  x: z.string(),
  y: z.string(),
  points: z.array(point),
});

export const barsVisualSchema = z.object({
  $visual: z.literal('bars'),
  title: z.string(),
  items: z.array(z.object({ label: z.string(), value: z.number(), values: z.array(z.number()).optional() })),
  /** Grouped bars: the names of each item's `values` (e.g. reference and current), drawn side by side. */
  series: z.array(z.string()).optional(),
});

export const visualSchema = z.discriminatedUnion('$visual', [tableVisualSchema, linesVisualSchema, scatterVisualSchema, barsVisualSchema]);

export type TableVisual = z.infer<typeof tableVisualSchema>;
export type LinesVisual = z.infer<typeof linesVisualSchema>;
export type ScatterVisual = z.infer<typeof scatterVisualSchema>;
export type BarsVisual = z.infer<typeof barsVisualSchema>;
export type Visual = z.infer<typeof visualSchema>;

/** A summary value that asks to be drawn (anything with a "$visual" key), parsed; undefined otherwise. */
export function asVisual(value: unknown): Visual | undefined {
  if (!value || typeof value !== 'object' || !('$visual' in value)) return undefined;
  const parsed = visualSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
