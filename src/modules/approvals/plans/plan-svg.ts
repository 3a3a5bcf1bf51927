/**
 * The plan as an SVG flowchart: stages laid out left to right by dagre (bundled from npm, run on
 * the server), each box coloured by the state of its cases, the critical path drawn bold.
 */
import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import type { PlanGraph } from './plan-graph.js';

const W = 200;
const LINE = 16;

export interface StageBox {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Splits a label into lines of at most 12 characters (Chinese text has no spaces to break at). */
function lines(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 12) out.push(text.slice(i, i + 12));
  return out.slice(0, 3);
}

/** Fill of a stage box by the states of its cases. */
function fillOf(states: string[]): string {
  if (states.length > 0 && states.every((s) => s === 'CONCLUDED')) return '#d9f2d9';
  if (states.some((s) => s === 'RED')) return '#f8d0d0';
  if (states.length > 0) return '#fff3c4';
  return '#ffffff';
}

/** Lays the stages out and writes the SVG; also returns the boxes (for tests). */
export function planSvg(
  graph: PlanGraph,
  states: Map<string, string[]>,
  title: string,
): { svg: string; boxes: StageBox[] } {
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>();
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 60, marginx: 20, marginy: 40 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of graph.stages) g.setNode(s.id, { width: W, height: LINE * (lines(s.label).length + 3) + 12 });
  for (const s of graph.stages) for (const p of s.after) g.setEdge(p, s.id);
  dagre.layout(g);
  const boxes: StageBox[] = graph.stages.map((s) => {
    const n = g.node(s.id);
    // dagre.layout places every node it was given; a missing coordinate is a bug, not a layout.
    if (n.x === undefined || n.y === undefined) throw new Error(`dagre left stage ${s.id} unplaced`);
    return { id: s.id, x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height };
  });
  const size = g.graph();
  const width = Math.ceil((size.width ?? 0) + 0);
  const height = Math.ceil((size.height ?? 0) + 0);
  const edges = g.edges().map((e) => {
    const pts = g.edge(e).points ?? [];
    const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    const critical =
      graph.stages.find((s) => s.id === e.w)?.critical && graph.stages.find((s) => s.id === e.v)?.critical;
    return `<path d="${d}" fill="none" stroke="${critical ? '#c0392b' : '#888'}" stroke-width="${critical ? 3 : 1.5}" marker-end="url(#arrow)"/>`;
  });
  const nodes = graph.stages.map((s, i) => {
    const b = boxes[i];
    if (!b) return '';
    const text = [
      ...lines(s.label),
      s.itemCodes.length > 1 ? `并联 ${s.itemCodes.length} 项 · ${s.days} 工作日` : `${s.id} · ${s.days} 工作日`,
      `${s.start} → ${s.finish}`,
    ];
    const tspans = text
      .map((t, k) => `<tspan x="${(b.x + 8).toFixed(1)}" y="${(b.y + 18 + k * LINE).toFixed(1)}">${esc(t)}</tspan>`)
      .join('');
    return `<g class="stage" data-id="${esc(s.id)}"><rect x="${b.x.toFixed(1)}" y="${b.y.toFixed(1)}" width="${b.width}" height="${b.height}" rx="6" fill="${fillOf(states.get(s.id) ?? [])}" stroke="${s.critical ? '#c0392b' : '#555'}" stroke-width="${s.critical ? 2.5 : 1}"/><text font-size="12" font-family="sans-serif">${tspans}</text></g>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#666"/></marker></defs>
<text x="20" y="24" font-size="16" font-family="sans-serif" font-weight="bold">${esc(title)}</text>
${edges.join('\n')}
${nodes.join('\n')}
</svg>`;
  return { svg, boxes };
}
