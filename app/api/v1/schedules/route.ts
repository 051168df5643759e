import { handle, json } from '../../../../server/rest/http';
import { listSchedules } from '../../../../server/services/schedules';
import { listTriggers } from '../../../../server/services/triggers';

export const dynamic = 'force-dynamic';

/** Every pipeline's schedules and triggers. */
export async function GET() {
  return handle(async () => {
    const [schedules, triggers] = await Promise.all([listSchedules(), listTriggers()]);
    return json({ schedules, triggers });
  });
}
