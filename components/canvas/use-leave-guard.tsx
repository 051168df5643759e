'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { Button } from '../ui/button';
import { closeDialogOf, Dialog } from '../ui/dialog';
import { useBackGuard } from './use-back-guard';

/** Where the person was going: a page of the app, or back in the browser's history. */
const BACK = 'back';

/**
 * Asks before unsaved edits are left behind: a reload or a closed tab gets the browser's own question; a
 * click on any link of the app (the back arrow, the header's links, a run link) is held and answered
 * with a dialog — save and leave, leave without saving, or stay. So is the browser's Back button.
 */
export function useLeaveGuard({ dirty, save }: { dirty: boolean; save: () => Promise<boolean> }) {
  const router = useRouter();
  const [leavingTo, setLeavingTo] = useState<string>();
  // Set once the person chose to leave: the navigation that follows is not held again.
  const released = useRef(false);
  const back = useBackGuard({ dirty, onHeld: () => setLeavingTo(BACK) });

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    // Capture phase on the document: runs before React's (and Next's Link's) own click handlers.
    const onClick = (e: MouseEvent) => {
      if (released.current || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
      if (!a || (a.target && a.target !== '_self') || a.hasAttribute('download')) return;
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin) return;
      if (url.pathname === location.pathname && url.search === location.search) return; // same page (a hash)
      e.preventDefault();
      e.stopPropagation();
      setLeavingTo(url.pathname + url.search + url.hash);
    };
    window.addEventListener('beforeunload', warn);
    document.addEventListener('click', onClick, true);
    return () => {
      window.removeEventListener('beforeunload', warn);
      document.removeEventListener('click', onClick, true);
    };
  }, [dirty]);

  const leave = (to: string) => {
    released.current = true;
    setLeavingTo(undefined);
    if (to === BACK) back.leave();
    else router.push(to);
  };
  const stay = () => {
    if (leavingTo === BACK && !released.current) back.stay();
    setLeavingTo(undefined);
  };

  const dialog = leavingTo ? (
    <Dialog title="Leave with unsaved changes?" description="Your edits to this pipeline are not saved yet." onClose={stay}>
      <div className="flex justify-end gap-2 px-5 py-4">
        <Button onClick={(e) => closeDialogOf(e.currentTarget)}>Stay</Button>
        <Button variant="danger" onClick={() => leave(leavingTo)}>
          Leave without saving
        </Button>
        <Button
          variant="primary"
          onClick={async () => {
            if (await save()) leave(leavingTo);
            else stay();
          }}
        >
          Save and leave
        </Button>
      </div>
    </Dialog>
  ) : null;
  return { dialog };
}
