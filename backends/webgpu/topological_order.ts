/**
 * Orders a graph's nodes so every node follows the producers of its inputs (Kahn's algorithm,
 * stable: among ready nodes the earlier one in the file goes first, so an already sorted graph
 * keeps its order). Refuses graphs with cycles and inputs that nothing produces.
 */
import { Graph, GraphError, GraphNode, nodeLabel } from "./graph.ts";

export function topologicalOrder(graph: Graph): GraphNode[] {
  const available = new Set<string>([
    ...graph.initializers.keys(),
    ...graph.inputs.map((v) => v.name),
    "",
  ]);
  const producers = new Map<string, number>();
  graph.nodes.forEach((node, i) =>
    node.outputs.forEach((name) => name !== "" && producers.set(name, i))
  );
  const waiting = graph.nodes.map((node) =>
    new Set(node.inputs.filter((name) => !available.has(name)))
  );
  const consumers = new Map<string, number[]>();
  waiting.forEach((names, i) => {
    for (const name of names) {
      if (!producers.has(name)) {
        const node = graph.nodes[i];
        throw new GraphError(
          `${node === undefined ? "node" : nodeLabel(node)}: input ${name} is never produced`,
        );
      }
      const list = consumers.get(name) ?? [];
      list.push(i);
      consumers.set(name, list);
    }
  });
  const ready: number[] = [];
  waiting.forEach((names, i) => names.size === 0 && ready.push(i));
  const order: GraphNode[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const i = ready.shift() ?? 0;
    const node = graph.nodes[i];
    if (node === undefined) continue;
    order.push(node);
    for (const name of node.outputs) {
      for (const consumer of consumers.get(name) ?? []) {
        const names = waiting[consumer];
        if (names?.delete(name) && names.size === 0) ready.push(consumer);
      }
    }
  }
  if (order.length !== graph.nodes.length) throw new GraphError("the graph has a cycle");
  return order;
}
