'use client';

import { ChevronRight, Plus, Trash2, X } from 'lucide-react';
import { createContext, useContext, useId, useState, type ReactNode } from 'react';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import type { TableSchema } from '../../workflows/core/table-schema';
import { defaultItem, fieldTitle, propertyShown, rangeHint, schemaType, type JsonSchema } from './json-schema';
import { SqlEditor } from './sql-field';
import { isParameterReference, parameterValueText, type ParameterDeclaration } from '../../workflows/core/parameters';
import { UploadDatasetButton } from '../datasets/upload-dialog';

// A form generated from a step's parameter schema. Values go straight into the node's params;
// the compiler (run on every change) supplies the error messages, keyed by parameter path.

export interface ParamsFormContext {
  /** Columns of the table feeding this step, when known. */
  columns?: string[];
  /** Column name → its type (e.g. DOUBLE, VARCHAR), as the compiler propagated it. */
  columnTypes?: Record<string, string>;
  columnsSource?: string;
  /** The schema reaching each table input, for column widgets that name their port (e.g. a join's right key). */
  inputSchemas?: Record<string, { name: string; type: string }[]>;
  datasets: { name: string; rows: number; latestVersion: number }[];
  endpoints: string[];
  /** Suggestions for free-text fields, keyed by property name (e.g. gate metrics). */
  suggestions: Record<string, string[]>;
  /** Compiler messages keyed by path, e.g. "params.rules.0.value". */
  errors: ReadonlyMap<string, string[]>;
  /** SQL problems keyed by path, with where in the text they are when known (for editor markers). */
  sqlProblems?: ReadonlyMap<string, { message: string; position?: number }[]>;
  /** The pipeline's parameters a field can be bound to (`{ "$param": name }`). */
  pipelineParameters?: readonly ParameterDeclaration[];
}

const FormContext = createContext<ParamsFormContext>({ datasets: [], endpoints: [], suggestions: {}, errors: new Map() });

const inputClass =
  'h-8 w-full min-w-0 rounded-md border bg-surface px-2.5 text-sm text-fg shadow-xs placeholder:text-fg-subtle focus:border-accent focus:ring-2 focus:ring-accent/20 focus:outline-none';

function inputBorder(invalid: boolean) {
  return invalid ? 'border-bad' : 'border-line-strong';
}

type Setter = (value: unknown) => void;

/** The form context as seen by a column widget: its own port's columns when it names one. */
function columnsFor(ctx: ParamsFormContext, schema: JsonSchema): ParamsFormContext {
  const schemaOfPort = schema.of ? ctx.inputSchemas?.[schema.of] : undefined;
  if (!schemaOfPort) return ctx;
  return {
    ...ctx,
    columns: schemaOfPort.map((c) => c.name),
    columnTypes: Object.fromEntries(schemaOfPort.map((c) => [c.name, c.type])),
    columnsSource: `the ${schema.of} input`,
  };
}

/** "rules.1.value is required" under the Value field reads better as "Required". */
function inFieldMessage(message: string): string {
  return /^[\w.]+ is required$/.test(message) ? 'Required' : message;
}

function withKey(record: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const next = { ...record };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

export function ParamsForm({
  schema,
  value,
  onChange,
  context,
}: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange: (params: Record<string, unknown>) => void;
  context: ParamsFormContext;
}) {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return <p className="text-sm text-fg-muted">This step has no parameters.</p>;
  const required = new Set(schema.required ?? []);
  const field = ([key, prop]: [string, JsonSchema]) => (
    <Field
      key={key}
      name={key}
      path={`params.${key}`}
      schema={prop}
      required={required.has(key)}
      value={value[key]}
      onChange={(v) => onChange(withKey(value, key, v))}
    />
  );
  const advanced = properties.filter(([, prop]) => prop.advanced === true);
  return (
    <FormContext.Provider value={context}>
      <div className="space-y-4">
        {properties.filter(([, prop]) => prop.advanced !== true).map(field)}
        {advanced.length > 0 && (
          <AdvancedSettings keys={advanced.map(([key]) => key)} errors={context.errors}>
            {advanced.map(field)}
          </AdvancedSettings>
        )}
      </div>
    </FormContext.Provider>
  );
}

