import { implement } from '../kit/implement';
import { learnImpute, runLearnedTransform } from '../kit/learned-transform';
import definition from './definition';

export default implement(definition, ({ params, inputs, ctx }) =>
  runLearnedTransform(inputs, ctx, (file, schema) => learnImpute(file, schema, params.columns)),
);
