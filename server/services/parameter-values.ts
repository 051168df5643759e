import { resolveParameterValues } from '../../workflows/core/parameters';
import { ServiceError } from '../infra/errors';
import { getPipelineVersionRow } from '../infra/pipeline-store';

// The parameter values a schedule or trigger will pass, checked when it is saved against the pipeline's
// newest version, so a wrong value is refused then rather than found out by each firing.

/**
 * Refuses unknown names, values of the wrong type and parameters left without a value or default.
 * `fromPayload`: parameters a webhook takes from its payload (they may lack a fixed value, but must exist).
 */
export async function checkParameterValues(pipeline: string, values: Readonly<Record<string, unknown>>, fromPayload: readonly string[] = []): Promise<void> {
  const declarations = (await getPipelineVersionRow(pipeline)).document.parameters ?? [];
  const messages = resolveParameterValues(declarations, values, true)
    .issues.filter((i) => !(i.code === 'missing_parameter_value' && fromPayload.includes(i.name)))
    .map((i) => i.message);
  for (const name of fromPayload) {
    if (!declarations.some((d) => d.name === name)) messages.push(`The pipeline has no parameter "${name}" to take from the payload`);
  }
  if (messages.length > 0) throw new ServiceError('invalid', messages.join('; '));
}
