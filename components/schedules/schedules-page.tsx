'use client';

import { CalendarClock, ChevronRight, Webhook } from 'lucide-react';
import Link from 'next/link';
import { Card, CardContent, CardHeader, CardTitle } from '../ui/card';
import { ScheduleForm } from './schedule-form';
import { ScheduleTable } from './schedule-table';
import { TriggerForm, TriggerList } from './trigger-panel';

/** Every pipeline's schedules and triggers: next and last run, paused or not, who changed what. */
export function SchedulesOverview() {
  return (
    <main className="mx-auto w-full max-w-6xl space-y-5 px-6 py-7">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-fg">Schedules and triggers</h1>
        <p className="mt-0.5 text-sm text-fg-muted">
          Every pipeline&apos;s schedules, as Temporal runs them, and the events that start pipelines. Open a pipeline to add one.
        </p>
      </div>
      <Card aria-labelledby="all-schedules">
        <CardHeader>
          <CardTitle id="all-schedules">
            <CalendarClock aria-hidden />
            Schedules
          </CardTitle>
        </CardHeader>
        <ScheduleTable />
      </Card>
      <Card aria-labelledby="all-triggers">
        <CardHeader>
          <CardTitle id="all-triggers">
            <Webhook aria-hidden />
            Triggers
          </CardTitle>
        </CardHeader>
        <TriggerList />
      </Card>
    </main>
  );
}

/** One pipeline's schedules and triggers, with the forms that add them. */
export function PipelineSchedules({ pipeline }: { pipeline: string }) {
  return (
    <main className="mx-auto w-full max-w-6xl space-y-5 px-6 py-6">
      <nav aria-label="Breadcrumb" className="flex items-center gap-1 text-xs text-fg-muted">
        <Link href="/schedules" className="hover:text-fg hover:underline">
          Schedules
        </Link>
        <ChevronRight aria-hidden className="size-3.5" />
        <Link href={`/pipelines/${pipeline}`} className="hover:text-fg hover:underline">
          {pipeline}
        </Link>
      </nav>
      <h1 className="text-xl font-semibold tracking-tight text-fg">Schedules and triggers of {pipeline}</h1>
      <div className="grid gap-5 lg:grid-cols-[minmax(0,1.3fr)_minmax(0,1fr)]">
        <Card aria-labelledby="pipeline-schedules">
          <CardHeader>
            <CardTitle id="pipeline-schedules">
              <CalendarClock aria-hidden />
              Schedules
            </CardTitle>
          </CardHeader>
          <ScheduleTable pipeline={pipeline} />
        </Card>
        <Card aria-labelledby="new-schedule">
          <CardHeader>
            <CardTitle id="new-schedule">New schedule</CardTitle>
          </CardHeader>
          <CardContent>
            <ScheduleForm pipeline={pipeline} />
          </CardContent>
        </Card>
        <Card aria-labelledby="pipeline-triggers">
          <CardHeader>
            <CardTitle id="pipeline-triggers">
              <Webhook aria-hidden />
              Triggers
            </CardTitle>
          </CardHeader>
          <TriggerList pipeline={pipeline} />
        </Card>
        <Card aria-labelledby="new-trigger">
          <CardHeader>
            <CardTitle id="new-trigger">New trigger</CardTitle>
          </CardHeader>
          <CardContent>
            <TriggerForm pipeline={pipeline} />
          </CardContent>
        </Card>
      </div>
    </main>
  );
}
