// Every step type Millrace knows: one line per step folder. Isomorphic (the palette imports it).
export { default as ingestDataset } from './ingest.dataset/definition';
export { default as prepareSplit } from './prepare.split/definition';
export { default as trainRandomForest } from './train.random_forest/definition';
export { default as trainLinearRegression } from './train.linear_regression/definition';
export { default as trainLogisticRegression } from './train.logistic_regression/definition';
export { default as trainDecisionTree } from './train.decision_tree/definition';
export { default as trainGradientBoosting } from './train.gradient_boosting/definition';
export { default as trainKmeans } from './train.kmeans/definition';
export { default as trainTune } from './train.tune/definition';
export { default as validateEvaluate } from './validate.evaluate/definition';
export { default as validateGate } from './validate.gate/definition';
export { default as deployEndpoint } from './deploy.endpoint/definition';
