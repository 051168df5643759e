import { describe, expect, it } from 'vitest';
import { pipelineNameProblem, suggestPipelineName } from '../../components/dashboard/pipeline-name';
import { PIPELINE_NAME } from '../../workflows/core/document';

describe('the new pipeline name box', () => {
  it('says what is wrong with a typed name instead of changing it silently', () => {
    expect(pipelineNameProblem('churn-model')).toBeUndefined();
    expect(pipelineNameProblem('Churn')).toBe('Use lowercase letters.');
    expect(pipelineNameProblem('churn model')).toBe('No spaces: use "-" or "_" between words.');
    expect(pipelineNameProblem('-churn')).toBe('Start with a letter or a digit.');
    expect(pipelineNameProblem('churn!')).toBe('Only lowercase letters, digits, "-" and "_".');
    expect(pipelineNameProblem('a'.repeat(64))).toBe('At most 63 characters.');
  });

  it('offers a name the rules allow', () => {
    for (const [typed, suggested] of [
      ['My Pipe', 'my-pipe'],
      ['  Churn  model v2.1 ', 'churn-model-v2-1'],
      ['__Über!', 'ber'],
    ]) {
      expect(suggestPipelineName(typed!)).toBe(suggested);
      expect(PIPELINE_NAME.test(suggested!)).toBe(true);
    }
  });
});
