'use client';

import { Moon, Sun } from 'lucide-react';
import { chooseTheme, useTheme } from './theme';

/** The header's light/dark switch: pressed means dark. */
export function ThemeToggle() {
  const theme = useTheme();
  const dark = theme === 'dark';
  return (
    <button
      type="button"
      aria-label="Dark theme"
      aria-pressed={dark}
      title={dark ? 'Switch to the light theme' : 'Switch to the dark theme'}
      onClick={() => chooseTheme(dark ? 'light' : 'dark')}
      className="flex size-8 items-center justify-center rounded-md text-fg-muted hover:bg-subtle hover:text-fg [&_svg]:size-4"
    >
      {dark ? <Moon aria-hidden /> : <Sun aria-hidden />}
    </button>
  );
}
