import type { StepType } from '../catalog';
import { recordRunStatus, recordStepOutcome } from './bookkeeping';
import { runDeployEndpoint } from './deploy-endpoint';
import type { StepActivity } from './implement';
import { runIngestDataset } from './ingest-dataset';
import { runPrepareSplit } from './prepare-split';
import { runTrainLinearRegression, runTrainLogisticRegression, runTrainRandomForest } from './train-model';
import { runValidateEvaluate } from './validate-evaluate';
import { runValidateGate } from './validate-gate';

/** One activity per step type, named by the type: a catalog entry without an implementation fails to compile. */
export const stepActivities = {
  'ingest.dataset': runIngestDataset,
  'prepare.split': runPrepareSplit,
  'train.random_forest': runTrainRandomForest,
  'train.linear_regression': runTrainLinearRegression,
  'train.logistic_regression': runTrainLogisticRegression,
  'validate.evaluate': runValidateEvaluate,
  'validate.gate': runValidateGate,
  'deploy.endpoint': runDeployEndpoint,
} satisfies Record<StepType, StepActivity>;

export const bookkeepingActivities = { recordRunStatus, recordStepOutcome };

export type StepActivities = typeof stepActivities;
export type BookkeepingActivities = typeof bookkeepingActivities;
