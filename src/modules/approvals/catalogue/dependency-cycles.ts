/**
 * Cycles in the dependsOn graph of a catalogue: items that could never start.
 */

export type Cycle = { from: string; path: string[] };

/** Strongly connected components (Tarjan) with more than one item: each contains at least one cycle. */
function loopingComponents(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const connect = (v: string): number => {
    const own = counter++;
    let lowest = own;
    index.set(v, own);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      const seen = index.get(w);
      if (seen === undefined) lowest = Math.min(lowest, connect(w));
      else if (onStack.has(w)) lowest = Math.min(lowest, seen);
    }
    if (lowest === own) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component);
    }
    return lowest;
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return components;
}

/** The shortest loop through the component's smallest code (stable across runs), by breadth-first search. */
function shortestLoop(graph: Map<string, string[]>, component: string[]): Cycle {
  const members = new Set(component);
  const start = [...component].sort()[0] ?? '';
  const previous = new Map<string, string>();
  const queue = [start];
  let last: string | null = null;
  for (let v = queue.shift(); v !== undefined && last === null; v = queue.shift()) {
    for (const w of (graph.get(v) ?? []).filter((x) => members.has(x)).sort()) {
      if (w === start) {
        last = v;
        break;
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  const path = [start];
  for (let v = last; v !== null && v !== start; v = previous.get(v) ?? null) path.splice(1, 0, v);
  path.push(start);
  return { from: start, path };
}

/** One concrete loop per group of items that depend on each other in a circle. */
export function dependencyCycles(graph: Map<string, string[]>): Cycle[] {
  return loopingComponents(graph).map((component) => shortestLoop(graph, component));
}
