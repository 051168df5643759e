import { fitActivity } from '../kit/train';
import definition from './definition';

export default fitActivity(definition);
