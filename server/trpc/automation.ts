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

// The UI's procedures for schedules and triggers. Until accounts exist, what the UI changes is
// recorded as changed by "ui".

const WHO = 'ui';
const pipeline = z.string().regex(PIPELINE_NAME, 'Not a pipeline name');
const scheduleRef = z.object({ pipeline, name: z.string().regex(SCHEDULE_NAME, 'Not a schedule name') });
const triggerId = z.uuid();

export const automationRouter = {
  schedules: router({
    list: procedure('viewer').input(z.object({ pipeline: pipeline.optional() }).optional()).query(({ input }) => listSchedules(input)),
    create: procedure('editor', 'schedule.changed')
      .input(z.object({ pipeline, schedule: createScheduleSchema }))
      .mutation(({ input }) => createSchedule(input.pipeline, input.schedule, WHO)),
    update: procedure('editor', 'schedule.changed')
      .input(scheduleRef.extend({ change: updateScheduleSchema }))
      .mutation(({ input }) => updateSchedule(input.pipeline, input.name, input.change, WHO)),
    setPaused: procedure('editor', 'schedule.changed')
      .input(scheduleRef.extend({ paused: z.boolean(), note: z.string().max(1000).optional() }))
      .mutation(({ input }) => setSchedulePaused(input.pipeline, input.name, input.paused, WHO, input.note)),
    trigger: procedure('editor', 'run.started').input(scheduleRef).mutation(({ input }) => triggerSchedule(input.pipeline, input.name, WHO)),
    backfill: procedure('editor', 'run.started')
      .input(scheduleRef.extend({ range: backfillSchema }))
      .mutation(({ input }) => backfillSchedule(input.pipeline, input.name, input.range, WHO)),
    delete: procedure('editor', 'schedule.changed').input(scheduleRef).mutation(({ input }) => deleteSchedule(input.pipeline, input.name)),
  }),
  triggers: router({
    list: procedure('viewer').input(z.object({ pipeline: pipeline.optional() }).optional()).query(({ input }) => listTriggers(input)),
    /** A webhook's token is in this answer only. */
    create: procedure('editor', 'trigger.changed')
      .input(z.object({ pipeline, trigger: createTriggerSchema }))
      .mutation(({ input }) => createTrigger(input.pipeline, input.trigger, WHO)),
    setEnabled: procedure('editor', 'trigger.changed')
      .input(z.object({ id: triggerId, enabled: z.boolean() }))
      .mutation(({ input }) => setTriggerEnabled(input.id, input.enabled, WHO)),
    rotateToken: procedure('editor', 'trigger.changed').input(z.object({ id: triggerId })).mutation(({ input }) => rotateTriggerToken(input.id, WHO)),
    delete: procedure('editor', 'trigger.changed').input(z.object({ id: triggerId })).mutation(({ input }) => deleteTrigger(input.id)),
  }),
};
