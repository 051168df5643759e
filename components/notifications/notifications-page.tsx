'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Bell, Webhook } from 'lucide-react';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '../trpc';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, CardHeader, CardTitle } from '../ui/card';
import { cn } from '../ui/cn';
import { formatDateTime, formatRelative } from '../ui/format';
import { EmptyState, ErrorState, LoadingRows } from '../ui/states';

// Notifications (run failed or succeeded, approval needed, monitoring alerts), the webhooks that relay them and the log
// of every delivery attempt.

const EVENTS = [
  { value: 'run.failed', label: 'Run failed' },
  { value: 'run.succeeded', label: 'Run succeeded' },
  { value: 'approval.needed', label: 'Approval needed' },
  { value: 'monitor.alert', label: 'Monitoring alert' },
] as const;
type EventName = (typeof EVENTS)[number]['value'];
const eventLabel = (e: string) => EVENTS.find((x) => x.value === e)?.label ?? e;

const th = 'px-4 py-2 text-left text-xs font-medium text-fg-muted';
const td = 'px-4 py-2 align-top';
const field = 'h-8 rounded-md border border-line bg-surface px-2 text-sm text-fg';

export function NotificationsPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.notifications.list.queryOptions(undefined, { refetchInterval: 5000 }));
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.notifications.pathKey() });
  const markRead = useMutation(trpc.notifications.markRead.mutationOptions({ onSuccess: invalidate }));
  const unread = (list.data ?? []).filter((n) => !n.readAt).length;

  return (
    <main className="mx-auto w-full max-w-7xl space-y-5 px-6 py-7">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold tracking-tight text-fg">Notifications</h1>
          <p className="mt-0.5 text-sm text-fg-muted">Failed and succeeded runs and steps waiting for approval; webhooks relay them elsewhere.</p>
        </div>
        <Button disabled={unread === 0 || markRead.isPending} onClick={() => markRead.mutate({})}>
          Mark all read
        </Button>
      </div>

      <Card aria-labelledby="notifications-title">
        <CardHeader>
          <CardTitle id="notifications-title">
            <Bell aria-hidden />
            Inbox{unread ? ` (${unread} unread)` : ''}
          </CardTitle>
        </CardHeader>
        {list.isPending ? (
          <div className="p-5">
            <LoadingRows label="Loading notifications" />
          </div>
        ) : list.isError ? (
          <div className="p-5">
            <ErrorState title="Could not load notifications" message={list.error.message} />
          </div>
        ) : list.data.length === 0 ? (
          <EmptyState icon={<Bell />} title="Nothing yet">A run that fails or succeeds shows up here.</EmptyState>
        ) : (
          <ul aria-label="Notifications" className="divide-y divide-line">
            {list.data.map((n) => (
              <li key={n.id} className={cn('flex items-start gap-3 px-5 py-3 text-sm', !n.readAt && 'bg-accent/5')}>
                <Badge tone={n.event === 'run.failed' ? 'bad' : n.event === 'run.succeeded' ? 'ok' : 'warn'}>{eventLabel(n.event)}</Badge>
                <div className="min-w-0 flex-1">
                  <p className={cn('text-fg', !n.readAt && 'font-semibold')}>
                    {n.runId ? (
                      <Link href={`/runs/${n.runId}`} className="hover:underline">
                        {n.title}
                      </Link>
                    ) : (
                      n.title
                    )}
                    {!n.readAt && <span className="sr-only"> (unread)</span>}
                  </p>
                  {n.message && <p className="mt-0.5 break-words text-fg-muted">{n.message}</p>}
                </div>
                <span className="text-xs whitespace-nowrap text-fg-muted" title={formatDateTime(n.createdAt)}>
                  {formatRelative(n.createdAt)}
                </span>
                {!n.readAt && (
                  <Button size="sm" variant="ghost" aria-label={`Mark read: ${n.title}`} onClick={() => markRead.mutate({ ids: [n.id] })}>
                    Mark read
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Webhooks />
      <Deliveries />
    </main>
  );
}

function Webhooks() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const hooks = useQuery(trpc.notifications.webhooks.queryOptions());
  const pipelines = useQuery(trpc.pipelines.list.queryOptions());
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.notifications.pathKey() });
  const create = useMutation(trpc.notifications.createWebhook.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.notifications.deleteWebhook.mutationOptions({ onSuccess: invalidate }));
  const [url, setUrl] = useState('');
  const [pipeline, setPipeline] = useState('');
  const [events, setEvents] = useState<EventName[]>(['run.failed']);
  const [signed, setSigned] = useState(false);
  // The signing secret is in the create answer only: shown until the next webhook is added.
  const [secret, setSecret] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSecret(null);
    create.mutate(
      { url, events, pipeline: pipeline || undefined, signed },
      {
        onSuccess: (made) => {
          setUrl('');
          setSecret(made.signingSecret ?? null);
        },
      },
    );
  };

  return (
    <Card aria-labelledby="webhooks-title">
      <CardHeader>
        <CardTitle id="webhooks-title">
          <Webhook aria-hidden />
          Webhooks
        </CardTitle>
      </CardHeader>
      <form aria-label="Add a webhook" onSubmit={submit} className="flex flex-wrap items-end gap-3 border-b border-line px-5 py-4">
        <label className="flex min-w-72 flex-1 flex-col gap-1 text-xs text-fg-muted">
          Webhook URL
          <input type="url" required className={field} value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://hooks.slack.com/services/…" />
        </label>
        <label className="flex flex-col gap-1 text-xs text-fg-muted">
          For
          <select className={field} value={pipeline} onChange={(e) => setPipeline(e.target.value)}>
            <option value="">Every pipeline</option>
            {(pipelines.data ?? []).map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="flex items-center gap-3 text-sm">
          <legend className="sr-only">Events</legend>
          {EVENTS.map((ev) => (
            <label key={ev.value} className="flex items-center gap-1.5">
              <input
                type="checkbox"
                checked={events.includes(ev.value)}
                onChange={(e) => setEvents((s) => (e.target.checked ? [...s, ev.value] : s.filter((x) => x !== ev.value)))}
              />
              {ev.label}
            </label>
          ))}
        </fieldset>
        <label className="flex items-center gap-1.5 text-sm">
          <input type="checkbox" checked={signed} onChange={(e) => setSigned(e.target.checked)} />
          Sign deliveries
        </label>
        <Button type="submit" variant="primary" disabled={!url || events.length === 0 || create.isPending}>
          Add webhook
        </Button>
        {create.isError && <p role="alert" className="basis-full text-sm text-bad-strong">{create.error.message}</p>}
        {secret && (
          <p role="status" className="basis-full text-sm">
            Signing secret, shown only now (deliveries carry <code>X-Millrace-Signature: t=…,v1=…</code>):{' '}
            <code aria-label="Signing secret" className="font-mono break-all">{secret}</code>
          </p>
        )}
      </form>
      {hooks.isPending ? (
        <div className="p-5">
          <LoadingRows label="Loading webhooks" rows={1} />
        </div>
      ) : hooks.isError ? (
        <div className="p-5">
          <ErrorState title="Could not load webhooks" message={hooks.error.message} />
        </div>
      ) : hooks.data.length === 0 ? (
        <EmptyState title="No webhooks">Add one above to have notifications POSTed to Slack or any other receiver.</EmptyState>
      ) : (
        <table className="w-full text-sm" aria-label="Webhooks">
          <thead>
            <tr className="border-b border-line">
              <th scope="col" className={th}>URL</th>
              <th scope="col" className={th}>For</th>
              <th scope="col" className={th}>Events</th>
              <th scope="col" className={th}>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {hooks.data.map((h) => (
              <tr key={h.id} className="border-b border-line last:border-0">
                <td className={`${td} font-mono text-xs break-all`}>
                  {h.url}
                  {h.signed && <span className="ml-2 font-sans text-fg-muted">signed</span>}
                </td>
                <td className={td}>{h.pipeline ?? 'Every pipeline'}</td>
                <td className={td}>{h.events.map(eventLabel).join(', ')}</td>
                <td className={`${td} text-right`}>
                  <Button size="sm" variant="danger" aria-label={`Remove webhook ${h.url}`} onClick={() => remove.mutate({ id: h.id })}>
                    Remove
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function Deliveries() {
  const trpc = useTRPC();
  const log = useQuery(trpc.notifications.deliveries.queryOptions(undefined, { refetchInterval: 5000 }));
  return (
    <Card aria-labelledby="deliveries-title">
      <CardHeader>
        <CardTitle id="deliveries-title">Delivery log</CardTitle>
      </CardHeader>
      {log.isPending ? (
        <div className="p-5">
          <LoadingRows label="Loading deliveries" rows={1} />
        </div>
      ) : log.isError ? (
        <div className="p-5">
          <ErrorState title="Could not load the delivery log" message={log.error.message} />
        </div>
      ) : log.data.length === 0 ? (
        <EmptyState title="No deliveries yet" />
      ) : (
        <table className="w-full text-sm" aria-label="Webhook deliveries">
          <thead>
            <tr className="border-b border-line">
              {['Event', 'URL', 'Status', 'Attempts', 'Last HTTP status', 'Last error', 'When'].map((h) => (
                <th key={h} scope="col" className={th}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {log.data.map((d) => (
              <tr key={d.id} className="border-b border-line last:border-0">
                <td className={td}>{eventLabel(d.event)}</td>
                <td className={`${td} max-w-60 font-mono text-xs break-all`}>{d.url}</td>
                <td className={td}>
                  <Badge tone={d.status === 'delivered' ? 'ok' : d.status === 'failed' ? 'bad' : 'neutral'}>{d.status}</Badge>
                  {d.status === 'pending' && d.attempts > 0 && (
                    <span className="ml-2 text-xs text-fg-muted">retry {formatRelative(d.nextAttemptAt)}</span>
                  )}
                </td>
                <td className={`${td} tabular-nums`}>{d.attempts}</td>
                <td className={`${td} tabular-nums`}>{d.lastStatusCode ?? '—'}</td>
                <td className={`${td} max-w-72 text-xs break-words text-fg-muted`}>{d.lastError ?? '—'}</td>
                <td className={`${td} text-xs whitespace-nowrap text-fg-muted`}>{formatRelative(d.deliveredAt ?? d.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
