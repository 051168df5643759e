'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { FlaskConical } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import { useTRPC } from '../trpc';
import { Button } from '../ui/button';
import { Card, CardHeader, CardTitle } from '../ui/card';
import { formatNumber } from '../ui/format';
import { ErrorState } from '../ui/states';

// "Try it": one row typed in a form generated from the endpoint's feature schema, scored by production.

const field = 'h-8 w-full rounded-md border border-line bg-surface px-2 text-sm text-fg';

/** A typed value as the endpoint expects it: numbers for number columns, empty as missing. */
function valueOf(text: string, type: string | undefined): unknown {
  const t = text.trim();
  if (t === '') return null;
  if (type === 'number' || (type === undefined && /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(t))) return Number(t);
  return text;
}

export function TryIt({ name }: { name: string }) {
  const trpc = useTRPC();
  const schema = useQuery(trpc.endpoints.get.queryOptions({ name }));
  const predict = useMutation(trpc.endpoints.predict.mutationOptions());
  const [values, setValues] = useState<Record<string, string>>({});
  const baseId = useId();
  if (!schema.data) return null;
  const types = new Map(schema.data.features.map((f) => [f.name, f.type]));
  // With learned transforms the endpoint takes the raw columns; else the model's features.
  const columns = schema.data.requestColumns ?? schema.data.features.map((f) => f.name);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    predict.mutate({ name, row: Object.fromEntries(columns.map((c) => [c, valueOf(values[c] ?? '', types.get(c))])) });
  };
  const answer = predict.data;
  const probabilities = answer?.probabilities?.[0];

  return (
    <Card aria-labelledby={`${baseId}-title`} className="mt-6">
      <CardHeader>
        <CardTitle id={`${baseId}-title`}>
          <FlaskConical aria-hidden />
          Try it
        </CardTitle>
      </CardHeader>
      <form onSubmit={submit} className="grid grid-cols-2 gap-3 px-5 pb-5 pt-4 text-sm">
        {columns.map((c, i) => (
          <label key={c} htmlFor={`${baseId}-${i}`} className="flex flex-col gap-1">
            <span className="text-fg-muted">
              {c}
              {types.get(c) ? ` (${types.get(c)})` : ''}
            </span>
            <input
              id={`${baseId}-${i}`}
              className={field}
              type={types.get(c) === 'number' ? 'number' : 'text'}
              step="any"
              value={values[c] ?? ''}
              onChange={(e) => setValues({ ...values, [c]: e.target.value })}
            />
          </label>
        ))}
        <div className="col-span-2 flex items-center gap-3">
          <Button type="submit" variant="primary" disabled={predict.isPending}>
            Predict
          </Button>
          {answer && (
            <output aria-label="Prediction" className="text-fg">
              {schema.data.target}: <span className="font-medium">{String(answer.predictions[0])}</span> ({answer.model} v{answer.modelVersion})
              {probabilities && (
                <span className="ml-2 text-xs text-fg-muted">
                  {Object.entries(probabilities)
                    .map(([k, p]) => `${k} ${formatNumber(p)}`)
                    .join(' · ')}
                </span>
              )}
            </output>
          )}
        </div>
        {predict.isError && <ErrorState className="col-span-2" title="Not scored" message={predict.error.message} />}
      </form>
    </Card>
  );
}
