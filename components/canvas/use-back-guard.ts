'use client';

import { useEffect, useRef } from 'react';

/**
 * Holds the browser's Back (and Forward) button while `dirty`: an extra history entry for this same page is
 * pushed, so Back first lands on this page again; that arrival is kept from Next's router and reported
 * with `onHeld`. `stay()` puts the extra entry back; `leave()` lets the next step through and goes back.
 * Once the edits are saved, Back passes over the extra entry by itself.
 */
const MARK = 'millraceBackGuard';

/** Pushes the extra entry: this page again, with the router's state (its tree is kept there) and a mark. */
function pushGuard() {
  history.pushState({ ...(history.state as object | null), [MARK]: true }, '', location.href);
}

export function useBackGuard({ dirty, onHeld }: { dirty: boolean; onHeld: () => void }) {
  /** The URL of the page whose extra entry is on top of the history, while it is. */
  const guarding = useRef<string | undefined>(undefined);
  const released = useRef(false);
  const latest = useRef({ dirty, onHeld });
  useEffect(() => {
    latest.current = { dirty, onHeld };
  });

  useEffect(() => {
    if (!dirty || guarding.current) return;
    guarding.current = location.href;
    // Opened on an extra entry of an earlier visit (a reload): it serves again.
    if ((history.state as Record<string, unknown> | null)?.[MARK]) return;
    pushGuard();
  }, [dirty]);

  useEffect(() => {
    // Capture on window runs before the router's own popstate listener, which then never hears of it.
    const onPop = (e: PopStateEvent) => {
      const url = guarding.current;
      if (!url || released.current) return;
      guarding.current = undefined;
      if (location.href !== url) return; // somewhere else in the history: the router's business
      e.stopImmediatePropagation();
      if (latest.current.dirty) latest.current.onHeld();
      else history.back(); // saved meanwhile: on to where Back was going
    };
    window.addEventListener('popstate', onPop, true);
    return () => window.removeEventListener('popstate', onPop, true);
  }, []);

  return {
    stay() {
      if (guarding.current) return;
      guarding.current = location.href;
      pushGuard();
    },
    leave() {
      released.current = true;
      history.back();
    },
  };
}
