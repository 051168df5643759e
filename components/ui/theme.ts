'use client';

import { useSyncExternalStore } from 'react';

// The colour theme lives on <html> as the class "dark" (set before paint by public/theme.js); this reads and
// changes it. A stored choice ('light' | 'dark') wins; without one the system's preference is followed.

export const THEME_KEY = 'millrace:theme';
export type Theme = 'light' | 'dark';

function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const onSystem = () => {
    if (storedTheme() === undefined) applyTheme(media.matches ? 'dark' : 'light');
  };
  media.addEventListener('change', onSystem);
  return () => {
    observer.disconnect();
    media.removeEventListener('change', onSystem);
  };
}

function storedTheme(): Theme | undefined {
  try {
    const value = localStorage.getItem(THEME_KEY);
    return value === 'dark' || value === 'light' ? value : undefined;
  } catch {
    return undefined;
  }
}

function applyTheme(theme: Theme) {
  document.documentElement.classList.toggle('dark', theme === 'dark');
  document.documentElement.style.colorScheme = theme;
}

/** The theme the page shows now ('light' while rendering on the server). */
export function useTheme(): Theme {
  return useSyncExternalStore(
    subscribe,
    () => (document.documentElement.classList.contains('dark') ? 'dark' : 'light'),
    () => 'light',
  );
}

/** Shows `theme` and remembers it for the next visit. */
export function chooseTheme(theme: Theme) {
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    // Private modes may refuse storage; the choice then lasts for this page.
  }
  applyTheme(theme);
}
