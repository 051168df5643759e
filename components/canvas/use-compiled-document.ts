'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { compilePipeline, type DatasetLookup } from '../../workflows/core/compiler';
import { sqlRequestKey, type SqlDescription, type SqlRequest } from '../../workflows/core/sql';
import { catalog } from '../../workflows/steps/catalog';
import { useTRPC } from '../trpc';

/**
 * What the compiler thinks of a document (its canonical JSON without positions). Given the datasets'
 * schemas, the compiler also checks every column a parameter names. The steps' SQL is described by the
 * server (DuckDB); the compiler reports what it still needs, and the answers that come back make it
 * compile again.
 */
export function useCompiledDocument(semanticJson: string, datasetLookup: DatasetLookup | undefined) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [sqlAnswers, setSqlAnswers] = useState<ReadonlyMap<string, SqlDescription>>(() => new Map());
  const compiled = useMemo(
    () => compilePipeline(JSON.parse(semanticJson), catalog, { datasets: datasetLookup, sql: (key) => sqlAnswers.get(key) }),
    [semanticJson, datasetLookup, sqlAnswers],
  );
  const pendingSql = useDebounced(compiled.pendingSql, 300);
  // A request that failed (server unreachable) or an answer about the machine rather than the SQL (out
  // of time) is asked again a few seconds later, a few times; the SQL stays undescribed meanwhile.
  const [askAgain, setAskAgain] = useState(0);
  const attempts = useRef(new Map<string, number>());
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  useEffect(() => {
    if (pendingSql.length === 0) return;
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const later = (keys: string[], forget: boolean) => {
      const tries = keys.map((k) => (attempts.current.get(k) ?? 0) + 1);
      keys.forEach((k, i) => attempts.current.set(k, tries[i]!));
      if (Math.min(...tries) > 3) return;
      if (forget) {
        // Outlives this effect: storing the answer below changes what is pending.
        setTimeout(() => {
          if (!mounted.current) return;
          setSqlAnswers((known) => {
            const next = new Map(known);
            for (const k of keys) next.delete(k);
            return next;
          });
        }, 3000);
      } else timer = setTimeout(() => setAskAgain((n) => n + 1), 3000);
    };
    const requests = pendingSql.slice(0, 50);
    queryClient
      .fetchQuery(trpc.pipelines.describeSql.queryOptions({ requests }, { staleTime: Infinity, gcTime: 60_000, retry: 3 }))
      .then((answers) => {
        if (!current || answers.length === 0) return;
        setSqlAnswers((known) => {
          const next = new Map(known);
          for (const [key, answer] of answers) next.set(key, answer);
          // Keep the answers bounded: the oldest go first.
          while (next.size > 500) next.delete(next.keys().next().value!);
          return next;
        });
        const transient = answers.filter(([, a]) => !a.ok && a.transient).map(([key]) => key);
        if (transient.length > 0) {
          // The batch is remembered by the query cache: drop it so that asking again reaches the server.
          queryClient.removeQueries({ queryKey: trpc.pipelines.describeSql.queryKey({ requests }) });
          later(transient, true);
        }
      })
      .catch(() => {
        if (current) later(requests.map(sqlRequestKey), false);
      });
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [pendingSql, queryClient, trpc, askAgain]);
  return compiled;
}

/** The value once it has stopped changing for `ms` (compared by request keys, so equal lists do not restart the wait). */
function useDebounced(requests: SqlRequest[], ms: number): SqlRequest[] {
  const key = requests.map(sqlRequestKey).join('\n');
  // The compiler hands over a new array on every compile; only a change of what is asked restarts the wait.
  const latest = useRef(requests);
  useEffect(() => {
    latest.current = requests;
  });
  const [settled, setSettled] = useState<{ key: string; requests: SqlRequest[] }>({ key: '', requests: [] });
  useEffect(() => {
    if (key === settled.key) return;
    const timer = setTimeout(() => setSettled({ key, requests: latest.current }), key === '' ? 0 : ms);
    return () => clearTimeout(timer);
  }, [key, settled.key, ms]);
  return settled.requests;
}
