import { z } from 'zod';
import { defineStep, port } from '../../core/step';

export default defineStep({
  type: 'validate.evaluate',
  category: 'validate',
  title: 'Evaluate',
  summary: 'Score a model on a held-out table and compute metrics.',
  help:
    'Scores every row of the table with the model (ONNX runtime) and compares with the true target. ' +
    'Classification: accuracy, precision, recall and F1 (macro and per class), confusion matrix, and from the class ' +
    'probabilities ROC AUC, average precision and log loss (binary: the second class is the positive one; multiclass: ' +
    'one-vs-rest macro averages), with ROC and precision–recall curves. Regression: RMSE, MAE, R², MAPE (a fraction) ' +
    'and a residual plot. Clustering: rows per cluster and the silhouette, computed on the standardised number ' +
    'features of up to 2,000 evenly spaced rows. Metrics match scikit-learn’s functions.',
  inputs: { model: port.model('Model'), table: port.table('Test table') },
  outputs: { metrics: port.metrics('Metrics') },
  params: z.object({}),
});
