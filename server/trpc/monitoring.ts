import { driftHistory, driftHistoryQuery } from '../services/drift-history';
import { publicProcedure, router } from './init';

// The UI's procedures for monitoring.

export const monitoringRouter = {
  monitoring: router({
    driftHistory: publicProcedure.input(driftHistoryQuery).query(({ input }) => driftHistory(input)),
  }),
};