/** Parameters most people leave alone, folded away; it opens by itself when one of them has a problem. */
function AdvancedSettings({ keys, errors, children }: { keys: string[]; errors: ReadonlyMap<string, string[]>; children: ReactNode }) {
  const id = `advanced-${useId().replace(/:/g, '')}`;
  const problems = [...errors.keys()].filter((path) => keys.some((k) => path === `params.${k}` || path.startsWith(`params.${k}.`))).length;
  const [open, setOpen] = useState(problems > 0);
  return (
    <div className="border-t border-line pt-3">
      <div className="flex items-center gap-2">
        <button
          type="button"
          aria-expanded={open}
          aria-controls={id}
          onClick={() => setOpen(!open)}
          className="-ml-1 inline-flex items-center gap-1 rounded px-1 py-0.5 text-xs font-medium text-fg-muted hover:bg-subtle hover:text-fg"
        >
          <ChevronRight aria-hidden className={cn('size-3.5 transition-transform', open && 'rotate-90')} />
          Advanced settings
        </button>
        {!open && (
          <span className={cn('text-[11px]', problems > 0 ? 'font-medium text-bad-strong' : 'text-fg-subtle')}>
            {problems > 0 ? `${problems} ${problems === 1 ? 'problem' : 'problems'}` : `${keys.length} ${keys.length === 1 ? 'setting' : 'settings'}`}
          </span>
        )}
      </div>
      <div id={id} hidden={!open} className="mt-3 space-y-4">
        {open && children}
      </div>
    </div>
  );
}

interface FieldProps {
  name: string;
  path: string;
  schema: JsonSchema;
  required: boolean;
  value: unknown;
  onChange: Setter;
  compact?: boolean;
  /** The "use pipeline parameter" control, shown in the field's header. */
  binding?: ReactNode;
}

function Field(props: FieldProps) {
  const { schema } = props;
  const type = schemaType(schema);
  if (type === 'array' && schemaType(schema.items ?? {}) === 'object') return <ObjectListField {...props} />;
  if (type === 'array' && schema.widget === 'columns') return <ColumnsField {...props} />;
  if (schema.widget === 'sql' || schema.widget === 'sql-expression') return <SqlField {...props} />;
  return <BindableField {...props} />;
}

/** A single value that can also stand for a pipeline parameter: the field, or the binding, and the control that switches. */
function BindableField(props: FieldProps) {
  const ctx = useContext(FormContext);
  const declared = ctx.pipelineParameters ?? [];
  const bound = isParameterReference(props.value) ? props.value.$param : undefined;
  if (declared.length === 0 && bound === undefined) return <ScalarField {...props} />;
  const title = fieldTitle(props.name, props.schema);
  const binding = (
    <select
      aria-label={`Use pipeline parameter for ${title}`}
      title="Use pipeline parameter"
      value={bound ?? ''}
      onChange={(e) => props.onChange(e.target.value ? { $param: e.target.value } : undefined)}
      className="h-6 max-w-full rounded border border-line bg-surface px-1 text-[11px] text-fg-muted"
    >
      <option value="">{bound === undefined ? 'Use parameter…' : 'No parameter'}</option>
      {bound !== undefined && !declared.some((p) => p.name === bound) && <option value={bound}>{bound} (not declared)</option>}
      {declared.map((p) => (
        <option key={p.name} value={p.name}>
          {p.name}
        </option>
      ))}
    </select>
  );
  return bound === undefined ? (
    <ScalarField {...props} binding={binding} />
  ) : (
    <BoundValue {...props} binding={binding} parameter={declared.find((p) => p.name === bound)} bound={bound} />
  );
}

