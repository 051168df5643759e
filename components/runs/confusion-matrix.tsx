import { useId } from 'react';

/** Rows are the true classes, columns the predicted ones; a cell's shade is its share of the row. */
export function ConfusionMatrix({ labels, matrix }: { labels: string[]; matrix: number[][] }) {
  const captionId = useId();
  return (
    <div className="overflow-x-auto">
      <p id={captionId} className="mb-1 text-[11px] text-fg-muted">
        Confusion matrix: rows are actual classes, columns predicted
      </p>
      <table aria-labelledby={captionId} className="border-separate border-spacing-0.5 text-xs">
        <thead>
          <tr>
            <th scope="col" className="px-2 py-1 text-left font-normal text-fg-subtle">
              <span className="sr-only">Actual \ predicted</span>
            </th>
            {labels.map((l) => (
              <th key={l} scope="col" className="max-w-28 truncate px-2 py-1 text-center font-medium text-fg-muted" title={l}>
                {l}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, i) => {
            const total = row.reduce((a, b) => a + b, 0) || 1;
            return (
              <tr key={i}>
                <th scope="row" className="max-w-32 truncate px-2 py-1 text-right font-medium text-fg-muted" title={labels[i]}>
                  {labels[i]}
                </th>
                {row.map((count, j) => {
                  const share = count / total;
                  const pct = Math.round(share * 85);
                  return (
                    <td
                      key={j}
                      title={`actual ${labels[i]}, predicted ${labels[j]}: ${count}`}
                      className="min-w-12 rounded px-2 py-1.5 text-center font-medium tabular-nums"
                      style={{
                        background: `color-mix(in oklch, ${i === j ? 'var(--color-ok)' : 'var(--color-bad)'} ${pct}%, var(--color-subtle))`,
                        color: share > 0.55 ? 'white' : 'var(--color-fg)',
                      }}
                    >
                      {count}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
