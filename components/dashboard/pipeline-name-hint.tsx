import Link from 'next/link';
import { PIPELINE_NAME } from '../../workflows/core/document';
import { cn } from '../ui/cn';

/** Why a typed pipeline name is refused (with a valid one to use instead), or that it is taken. */
export function PipelineNameHint({
  name,
  problem,
  suggestion,
  taken,
  onUse,
  bubble = false,
}: {
  name: string;
  problem?: string;
  suggestion?: string;
  taken: boolean;
  onUse: (name: string) => void;
  /** Drawn as a floating note (under the dashboard's name box) rather than a line of text. */
  bubble?: boolean;
}) {
  const look = bubble ? 'rounded-md border border-line bg-surface px-2 py-1 shadow-sm' : undefined;
  return (
    <>
      {problem && (
        <p className={cn(look, 'text-bad-strong')}>
          {problem}{' '}
          {suggestion && PIPELINE_NAME.test(suggestion) && (
            <button type="button" className="font-medium text-accent-strong underline" onClick={() => onUse(suggestion)}>
              Use “{suggestion}”
            </button>
          )}
        </p>
      )}
      {taken && (
        <p className={cn(look, 'text-warn-strong')}>
          A pipeline named “{name}” exists.{' '}
          <Link href={`/pipelines/${name}`} className="font-medium text-accent-strong underline">
            Open it
          </Link>{' '}
          or choose another name.
        </p>
      )}
    </>
  );
}
