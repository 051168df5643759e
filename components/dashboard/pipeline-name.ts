import { PIPELINE_NAME } from '../../workflows/core/document';

/** A name the rules allow, made from what was typed: lowercase, spaces and dots become "-", other characters go. */
export function suggestPipelineName(typed: string): string {
  return typed
    .trim()
    .toLowerCase()
    .replace(/[\s.]+/g, '-')
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[-_]+/, '')
    .slice(0, 63);
}

/** Why a typed name is not a pipeline name, in words; undefined when it is one. */
export function pipelineNameProblem(name: string): string | undefined {
  if (name === '' || PIPELINE_NAME.test(name)) return undefined;
  if (name.length > 63) return 'At most 63 characters.';
  if (/[A-Z]/.test(name)) return 'Use lowercase letters.';
  if (/\s/.test(name)) return 'No spaces: use "-" or "_" between words.';
  if (/^[-_]/.test(name)) return 'Start with a letter or a digit.';
  return 'Only lowercase letters, digits, "-" and "_".';
}
