/** The aliases a model version can carry; each names at most one version of a model. */
export const MODEL_ALIASES = ['staging', 'production', 'archived'] as const;
export type ModelAlias = (typeof MODEL_ALIASES)[number];
