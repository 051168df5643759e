// The web side's Temporal client: the same one the infrastructure uses (server/infra/temporal.ts).
export { taskQueues, temporalClient } from './infra/temporal';
