import { z } from 'zod';
import { ServiceError } from '../../../../../../../../server/infra/errors';
import { readBody, readOptionalJsonBody } from '../../../../../../../../server/rest/automation';
import { json } from '../../../../../../../../server/rest/http';
import { route } from '../../../../../../../../server/rest/route';
import { backfillSchedule, setSchedulePaused, triggerSchedule } from '../../../../../../../../server/services/schedules';
import { backfillSchema } from '../../../../../../../../workflows/core/schedule-spec';

export const dynamic = 'force-dynamic';

const noteBody = z.strictObject({ note: z.string().max(1000).optional() });

/** pause, resume, trigger ("run now") and backfill. */
export const POST = route<{ name: string; schedule: string; action: string }>(
  { role: 'editor', audit: 'schedule.changed' },
  async (req, { params: { name, schedule, action }, caller }) => {
    const who = caller.label;
    switch (action) {
      case 'pause':
      case 'resume': {
        const { note } = await readOptionalJsonBody(req, noteBody);
        return json(await setSchedulePaused(name, schedule, action === 'pause', who, note));
      }
      case 'trigger':
        await triggerSchedule(name, schedule, who);
        return json({ triggered: true }, 202);
      case 'backfill':
        await backfillSchedule(name, schedule, await readBody(req, backfillSchema), who);
        return json({ backfilling: true }, 202);
      default:
        throw new ServiceError('not_found', `No action "${action}" on a schedule: use pause, resume, trigger or backfill`);
    }
  },
);
