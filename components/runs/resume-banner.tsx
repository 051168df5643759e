import { Wrench } from 'lucide-react';
import Link from 'next/link';

/** The editor in fix-and-resume mode: says what saving and running will do. */
export function ResumeBanner({ runId }: { runId: string }) {
  return (
    <div role="note" aria-label="Fix and resume" className="flex items-center gap-2 border-b border-warn/40 bg-warn-soft px-4 py-2 text-xs text-warn-strong">
      <Wrench aria-hidden className="size-3.5 shrink-0" />
      <span>
        Fixing run{' '}
        <Link href={`/runs/${runId}`} className="font-mono underline">
          {runId.slice(0, 8)}
        </Link>
        : change the failing step, then <strong>Save and resume</strong>. Steps that succeeded and are unchanged are reused, not run again.
      </span>
    </div>
  );
}
