import { getTableColumns } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { predictionLogs } from '../../db/schema';
import { LOG_COLUMNS } from '../../server/services/prediction-log';

describe('the prediction log writer', () => {
  it('writes every column of prediction_logs but its id, with the column’s own type', () => {
    const table = Object.values(getTableColumns(predictionLogs)).filter((c) => c.name !== 'id');
    expect(Object.keys(LOG_COLUMNS).sort()).toEqual(table.map((c) => c.name).sort());
    const sqlType = (t: string) => (t === 'timestamp with time zone' ? 'timestamptz' : t);
    for (const c of table) expect(LOG_COLUMNS[c.name as keyof typeof LOG_COLUMNS].type, c.name).toBe(sqlType(c.getSQLType()));
  });
});
