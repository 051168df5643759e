// The slice of JSON Schema the catalog's parameter schemas use (zod → JSON Schema), plus Millrace's
// `widget` hint. Enough to render a form; validation itself stays with the compiler.

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  pattern?: string;
  minItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  widget?: 'column' | 'columns' | 'dataset' | 'endpoint' | 'sql' | 'sql-expression';
  /** For column widgets: the input port whose table the columns come from (default: the first table input). */
  of?: string;
  /** Folded into the form's "Advanced settings" section. */
  advanced?: boolean;
  /** In a list item: shown only while a sibling property has one of these values (e.g. a constant for "constant"). */
  shownWhen?: Record<string, unknown[]>;
}

/** Whether a list item's property applies to the item as it stands; a property that holds a value always shows. */
export function propertyShown(prop: JsonSchema, item: Record<string, unknown>, siblings: Record<string, JsonSchema>): boolean {
  if (!prop.shownWhen) return true;
  return Object.entries(prop.shownWhen).every(([key, values]) => values.includes(item[key] ?? siblings[key]?.default));
}

export function schemaType(schema: JsonSchema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
}

/** "maxDepth" → "Max depth", for properties without a title. */
export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function fieldTitle(key: string, schema: JsonSchema): string {
  return schema.title ?? humanize(key);
}

/** A new array item: each property's default, nothing else (the compiler asks for the rest). */
export function defaultItem(schema: JsonSchema | undefined): unknown {
  if (!schema) return undefined;
  if (schemaType(schema) === 'object') {
    const item: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      if (prop.default !== undefined) item[key] = prop.default;
    }
    return item;
  }
  return schema.default;
}

export function rangeHint(schema: JsonSchema): string | undefined {
  const lo = schema.minimum ?? schema.exclusiveMinimum;
  const hi = schema.maximum ?? schema.exclusiveMaximum;
  const big = (n: number | undefined) => n !== undefined && Math.abs(n) >= 1e12;
  const loText = lo === undefined || big(lo) ? undefined : `${schema.exclusiveMinimum !== undefined ? '>' : '≥'} ${lo}`;
  const hiText = hi === undefined || big(hi) ? undefined : `${schema.exclusiveMaximum !== undefined ? '<' : '≤'} ${hi}`;
  if (loText && hiText) return `${loText} and ${hiText}`;
  return loText ?? hiText;
}
