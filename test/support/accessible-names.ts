import type { Page } from 'playwright-core';

/** Controls and [role] elements on screen that have no accessible name, described for the failure message. */
export function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    // Roles whose name may come from their text; the rest (regions, groups, lists, images…) need a label.
    const fromContent = new Set([
      'button', 'link', 'tab', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'option', 'checkbox', 'radio', 'switch',
      'cell', 'gridcell', 'columnheader', 'rowheader', 'row', 'heading', 'tooltip', 'treeitem', 'listitem', 'status', 'alert', 'log', 'note',
    ]);
    const exempt = new Set(['presentation', 'none', 'generic', 'separator', 'rowgroup', 'paragraph']);
    const shown = (el: Element) => {
      if (el.closest('[aria-hidden="true"], [inert], dialog:not([open])')) return false;
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden';
    };
    const text = (el: Element) => {
      const clone = el.cloneNode(true) as Element;
      clone.querySelectorAll('[aria-hidden="true"]').forEach((n) => n.remove());
      const alt = [...clone.querySelectorAll('img[alt], [aria-label]')].map((n) => n.getAttribute('alt') ?? n.getAttribute('aria-label') ?? '');
      return `${clone.textContent ?? ''} ${alt.join(' ')}`.trim();
    };
    const nameOf = (el: Element): string => {
      const by = el.getAttribute('aria-labelledby');
      if (by) {
        const t = by.split(/\s+/).map((id) => document.getElementById(id)?.textContent?.trim() ?? '').join(' ').trim();
        if (t) return t;
      }
      const label = el.getAttribute('aria-label')?.trim();
      if (label) return label;
      const labels = (el as HTMLInputElement).labels;
      if (labels && labels.length > 0) {
        const t = [...labels].map((l) => l.textContent?.trim() ?? '').join(' ').trim();
        if (t) return t;
      }
      const tag = el.tagName.toLowerCase();
      const role = el.getAttribute('role') ?? (tag === 'a' ? 'link' : tag === 'button' ? 'button' : tag);
      if (fromContent.has(role) || (tag === 'input' && ['button', 'submit', 'reset'].includes((el as HTMLInputElement).type))) {
        const t = tag === 'input' ? (el as HTMLInputElement).value : text(el);
        if (t) return t;
      }
      if (tag === 'svg') {
        const t = el.querySelector(':scope > title')?.textContent?.trim();
        if (t) return t;
      }
      return el.getAttribute('title')?.trim() || (el.getAttribute('placeholder')?.trim() ?? '');
    };
    const missing: string[] = [];
    for (const el of document.querySelectorAll('button, a[href], input:not([type="hidden"]), select, textarea, [role]')) {
      const role = el.getAttribute('role');
      if (role && exempt.has(role)) continue;
      if (!shown(el)) continue;
      if (!nameOf(el)) missing.push(el.outerHTML.slice(0, 200));
    }
    return missing;
  });
}
