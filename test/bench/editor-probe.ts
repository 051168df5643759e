// Injected into every page the editor group opens (before the page's own scripts): records, in the page's
// clock (0 = navigation start), when the first canvas node was painted, when the visible nodes settled, when
// a node became selected, and the frame times while panning.

export const PROBE = `(() => {
  const probe = (window.__probe = { firstNodePaintMs: null, settledMs: null, selectedMs: null, frames: [], panning: false });
  const nodes = () => document.querySelectorAll('.react-flow__node');
  const painted = () => {
    const all = nodes();
    if (all.length === 0) return false;
    for (const n of all) if (n.style.visibility === 'hidden') return false;
    return true;
  };
  let stableFrames = 0, lastCount = -1;
  const tick = (t) => {
    if (probe.firstNodePaintMs === null && painted()) probe.firstNodePaintMs = t;
    if (probe.firstNodePaintMs !== null && probe.settledMs === null) {
      const count = nodes().length;
      stableFrames = painted() && count === lastCount ? stableFrames + 1 : 0;
      lastCount = count;
      if (stableFrames >= 3) probe.settledMs = t;
    }
    if (probe.selectedMs === null && document.querySelector('.react-flow__node.selected')) probe.selectedMs = t;
    if (probe.panning) probe.frames.push(t);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

export interface ProbeState {
  firstNodePaintMs: number | null;
  settledMs: number | null;
  selectedMs: number | null;
  frames: number[];
  panning: boolean;
}