/** A field bound to a pipeline parameter: which one, and the value it has by default. */
function BoundValue({ name, path, schema, required, compact, bound, parameter, binding }: FieldProps & { bound: string; parameter?: ParameterDeclaration }) {
  const ctx = useContext(FormContext);
  const id = `field-${useId().replace(/:/g, '')}`;
  const errors = ctx.errors.get(path) ?? [];
  return (
    <FieldShell id={id} title={fieldTitle(name, schema)} required={required} errors={errors} compact={compact} extra={binding}>
      <output
        id={id}
        aria-describedby={errors.length ? `${id}-err` : undefined}
        className={cn('flex h-8 items-center gap-1.5 rounded-md border border-dashed bg-accent-soft px-2.5 text-sm text-accent-strong', inputBorder(errors.length > 0))}
      >
        <span className="truncate font-mono text-[13px] whitespace-nowrap">= {bound}</span>
        {parameter?.default !== undefined && !compact && (
          <span className="truncate text-xs text-fg-muted">default {parameterValueText(parameter.default)}</span>
        )}
      </output>
    </FieldShell>
  );
}

function FieldShell({
  id,
  title,
  required,
  description,
  errors,
  onClear,
  compact,
  extra,
  children,
}: {
  id: string;
  title: string;
  required: boolean;
  description?: string;
  errors: string[];
  onClear?: () => void;
  compact?: boolean;
  extra?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="min-w-0">
      <div className="mb-1 flex items-center gap-2">
        <label htmlFor={id} className="text-xs font-medium text-fg">
          {title}
        </label>
        {!required && !compact && <span className="text-[11px] text-fg-subtle">optional</span>}
        {onClear && (
          <button
            type="button"
            onClick={onClear}
            aria-label={`Clear ${title}`}
            className="ml-auto inline-flex items-center gap-0.5 rounded px-1 text-[11px] text-fg-muted hover:bg-subtle hover:text-fg"
          >
            <X aria-hidden className="size-3" />
            Clear
          </button>
        )}
        {extra && !compact && <span className={onClear ? '' : 'ml-auto'}>{extra}</span>}
      </div>
      {children}
      {/* A list item's fields sit side by side: the control goes under the field, not beside its label. */}
      {extra && compact && <div className="mt-1">{extra}</div>}
      {description && !compact && (
        <p id={`${id}-desc`} className="mt-1 text-xs text-fg-muted">
          {description}
        </p>
      )}
      {errors.length > 0 && (
        <p id={`${id}-err`} className="mt-1 text-xs font-medium text-bad-strong">
          {errors.map(inFieldMessage).join(' · ')}
        </p>
      )}
    </div>
  );
}

