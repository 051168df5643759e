import { z } from 'zod';
import { defineStep, port } from '../../core/step';

export default defineStep({
  type: 'validate.evaluate',
  category: 'validate',
  title: 'Evaluate',
  summary: 'Score a model on a held-out table and compute metrics.',
  help:
    'Scores every row of the table with the model (ONNX runtime) and compares with the true target. ' +
    'Classification: accuracy, macro precision, recall and F1, confusion matrix. Regression: RMSE, MAE, R².',
  inputs: { model: port.model('Model'), table: port.table('Test table') },
  outputs: { metrics: port.metrics('Metrics') },
  params: z.object({}),
});
