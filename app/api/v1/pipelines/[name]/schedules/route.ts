import { readBody } from '../../../../../../server/rest/automation';
import { json } from '../../../../../../server/rest/http';
import { route } from '../../../../../../server/rest/route';
import { createSchedule, listSchedules } from '../../../../../../server/services/schedules';
import { createScheduleSchema } from '../../../../../../workflows/core/schedule-spec';

export const dynamic = 'force-dynamic';

export const GET = route<{ name: string }>({ role: 'viewer' }, async (_req, { params }) => json({ schedules: await listSchedules({ pipeline: params.name }) }));

export const POST = route<{ name: string }>({ role: 'editor', audit: 'schedule.changed' }, async (req, { params: { name }, caller }) => {
  const body = await readBody(req, createScheduleSchema);
  const schedule = await createSchedule(name, body, caller.label);
  return json(schedule, 201, { location: `/api/v1/pipelines/${name}/schedules/${schedule.name}` });
});
