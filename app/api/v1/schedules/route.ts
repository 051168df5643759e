import { json } from '../../../../server/rest/http';
import { route } from '../../../../server/rest/route';
import { listSchedules } from '../../../../server/services/schedules';
import { listTriggers } from '../../../../server/services/triggers';

export const dynamic = 'force-dynamic';

/** Every pipeline's schedules and triggers. */
export const GET = route({ role: 'viewer' }, async () => {
  const [schedules, triggers] = await Promise.all([listSchedules(), listTriggers()]);
  return json({ schedules, triggers });
});
