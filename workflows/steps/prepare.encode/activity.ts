import { implement } from '../kit/implement';
import { learnEncode, runLearnedTransform } from '../kit/learned-transform';
import definition from './definition';

export default implement(definition, ({ params, inputs, ctx }) =>
  runLearnedTransform(inputs, ctx, (file, schema) => learnEncode(file, schema, params.columns, params.method)),
);