function describedBy(id: string, description: string | undefined, errors: string[], compact?: boolean) {
  return [description && !compact ? `${id}-desc` : '', errors.length ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
}

function ScalarField({ name, path, schema, required, value, onChange, compact, binding }: FieldProps) {
  const ctx = columnsFor(useContext(FormContext), schema);
  const id = `field-${useId().replace(/:/g, '')}`;
  const title = fieldTitle(name, schema);
  const errors = ctx.errors.get(path) ?? [];
  const invalid = errors.length > 0;
  const type = schemaType(schema);
  const range = type === 'number' || type === 'integer' ? rangeHint(schema) : undefined;
  const description = [schema.description, range && `Between ${range}`.replace('Between ≥', 'At least ').replace('Between ≤', 'At most ')]
    .filter(Boolean)
    .join('. ');
  const canClear = !required && !compact && value !== undefined && schema.widget !== 'dataset';
  const aria = {
    id,
    'aria-invalid': invalid || undefined,
    'aria-describedby': describedBy(id, description || undefined, errors, compact),
    // A list item has no room for descriptions under its fields: they show on hover and are read out.
    title: compact && description ? description : undefined,
  };
  const placeholder = schema.default !== undefined ? `Default: ${String(schema.default)}` : required ? 'Required' : 'Empty';

  let control: ReactNode;
  if (schema.enum) {
    const current = value ?? schema.default ?? '';
    control = (
      <select
        {...aria}
        value={String(current)}
        onChange={(e) => {
          const picked = schema.enum!.find((option) => String(option) === e.target.value);
          onChange(e.target.value === '' ? undefined : picked);
        }}
        className={cn(inputClass, inputBorder(invalid), 'pr-1 pl-2')}
      >
        {schema.default === undefined && <option value="">{required ? 'Choose…' : '—'}</option>}
        {schema.enum.map((option) => (
          <option key={String(option)} value={String(option)}>
            {String(option)}
          </option>
        ))}
      </select>
    );
  } else if (schema.widget === 'dataset') {
    const current = typeof value === 'string' ? value : '';
    const known = ctx.datasets.some((d) => d.name === current);
    control = (
      <div className="flex gap-1.5">
      <select
        {...aria}
        value={current}
        onChange={(e) => onChange(e.target.value || undefined)}
        className={cn(inputClass, inputBorder(invalid), 'min-w-0 flex-1 pr-1 pl-2')}
      >
        <option value="">{ctx.datasets.length ? 'Choose a dataset…' : 'No datasets yet'}</option>
        {current && !known && <option value={current}>{current} (not found)</option>}
        {ctx.datasets.map((d) => (
          <option key={d.name} value={d.name}>
            {d.name} · v{d.latestVersion} · {d.rows.toLocaleString('en')} rows
          </option>
        ))}
      </select>
      <UploadDatasetButton label="Upload…" size="sm" onUploaded={(v) => onChange(v.name)} />
      </div>
    );
  } else if (type === 'number' || type === 'integer') {
    control = (
      <NumberInput
        {...aria}
        value={value}
        integer={type === 'integer'}
        placeholder={placeholder}
        className={cn(inputClass, inputBorder(invalid), 'tabular-nums')}
        onChange={onChange}
      />
    );
  } else if (type === 'boolean') {
    control = (
      <input
        {...aria}
        type="checkbox"
        checked={Boolean(value ?? schema.default)}
        onChange={(e) => onChange(e.target.checked)}
        className="size-4 accent-accent"
      />
    );
  } else {
    const options =
      schema.widget === 'column' ? ctx.columns : schema.widget === 'endpoint' ? ctx.endpoints : ctx.suggestions[name];
    const listId = options?.length ? `${id}-options` : undefined;
    control = (
      <>
        <input
          {...aria}
          type="text"
          list={listId}
          value={typeof value === 'string' ? value : value === undefined ? '' : String(value)}
          placeholder={
            schema.widget === 'column'
              ? // In a list item the description is not shown; an optional column's says what leaving it empty does.
                compact && !required && schema.description
                ? schema.description
                : options?.length
                  ? 'Pick or type a column'
                  : 'Column name'
              : placeholder
          }
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
          className={cn(inputClass, inputBorder(invalid))}
        />
        {listId && (
          <datalist id={listId}>
            {options!.map((o) => (
              <option key={o} value={o} label={schema.widget === 'column' && ctx.columnTypes?.[o] ? `${o} · ${ctx.columnTypes[o]}` : undefined} />
            ))}
          </datalist>
        )}
      </>
    );
  }

  const columnsNote =
    schema.widget === 'column' && !compact
      ? ctx.columns?.length
        ? `Columns of ${ctx.columnsSource ?? 'the input table'}`
        : 'Connect a table upstream to pick from its columns'
      : undefined;

  return (
    <FieldShell
      id={id}
      title={title}
      required={required}
      description={[description, columnsNote].filter(Boolean).join('. ') || undefined}
      errors={errors}
      onClear={canClear ? () => onChange(undefined) : undefined}
      compact={compact}
      extra={binding}
    >
      {control}
    </FieldShell>
  );
}

function SqlField({ name, path, schema, required, value, onChange }: FieldProps) {
  const ctx = useContext(FormContext);
  const id = `field-${useId().replace(/:/g, '')}`;
  const title = fieldTitle(name, schema);
  const errors = ctx.errors.get(path) ?? [];
  const query = schema.widget === 'sql';
  const tables: Record<string, TableSchema> = ctx.inputSchemas ?? {};
  // An expression sees the columns of the step's first table input.
  const firstTable = Object.entries(tables)[0];
  const visible = query ? tables : firstTable ? { [firstTable[0]]: firstTable[1] } : {};
  const known = Object.keys(visible);
  const note = known.length
    ? query
      ? `Tables: ${known.join(', ')}. Ctrl+Space lists them and their columns`
      : 'Ctrl+Space lists the columns'
    : 'Connect a table upstream to get its columns as suggestions';
  const description = [schema.description, note].filter(Boolean).join('. ');
  return (
    <FieldShell
      id={id}
      title={title}
      required={required}
      description={description}
      errors={errors}
      onClear={!required && value !== undefined ? () => onChange(undefined) : undefined}
    >
      {/* "nokey": keys typed here are text, never the canvas's shortcuts (Delete removes the step, Space pans). */}
      <div id={id} role="group" aria-label={title} className={cn('nokey overflow-hidden rounded-md border', inputBorder(errors.length > 0))}>
        <SqlEditor
          label={title}
          value={typeof value === 'string' ? value : value === undefined ? String(schema.default ?? '') : String(value)}
          // Emptied: back to "not set" unless that would bring the default text back under the cursor.
          onChange={(text) => onChange(text === '' && !required && schema.default === undefined ? undefined : text)}
          mode={query ? 'query' : 'expression'}
          tables={visible}
          problems={ctx.sqlProblems?.get(path) ?? []}
          invalid={errors.length > 0}
          describedBy={describedBy(id, description, errors)}
        />
      </div>
    </FieldShell>
  );
}

/** Keeps what the person typed ("0.", "1e") while handing numbers, or the raw text, to the params. */
function NumberInput({
  value,
  integer,
  onChange,
  ...rest
}: {
  value: unknown;
  integer: boolean;
  onChange: Setter;
  id: string;
  placeholder: string;
  className: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
  title?: string;
}) {
  // The typed text stays while it still means the current value; a change from outside replaces it.
  const [draft, setDraft] = useState<{ text: string; value: unknown }>({ text: '', value: undefined });
  const text = Object.is(draft.value, value) && draft.text !== '' ? draft.text : value === undefined ? '' : String(value);
  return (
    <input
      {...rest}
      type="text"
      inputMode={integer ? 'numeric' : 'decimal'}
      autoComplete="off"
      value={text}
      onChange={(e) => {
        const typed = e.target.value;
        const trimmed = typed.trim();
        const parsed = trimmed === '' ? undefined : Number(trimmed);
        const next = parsed === undefined ? undefined : Number.isFinite(parsed) ? parsed : trimmed;
        setDraft({ text: typed, value: next });
        onChange(next);
      }}
    />
  );
}

function ColumnsField({ name, path, schema, required, value, onChange }: FieldProps) {
  const ctx = columnsFor(useContext(FormContext), schema);
  const id = `field-${useId().replace(/:/g, '')}`;
  const title = fieldTitle(name, schema);
  const errors = ctx.errors.get(path) ?? [];
  const picked = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  const set = (next: string[]) => onChange(next.length === 0 && !required ? undefined : next);

  if (!ctx.columns?.length) {
    return (
      <FieldShell
        id={id}
        title={title}
        required={required}
        description={[schema.description, 'Comma-separated column names'].filter(Boolean).join('. ')}
        errors={errors}
        onClear={!required && value !== undefined ? () => onChange(undefined) : undefined}
      >
        <input
          id={id}
          type="text"
          value={picked.join(', ')}
          placeholder="e.g. Beak Length (mm), Island"
          aria-invalid={errors.length > 0 || undefined}
          onChange={(e) =>
            set(
              e.target.value
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            )
          }
          className={cn(inputClass, inputBorder(errors.length > 0))}
        />
      </FieldShell>
    );
  }

  const columns = [...new Set([...ctx.columns, ...picked])];
  return (
    <fieldset className="min-w-0">
      <legend className="mb-1 flex w-full items-center gap-2 text-xs font-medium text-fg">
        {title}
        {!required && <span className="text-[11px] font-normal text-fg-subtle">optional</span>}
        {picked.length > 0 && (
          <button
            type="button"
            onClick={() => set([])}
            aria-label={`Clear ${title}`}
            className="ml-auto inline-flex items-center gap-0.5 rounded px-1 text-[11px] font-normal text-fg-muted hover:bg-subtle hover:text-fg"
          >
            <X aria-hidden className="size-3" />
            Clear
          </button>
        )}
      </legend>
      <div className="flex flex-wrap gap-1.5">
        {columns.map((column) => {
          const on = picked.includes(column);
          return (
            <label
              key={column}
              className={cn(
                'inline-flex cursor-pointer items-center gap-1.5 rounded-full border px-2 py-0.5 text-xs has-focus-visible:ring-2 has-focus-visible:ring-accent/40',
                on ? 'border-accent bg-accent-soft text-accent-strong' : 'border-line text-fg-muted hover:bg-subtle',
              )}
            >
              <input
                type="checkbox"
                checked={on}
                onChange={() => set(on ? picked.filter((c) => c !== column) : [...picked, column])}
                className="sr-only"
              />
              {column}
              {ctx.columnTypes?.[column] && <span className="text-[10px] text-fg-subtle">{ctx.columnTypes[column]}</span>}
            </label>
          );
        })}
      </div>
      {schema.description && <p className="mt-1 text-xs text-fg-muted">{schema.description}</p>}
      {errors.length > 0 && <p className="mt-1 text-xs font-medium text-bad-strong">{errors.join(' · ')}</p>}
    </fieldset>
  );
}

function ObjectListField({ name, path, schema, required, value, onChange }: FieldProps) {
  const ctx = useContext(FormContext);
  const title = fieldTitle(name, schema);
  const itemSchema = schema.items ?? {};
  const itemTitle = title.replace(/s$/, '');
  // Unset, the list is its default: show that, so what the step will do is what the form says.
  const items = Array.isArray(value) ? (value as unknown[]) : Array.isArray(schema.default) ? (schema.default as unknown[]) : [];
  const errors = ctx.errors.get(path) ?? [];
  const itemRequired = new Set(itemSchema.required ?? []);
  const itemProps = Object.entries(itemSchema.properties ?? {});

  const setItem = (index: number, item: unknown) => onChange(items.map((it, i) => (i === index ? item : it)));
  const remove = (index: number) => {
    const next = items.filter((_, i) => i !== index);
    onChange(next.length === 0 && !required ? undefined : next);
  };

  return (
    <fieldset className="min-w-0">
      <legend className="mb-1.5 flex w-full items-center gap-2 text-xs font-medium text-fg">
        {title}
        {!required && <span className="text-[11px] font-normal text-fg-subtle">optional</span>}
      </legend>
      <div className="space-y-2">
        {items.map((item, index) => {
          const record = item && typeof item === 'object' ? (item as Record<string, unknown>) : {};
          const shown = itemProps.filter(([key, prop]) => record[key] !== undefined || propertyShown(prop, record, itemSchema.properties ?? {}));
          return (
            <fieldset key={index} className="rounded-lg border border-line bg-app/60 p-2.5">
              <legend className="sr-only">
                {itemTitle} {index + 1}
              </legend>
              <div className="mb-1.5 flex items-center justify-between">
                <span aria-hidden className="text-[11px] font-semibold tracking-wide text-fg-subtle uppercase">
                  {itemTitle} {index + 1}
                </span>
                <Button variant="ghost" size="icon" className="size-6" aria-label={`Remove ${itemTitle.toLowerCase()} ${index + 1}`} onClick={() => remove(index)}>
                  <Trash2 aria-hidden />
                </Button>
              </div>
              {/* Two columns fit the inspector; with an odd count the first field (usually the column or metric) gets a row of its own. */}
              <div className="grid grid-cols-2 gap-2">
                {shown.map(([key, prop], i) => (
                  <div key={key} className={cn('min-w-0', i === 0 && shown.length % 2 === 1 && 'col-span-2')}>
                    <Field
                      name={key}
                      path={`${path}.${index}.${key}`}
                      schema={prop}
                      required={itemRequired.has(key)}
                      value={record[key]}
                      onChange={(v) => setItem(index, withKey(record, key, v))}
                      compact
                    />
                  </div>
                ))}
              </div>
            </fieldset>
          );
        })}
      </div>
      {items.length === 0 && <p className="mb-2 text-xs text-fg-muted">No {title.toLowerCase()} yet.</p>}
      <Button size="sm" className="mt-2" onClick={() => onChange([...items, defaultItem(itemSchema)])}>
        <Plus aria-hidden />
        Add {itemTitle.toLowerCase()}
      </Button>
      {errors.length > 0 && <p className="mt-1 text-xs font-medium text-bad-strong">{errors.join(' · ')}</p>}
    </fieldset>
  );
}
