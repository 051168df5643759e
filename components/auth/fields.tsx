'use client';

import type { InputHTMLAttributes } from 'react';
import { useId } from 'react';

const input = 'h-9 w-full rounded-md border border-line-strong bg-surface px-2 text-sm';

/** A labelled text input of the account forms. */
export function Field({ label, ...props }: { label: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <label className="grid gap-1 text-sm text-fg" htmlFor={id}>
      {label}
      <input id={id} className={input} {...props} />
    </label>
  );
}

export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" className="text-sm text-bad-strong">
      {message}
    </p>
  );
}
