import { forwardRef, type ButtonHTMLAttributes } from 'react';
import { cn } from './cn';

const variants = {
  primary: 'bg-accent text-accent-fg shadow-sm hover:bg-accent-strong disabled:bg-accent/50',
  secondary: 'border border-line bg-surface text-fg shadow-sm hover:bg-subtle disabled:text-fg-subtle',
  ghost: 'text-fg-muted hover:bg-subtle hover:text-fg disabled:text-fg-subtle',
  danger: 'border border-line bg-surface text-bad-strong shadow-sm hover:bg-bad-soft disabled:text-fg-subtle',
} as const;

const sizes = {
  sm: 'h-7 gap-1.5 rounded-md px-2.5 text-xs',
  md: 'h-9 gap-2 rounded-lg px-3.5 text-sm',
  icon: 'h-8 w-8 justify-center rounded-md',
} as const;

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: keyof typeof variants;
  size?: keyof typeof sizes;
}

export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { variant = 'secondary', size = 'md', className, type = 'button', ...props },
  ref,
) {
  return (
    <button
      ref={ref}
      type={type}
      className={cn(
        'inline-flex shrink-0 items-center font-medium whitespace-nowrap transition-colors disabled:cursor-not-allowed [&_svg]:size-4 [&_svg]:shrink-0',
        variants[variant],
        sizes[size],
        className,
      )}
      {...props}
    />
  );
});

/** Same look as Button, for links (Next <Link> takes className). */
export function buttonClasses(variant: keyof typeof variants = 'secondary', size: keyof typeof sizes = 'md') {
  return cn(
    'inline-flex shrink-0 items-center font-medium whitespace-nowrap transition-colors [&_svg]:size-4 [&_svg]:shrink-0',
    variants[variant],
    sizes[size],
  );
}
