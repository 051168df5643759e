'use client';

import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { menuItemsFor, menuTitle, type CanvasActions, type MenuTarget } from './context-menu-items';

export interface OpenMenu {
  target: MenuTarget;
  /** Where on the screen (client coordinates). */
  x: number;
  y: number;
}

/**
 * A right-click menu (WAI-ARIA menu): the first item has focus, arrow keys, Home and End move, Enter or a click
 * runs an item, Escape, Tab or a click elsewhere closes it, and focus goes back where it was.
 */
export function ContextMenu({ menu, actions, onClose }: { menu: OpenMenu; actions: CanvasActions; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const opener = useRef<Element | null>(null);
  const [place, setPlace] = useState({ left: menu.x, top: menu.y });
  const items = menuItemsFor(menu.target);

  useLayoutEffect(() => {
    opener.current = document.activeElement;
    const box = ref.current?.getBoundingClientRect();
    if (box) setPlace({ left: Math.max(4, Math.min(menu.x, window.innerWidth - box.width - 4)), top: Math.max(4, Math.min(menu.y, window.innerHeight - box.height - 4)) });
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')?.focus();
    const back = opener.current;
    return () => {
      if (back instanceof HTMLElement && back.isConnected && !document.activeElement?.closest('input, textarea')) back.focus({ preventScroll: true });
    };
  }, [menu]);

  useEffect(() => {
    const away = (e: Event) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('pointerdown', away, true);
    document.addEventListener('wheel', away, true);
    window.addEventListener('blur', onClose);
    return () => {
      document.removeEventListener('pointerdown', away, true);
      document.removeEventListener('wheel', away, true);
      window.removeEventListener('blur', onClose);
    };
  }, [onClose]);

  const onKeyDown = (e: KeyboardEvent) => {
    const all = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = all.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => all[(to + all.length) % all.length]?.focus();
    if (e.key === 'ArrowDown') move(at + 1);
    else if (e.key === 'ArrowUp') move(at - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(all.length - 1);
    else if (e.key === 'Escape' || e.key === 'Tab') onClose();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div
      ref={ref}
      role="menu"
      aria-label={menuTitle(menu.target)}
      onKeyDown={onKeyDown}
      onContextMenu={(e) => e.preventDefault()}
      style={{ position: 'fixed', left: place.left, top: place.top }}
      className="z-50 min-w-48 rounded-lg border border-line bg-surface py-1 text-sm shadow-(--shadow-pop)"
    >
      {items.map((item) => {
        const why = item.unavailable?.(menu.target, actions);
        return (
          <button
            key={item.id}
            type="button"
            role="menuitem"
            tabIndex={-1}
            aria-disabled={why ? true : undefined}
            title={why}
            onClick={() => {
              if (why) return;
              onClose();
              item.run(menu.target, actions);
            }}
            className="flex w-full items-center gap-6 px-3 py-1.5 text-left text-fg hover:bg-subtle focus:bg-subtle focus:outline-none aria-disabled:text-fg-subtle"
          >
            <span className="flex-1">{item.label}</span>
            {item.shortcut && <span className="font-mono text-[11px] text-fg-subtle">{item.shortcut}</span>}
          </button>
        );
      })}
    </div>
  );
}
