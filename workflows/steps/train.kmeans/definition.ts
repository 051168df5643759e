import { z } from 'zod';
import { defineFitStep, fitFeatureParams } from '../shared/fit-step';

export default defineFitStep({
  type: 'train.kmeans',
  title: 'K-means clustering',
  summary: 'Groups similar rows into k clusters; no target needed.',
  help:
    'Fits k-means (scikit-learn, k-means++ start, best of 10 runs) on standardised features. The model answers with the ' +
    'number of the nearest cluster centre (0 to k − 1) for each row.',
  algorithm: 'kmeans',
  task: () => 'clustering',
  params: z.object({
    ...fitFeatureParams,
    clusters: z.number().int().min(2).max(1000).default(3).meta({ title: 'Clusters (k)' }),
    maxIter: z.number().int().min(1).max(100000).default(300).meta({ title: 'Max iterations', advanced: true }),
    seed: z.number().int().min(0).default(0).meta({ title: 'Seed', advanced: true }),
  }),
});
