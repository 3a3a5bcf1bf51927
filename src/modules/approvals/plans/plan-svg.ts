/**
 * The plan as an SVG flowchart: stages laid out left to right by dagre (bundled from npm, run on
 * the server), each box coloured by the state of its cases, the critical path drawn bold.
 */
import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import type { PlanGraph } from './plan-graph.js';

const W = 228;
const LINE = 18;
const FONT = 13;
/** Characters of a label line: Chinese text at FONT px, inside the box's padding. */
const PER_LINE = 15;

export interface StageBox {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Splits a label into lines of at most PER_LINE characters (Chinese text has no spaces to break at); three lines at most. */
function lines(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += PER_LINE) out.push(text.slice(i, i + PER_LINE));
  if (out.length > 3) out.splice(2, out.length, `${(out[2] ?? '').slice(0, PER_LINE - 1)}…`);
  return out;
}

const LEGEND: [string, string, string][] = [
  ['#d9f2d9', '#555', '已办结'],
  ['#fff3c4', '#555', '办理中'],
  ['#f8d0d0', '#555', '已超期'],
  ['#ffffff', '#555', '未申请'],
  ['#ffffff', '#c0392b', '关键路径'],
];

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
  // Ranks left to right; the top margin leaves room for the title and the legend.
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 56, edgesep: 12, marginx: 20, marginy: 70 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of graph.stages) g.setNode(s.id, { width: W, height: LINE * (lines(s.label).length + 2) + 14 });
  for (const s of graph.stages) for (const p of s.after) g.setEdge(p, s.id);
  dagre.layout(g);
  const boxes: StageBox[] = graph.stages.map((s) => {
    const n = g.node(s.id);
    // dagre.layout places every node it was given; a missing coordinate is a bug, not a layout.
    if (n.x === undefined || n.y === undefined) throw new Error(`dagre left stage ${s.id} unplaced`);
    return { id: s.id, x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height };
  });
  const size = g.graph();
  const width = Math.max(Math.ceil(size.width ?? 0), 560);
  const height = Math.ceil(size.height ?? 0);
  const edges = g.edges().map((e) => {
    const pts = g.edge(e).points ?? [];
    const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    const critical =
      graph.stages.find((s) => s.id === e.w)?.critical && graph.stages.find((s) => s.id === e.v)?.critical;
    return `<path d="${d}" fill="none" stroke="${critical ? '#c0392b' : '#8a94a6'}" stroke-width="${critical ? 2.5 : 1.2}" marker-end="url(#${critical ? 'arrow-critical' : 'arrow'})"/>`;
  });
  const nodes = graph.stages.map((s, i) => {
    const b = boxes[i];
    if (!b) return '';
    const label = lines(s.label);
    const text: [string, string][] = [
      ...label.map((t): [string, string] => [t, 'font-weight="bold"']),
      [
        s.itemCodes.length > 1 ? `并联 ${s.itemCodes.length} 项 · ${s.days} 工作日` : `${s.id} · ${s.days} 工作日`,
        'fill="#444"',
      ],
      [`${s.start.slice(5)} → ${s.finish.slice(5)}`, 'fill="#444"'],
    ];
    const tspans = text
      .map(
        ([t, attrs], k) =>
          `<tspan x="${(b.x + 9).toFixed(1)}" y="${(b.y + 19 + k * LINE).toFixed(1)}" ${attrs}>${esc(t)}</tspan>`,
      )
      .join('');
    return `<g class="stage" data-id="${esc(s.id)}"><title>${esc(`${s.label}（${s.itemCodes.join('、')}）${s.start} → ${s.finish}`)}</title><rect x="${b.x.toFixed(1)}" y="${b.y.toFixed(1)}" width="${b.width}" height="${b.height}" rx="6" fill="${fillOf(states.get(s.id) ?? [])}" stroke="${s.critical ? '#c0392b' : '#555'}" stroke-width="${s.critical ? 2.5 : 1}"/><text font-size="${FONT}" font-family="'Noto Sans CJK SC', 'Noto Sans SC', sans-serif">${tspans}</text></g>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8a94a6"/></marker><marker id="arrow-critical" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c0392b"/></marker></defs>
<text x="20" y="26" font-size="16" font-family="'Noto Sans CJK SC', 'Noto Sans SC', sans-serif" font-weight="bold">${esc(title)}</text>
<g class="legend" font-size="12" font-family="'Noto Sans CJK SC', 'Noto Sans SC', sans-serif">${LEGEND.map(
    ([fill, stroke, name], i) =>
      `<rect x="${20 + i * 92}" y="40" width="16" height="12" rx="2" fill="${fill}" stroke="${stroke}" stroke-width="${stroke === '#555' ? 1 : 2.5}"/><text x="${42 + i * 92}" y="51">${name}</text>`,
  ).join('')}</g>
${edges.join('\n')}
${nodes.join('\n')}
</svg>`;
  return { svg, boxes };
}
