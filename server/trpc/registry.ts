import { z } from 'zod';
import { datasetNameSchema } from '../services/datasets';
import { datasetPreviewQuery, datasetVersionRef, datasetVersionStats, listDatasetVersions, previewDatasetVersion, setLatestDatasetVersion } from '../services/dataset-versions';
import { aliasHistoryQuery, modelAliasHistory, moveAliasInput, moveModelAlias } from '../services/model-aliases';
import { getRegisteredModel, getRegisteredModelVersion, listRegisteredModels, modelNameSchema, modelsTrainedOn, modelVersionRef } from '../services/model-versions';
import { procedure, router } from './init';

// The UI's procedures for the model registry and dataset versions; changes are recorded as made by the caller.


export const registryRouter = {
  models: router({
    list: procedure('viewer').query(() => listRegisteredModels()),
    get: procedure('viewer').input(z.object({ name: modelNameSchema })).query(({ input }) => getRegisteredModel(input.name)),
    version: procedure('viewer').input(modelVersionRef).query(({ input }) => getRegisteredModelVersion(input.name, input.version)),
    aliasHistory: procedure('viewer').input(aliasHistoryQuery).query(({ input }) => modelAliasHistory(input)),
    moveAlias: procedure('deployer', 'model.promoted').input(moveAliasInput).mutation(({ input, ctx }) => moveModelAlias(input, ctx.caller.label)),
  }),
  datasetVersions: router({
    list: procedure('viewer').input(z.object({ name: datasetNameSchema })).query(({ input }) => listDatasetVersions(input.name)),
    preview: procedure('viewer').input(datasetPreviewQuery).query(({ input }) => previewDatasetVersion(input)),
    stats: procedure('viewer').input(datasetVersionRef).query(({ input }) => datasetVersionStats(input.name, input.version)),
    /** Model versions trained on the dataset version. */
    models: procedure('viewer').input(datasetVersionRef).query(({ input }) => modelsTrainedOn(input.name, input.version)),
    setLatest: procedure('editor', 'dataset.version_set').input(datasetVersionRef).mutation(({ input }) => setLatestDatasetVersion(input.name, input.version)),
  }),
};
