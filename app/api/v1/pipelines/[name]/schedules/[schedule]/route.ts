import { actorOf, readBody } from '../../../../../../../server/rest/automation';
import { handle, json, type RouteParams } from '../../../../../../../server/rest/http';
import { deleteSchedule, getSchedule, updateSchedule } from '../../../../../../../server/services/schedules';
import { updateScheduleSchema } from '../../../../../../../workflows/core/schedule-spec';

export const dynamic = 'force-dynamic';

type Params = RouteParams<{ name: string; schedule: string }>;

export async function GET(_req: Request, { params }: Params) {
  return handle(async () => {
    const { name, schedule } = await params;
    return json(await getSchedule(name, schedule));
  });
}

export async function PATCH(req: Request, { params }: Params) {
  return handle(async () => {
    const { name, schedule } = await params;
    return json(await updateSchedule(name, schedule, await readBody(req, updateScheduleSchema), actorOf(req)));
  });
}

export async function DELETE(_req: Request, { params }: Params) {
  return handle(async () => {
    const { name, schedule } = await params;
    await deleteSchedule(name, schedule);
    return new Response(null, { status: 204 });
  });
}
