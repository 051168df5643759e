import { driftHistory, driftHistoryQuery } from '../services/drift-history';
import { procedure, router } from './init';

// The UI's procedures for monitoring.

export const monitoringRouter = {
  monitoring: router({
    driftHistory: procedure('viewer').input(driftHistoryQuery).query(({ input }) => driftHistory(input)),
  }),
};
