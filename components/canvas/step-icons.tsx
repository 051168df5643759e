import {
  Activity,
  ArrowLeftRight,
  BellRing,
  Binary,
  ChartScatter,
  ChartSpline,
  Columns3,
  CopyMinus,
  Database,
  Dices,
  FileDown,
  Funnel,
  Gauge,
  GitFork,
  Globe,
  Group,
  Library,
  ListChecks,
  Merge,
  Play,
  PaintBucket,
  Rocket,
  Ruler,
  Scale,
  Sheet,
  ShieldCheck,
  SlidersHorizontal,
  Split,
  SquareFunction,
  SquareTerminal,
  Target,
  Trees,
  TrendingUp,
  UserCheck,
  Waves,
  Zap,
  type LucideIcon,
} from 'lucide-react';
import { createElement } from 'react';
import { categoryLook, fallbackCategory } from './port-style';

// One icon per step type, shown beside its title in the palette, on canvas nodes and in the inspector.
// A type not listed here (a new step) shows its category's icon.
const STEP_ICONS: Readonly<Record<string, LucideIcon>> = {
  'ingest.dataset': Database,
  'ingest.sample': Library,
  'ingest.url': Globe,
  'validate.data': ListChecks,
  'prepare.select': Columns3,
  'prepare.filter': Funnel,
  'prepare.impute': PaintBucket,
  'prepare.encode': Binary,
  'prepare.scale': Ruler,
  'prepare.derive': SquareFunction,
  'prepare.sql': SquareTerminal,
  'prepare.join': Merge,
  'prepare.aggregate': Group,
  'prepare.dedupe': CopyMinus,
  'prepare.sample': Dices,
  'prepare.cast': ArrowLeftRight,
  'prepare.split': Split,
  'train.linear_regression': TrendingUp,
  'train.logistic_regression': ChartSpline,
  'train.decision_tree': GitFork,
  'train.random_forest': Trees,
  'train.gradient_boosting': Zap,
  'train.kmeans': ChartScatter,
  'train.tune': SlidersHorizontal,
  'validate.evaluate': Gauge,
  'validate.compare': Scale,
  'validate.gate': ShieldCheck,
  'deploy.endpoint': Rocket,
  'deploy.batch_score': Sheet,
  'export.file': FileDown,
  'control.approval': UserCheck,
  'monitor.drift': Waves,
  'control.trigger_pipeline': Play,
  'monitor.endpoint_traffic': Activity,
  'monitor.alert': BellRing,
  'monitor.performance': Target,
};

/** The icon of a step type, else of its category (the category part of the type when it is not known). */
export function stepIcon(stepType: string, category?: string): LucideIcon {
  if (Object.hasOwn(STEP_ICONS, stepType)) return STEP_ICONS[stepType]!;
  const look = categoryLook[category ?? stepType.split('.')[0]!];
  return look?.icon ?? fallbackCategory.icon;
}

/** The step types that have an icon of their own. */
export const iconTypes: readonly string[] = Object.keys(STEP_ICONS);

/** A step type's icon: decorative, since the step's title is always shown beside it. */
export function StepIcon({ stepType, category, className }: { stepType: string; category?: string; className?: string }) {
  return createElement(stepIcon(stepType, category), { 'aria-hidden': true, className });
}
