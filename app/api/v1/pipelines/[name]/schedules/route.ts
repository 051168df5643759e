import { actorOf, readBody } from '../../../../../../server/rest/automation';
import { handle, json, type RouteParams } from '../../../../../../server/rest/http';
import { createSchedule, listSchedules } from '../../../../../../server/services/schedules';
import { createScheduleSchema } from '../../../../../../workflows/core/schedule-spec';

export const dynamic = 'force-dynamic';

export async function GET(_req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => json({ schedules: await listSchedules({ pipeline: (await params).name }) }));
}

export async function POST(req: Request, { params }: RouteParams<{ name: string }>) {
  return handle(async () => {
    const { name } = await params;
    const body = await readBody(req, createScheduleSchema);
    const schedule = await createSchedule(name, body, actorOf(req));
    return json(schedule, 201, { location: `/api/v1/pipelines/${name}/schedules/${schedule.name}` });
  });
}
