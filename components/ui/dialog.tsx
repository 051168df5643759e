'use client';

import { useEffect, useId, useRef, type ReactNode } from 'react';
import { cn } from './cn';

/**
 * A modal dialog on the browser's own <dialog> (focus kept inside, Escape closes, the page behind inert),
 * open while mounted: render it to open it, and unmount it in `onClose`. Title and description name it
 * for assistive technology.
 */
export function Dialog({
  title,
  description,
  onClose,
  children,
  footer,
  className,
}: {
  title: string;
  description?: ReactNode;
  onClose: () => void;
  children?: ReactNode;
  /** Buttons along the bottom; a button with `value` inside a `method="dialog"` form closes it. */
  footer?: ReactNode;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      aria-describedby={description ? `${id}-description` : undefined}
      onClose={onClose}
      onCancel={onClose}
      className={cn(
        'm-auto w-[440px] max-w-[calc(100vw-2rem)] rounded-xl border border-line bg-surface p-0 text-fg shadow-(--shadow-pop) backdrop:bg-black/30',
        className,
      )}
    >
      <div className="border-b border-line px-5 py-3">
        <h2 id={`${id}-title`} className="text-base font-semibold">
          {title}
        </h2>
        {description && (
          <p id={`${id}-description`} className="text-xs text-fg-muted">
            {description}
          </p>
        )}
      </div>
      {children}
      {footer && <div className="flex justify-end gap-2 border-t border-line px-5 py-3">{footer}</div>}
    </dialog>
  );
}

/** Closes the dialog an element sits in (its `onClose` runs). */
export function closeDialogOf(element: Element | null) {
  element?.closest('dialog')?.close();
}
