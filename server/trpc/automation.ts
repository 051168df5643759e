import { z } from 'zod';
import { PIPELINE_NAME } from '../../workflows/core/document';
import { backfillSchema, createScheduleSchema, SCHEDULE_NAME, updateScheduleSchema } from '../../workflows/core/schedule-spec';
import { createTriggerSchema } from '../../workflows/core/trigger-spec';
import {
  backfillSchedule,
  createSchedule,
  deleteSchedule,
  listSchedules,
  setSchedulePaused,
  triggerSchedule,
  updateSchedule,
} from '../services/schedules';
import { createTrigger, deleteTrigger, listTriggers, rotateTriggerToken, setTriggerEnabled } from '../services/triggers';
import { procedure, router } from './init';

// The UI's procedures for schedules and triggers; changes are recorded as made by the caller.

const pipeline = z.string().regex(PIPELINE_NAME, 'Not a pipeline name');
const scheduleRef = z.object({ pipeline, name: z.string().regex(SCHEDULE_NAME, 'Not a schedule name') });
const triggerId = z.uuid();

export const automationRouter = {
  schedules: router({
    list: procedure('viewer').input(z.object({ pipeline: pipeline.optional() }).optional()).query(({ input }) => listSchedules(input)),
    create: procedure('editor', 'schedule.changed')
      .input(z.object({ pipeline, schedule: createScheduleSchema }))
      .mutation(({ input, ctx }) => createSchedule(input.pipeline, input.schedule, ctx.caller.label)),
    update: procedure('editor', 'schedule.changed')
      .input(scheduleRef.extend({ change: updateScheduleSchema }))
      .mutation(({ input, ctx }) => updateSchedule(input.pipeline, input.name, input.change, ctx.caller.label)),
    setPaused: procedure('editor', 'schedule.changed')
      .input(scheduleRef.extend({ paused: z.boolean(), note: z.string().max(1000).optional() }))
      .mutation(({ input, ctx }) => setSchedulePaused(input.pipeline, input.name, input.paused, ctx.caller.label, input.note)),
    trigger: procedure('editor', 'run.started').input(scheduleRef).mutation(({ input, ctx }) => triggerSchedule(input.pipeline, input.name, ctx.caller.label)),
    backfill: procedure('editor', 'run.started')
      .input(scheduleRef.extend({ range: backfillSchema }))
      .mutation(({ input, ctx }) => backfillSchedule(input.pipeline, input.name, input.range, ctx.caller.label)),
    delete: procedure('editor', 'schedule.changed').input(scheduleRef).mutation(({ input }) => deleteSchedule(input.pipeline, input.name)),
  }),
  triggers: router({
    list: procedure('viewer').input(z.object({ pipeline: pipeline.optional() }).optional()).query(({ input }) => listTriggers(input)),
    /** A webhook's token is in this answer only. */
    create: procedure('editor', 'trigger.changed')
      .input(z.object({ pipeline, trigger: createTriggerSchema }))
      .mutation(({ input, ctx }) => createTrigger(input.pipeline, input.trigger, ctx.caller.label)),
    setEnabled: procedure('editor', 'trigger.changed')
      .input(z.object({ id: triggerId, enabled: z.boolean() }))
      .mutation(({ input, ctx }) => setTriggerEnabled(input.id, input.enabled, ctx.caller.label)),
    rotateToken: procedure('editor', 'trigger.changed').input(z.object({ id: triggerId })).mutation(({ input, ctx }) => rotateTriggerToken(input.id, ctx.caller.label)),
    delete: procedure('editor', 'trigger.changed').input(z.object({ id: triggerId })).mutation(({ input }) => deleteTrigger(input.id)),
  }),
};
