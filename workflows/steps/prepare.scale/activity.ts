import { implement } from '../kit/implement';
import { learnScale, runLearnedTransform } from '../kit/learned-transform';
import definition from './definition';

export default implement(definition, ({ params, inputs, ctx }) =>
  runLearnedTransform(inputs, ctx, (file, schema) => learnScale(file, schema, params.columns, params.method)),
);
