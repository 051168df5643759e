// Lays out graphs off the main thread: one request in, the positions out.
import { layoutGraph, type LayoutRequest } from './auto-layout';

self.onmessage = (event: MessageEvent<{ id: number; request: LayoutRequest }>) => {
  const { id, request } = event.data;
  try {
    self.postMessage({ id, positions: layoutGraph(request) });
  } catch (err) {
    self.postMessage({ id, error: (err as Error).message });
  }
};
