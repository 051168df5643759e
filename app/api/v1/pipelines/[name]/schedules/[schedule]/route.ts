import { readBody } from '../../../../../../../server/rest/automation';
import { json } from '../../../../../../../server/rest/http';
import { route } from '../../../../../../../server/rest/route';
import { deleteSchedule, getSchedule, updateSchedule } from '../../../../../../../server/services/schedules';
import { updateScheduleSchema } from '../../../../../../../workflows/core/schedule-spec';

export const dynamic = 'force-dynamic';

type Params = { name: string; schedule: string };

export const GET = route<Params>({ role: 'viewer' }, async (_req, { params }) => json(await getSchedule(params.name, params.schedule)));

export const PATCH = route<Params>({ role: 'editor', audit: 'schedule.changed' }, async (req, { params, caller }) =>
  json(await updateSchedule(params.name, params.schedule, await readBody(req, updateScheduleSchema), caller.label)),
);

export const DELETE = route<Params>({ role: 'editor', audit: 'schedule.changed' }, async (_req, { params }) => {
  await deleteSchedule(params.name, params.schedule);
  return new Response(null, { status: 204 });
});
