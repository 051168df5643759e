import { z } from 'zod';
import { defineStep, port } from '../../core/step';

/** Metrics a comparison can rank by, with the direction that is better and the tasks that have them. */
export const RANKING_METRICS = {
  accuracy: { better: 'higher', task: 'classification', label: 'Accuracy' },
  f1_macro: { better: 'higher', task: 'classification', label: 'F1 (macro)' },
  precision_macro: { better: 'higher', task: 'classification', label: 'Precision (macro)' },
  recall_macro: { better: 'higher', task: 'classification', label: 'Recall (macro)' },
  roc_auc: { better: 'higher', task: 'classification', label: 'ROC AUC' },
  average_precision: { better: 'higher', task: 'classification', label: 'Average precision' },
  log_loss: { better: 'lower', task: 'classification', label: 'Log loss' },
  rmse: { better: 'lower', task: 'regression', label: 'RMSE' },
  mae: { better: 'lower', task: 'regression', label: 'MAE' },
  mape: { better: 'lower', task: 'regression', label: 'MAPE' },
  r2: { better: 'higher', task: 'regression', label: 'R²' },
  silhouette: { better: 'higher', task: 'clustering', label: 'Silhouette' },
} as const satisfies Record<string, { better: 'higher' | 'lower'; task: 'classification' | 'regression' | 'clustering'; label: string }>;
export type RankingMetric = keyof typeof RANKING_METRICS;

/** The metric "auto" means for each task. */
export const DEFAULT_METRIC: Record<'classification' | 'regression' | 'clustering', RankingMetric> = {
  classification: 'f1_macro',
  regression: 'rmse',
  clustering: 'silhouette',
};

export const MODEL_PORTS = ['model1', 'model2', 'model3', 'model4', 'model5', 'model6'] as const;

export default defineStep({
  type: 'validate.compare',
  category: 'validate',
  title: 'Compare models',
  summary: 'Score two or more models on one test table and pass on the best.',
  help:
    'Scores each connected model on the same test table (as Evaluate does) and shows their metrics side by side, as a ' +
    'table and a chart. The best model by the chosen metric goes out on the "best" port, ready for a deploy step; ties go ' +
    'to the model on the lower-numbered port. Lower is better for log loss, RMSE, MAE and MAPE, higher for the others. ' +
    '"auto" ranks by macro F1 for classification, RMSE for regression and the silhouette for clustering. The models ' +
    'must all solve the same task.',
  inputs: {
    table: port.table('Test table'),
    model1: port.model('Model 1'),
    model2: port.model('Model 2'),
    model3: port.model('Model 3', { optional: true }),
    model4: port.model('Model 4', { optional: true }),
    model5: port.model('Model 5', { optional: true }),
    model6: port.model('Model 6', { optional: true }),
  },
  outputs: { best: port.model('Best model'), metrics: port.metrics('Best metrics') },
  params: z.object({
    metric: z
      .enum(['auto', ...(Object.keys(RANKING_METRICS) as RankingMetric[])])
      .default('auto')
      .meta({ title: 'Rank by', description: 'The metric that picks the best model' }),
  }),
});
