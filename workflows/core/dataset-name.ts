// What a dataset may be called, shared by the upload endpoint and the browser's upload dialog.

export const DATASET_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
export const DATASET_NAME_RULE = 'Dataset names use lowercase letters, digits, ".", "-" and "_", starting with a letter or digit';

/** Why `name` is not a dataset name, in words a person can act on; undefined when it is one. */
export function datasetNameProblem(name: string): string | undefined {
  if (name === '') return 'Give the dataset a name';
  if (name.length > 63) return `At most 63 characters (this one has ${name.length})`;
  if (/[A-Z]/.test(name)) return `Use lowercase letters: "${name.toLowerCase()}"`;
  if (/\s/.test(name)) return `No spaces: "${name.replace(/\s+/g, '-')}" would do`;
  if (!/^[a-z0-9]/.test(name)) return 'Start with a letter or a digit';
  const bad = [...new Set(name.replace(/[a-z0-9_.-]/g, ''))];
  if (bad.length > 0) return `Not allowed: ${bad.map((c) => `"${c}"`).join(' ')}. ${DATASET_NAME_RULE}`;
  return undefined;
}

/** A dataset name made from a file name: "Penguins 2024.csv" → "penguins-2024". */
export function datasetNameFromFile(fileName: string): string {
  return fileName
    .replace(/\.[^.]*$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 63);
}
