"""The first phases of the SVG layout, before any coordinate: which layer each state goes in and
in what order the states (and the waypoints of long edges) stand within each layer."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from generators.diagrams.edges import Transition, drawn_edges
from statemachines.asl import all_states, nested

SWEEPS = 12  # barycenter sweeps down and up when ordering the layers


@dataclass
class Graph:
    """The layered graph. Nodes ``0 .. len(names) - 1`` are the states in definition order; the
    nodes after them are waypoints, one per layer that a long edge crosses."""

    names: list[str]
    index: dict[str, int]  # a state's node
    edges: list[Transition]
    reverse: set[int]  # the edges (by number) turned around to break cycles
    layer: dict[str, int]  # a state's layer, 0 for StartAt
    node_layer: list[int]
    node_group: list[list[tuple[str, int]]]  # the Parallels around a node, outermost first,
    # each with the index of the branch the node is in
    chains: list[list[int]]  # per edge, the nodes it passes from its upper end to its lower end
    is_dummy: list[bool]  # a waypoint, not a state
    preds: dict[int, list[int]]  # the nodes one layer up that a node is linked to
    succs: dict[int, list[int]]  # and one layer down

    @property
    def count(self) -> int:
        return len(self.node_layer)

    @property
    def depth(self) -> int:
        return max(self.layer.values()) + 1


def enclosing(definition: dict) -> dict[str, list[tuple[str, int]]]:
    """For each state: the Parallel states around it, outermost first, with the branch index."""
    found: dict[str, list[tuple[str, int]]] = {}

    def walk(container: dict, around: list[tuple[str, int]]) -> None:
        for name, state in container["States"].items():
            found[name] = around
            for index, branch in enumerate(nested(state)):
                walk(branch, around + [(name, index)])

    walk(definition, [])
    return found


def break_cycles(start: str, names: list[str], edges: list[Transition]) -> set[int]:
    """The edges to turn around for the layout: in a depth-first walk from ``start``, each edge
    to a state still on the walk's stack."""
    outgoing: dict[str, list[int]] = defaultdict(list)
    for number, edge in enumerate(edges):
        if edge.source != edge.target:
            outgoing[edge.source].append(number)
    reverse: set[int] = set()
    status: dict[str, int] = {}

    def visit(name: str) -> None:
        status[name] = 1
        for number in outgoing[name]:
            target = edges[number].target
            if status.get(target) == 1:
                reverse.add(number)
            elif target not in status:
                visit(target)
        status[name] = 2

    for name in [start, *names]:
        if name not in status:
            visit(name)
    return reverse


def assign_layers(names: list[str], edges: list[Transition], reverse: set[int]) -> dict[str, int]:
    """Each state's layer: its longest path from a state with no way in, over the (now acyclic)
    edges."""
    oriented = [(edge.target, edge.source) if number in reverse else (edge.source, edge.target)
                for number, edge in enumerate(edges) if edge.source != edge.target]
    indegree = Counter(target for _, target in oriented)
    after: dict[str, list[str]] = defaultdict(list)
    for source, target in oriented:
        after[source].append(target)
    layer = {name: 0 for name in names}
    ready = [name for name in names if indegree[name] == 0]
    while ready:
        name = ready.pop(0)
        for target in after[name]:
            layer[target] = max(layer[target], layer[name] + 1)
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    return layer


def add_waypoints(names: list[str], edges: list[Transition], reverse: set[int],
                  layer: dict[str, int], around: dict[str, list[tuple[str, int]]]) -> Graph:
    """The graph of the states and of a waypoint per layer each long edge crosses (a waypoint
    counts as inside the Parallels around the edge's source)."""
    index = {name: i for i, name in enumerate(names)}
    node_layer = [layer[name] for name in names]
    node_group: list[list[tuple[str, int]]] = [around[name] for name in names]
    chains: list[list[int]] = []
    for number, edge in enumerate(edges):
        if edge.source == edge.target:
            chains.append([index[edge.source]])
            continue
        top, bottom = (edge.target, edge.source) if number in reverse else (
            edge.source, edge.target)
        chain = [index[top]]
        for level in range(layer[top] + 1, layer[bottom]):
            chain.append(len(node_layer))
            node_layer.append(level)
            node_group.append(around[edge.source])
        chain.append(index[bottom])
        chains.append(chain)
    preds: dict[int, list[int]] = defaultdict(list)
    succs: dict[int, list[int]] = defaultdict(list)
    for chain in chains:
        for upper, lower in zip(chain, chain[1:], strict=False):
            succs[upper].append(lower)
            preds[lower].append(upper)
    is_dummy = [node >= len(names) for node in range(len(node_layer))]
    return Graph(names, index, edges, reverse, layer, node_layer, node_group, chains, is_dummy,
                 preds, succs)


def layered_graph(definition: dict) -> Graph:
    """The definition's states and drawn edges, layered and with their waypoints."""
    names = list(all_states(definition))
    edges = drawn_edges(definition)
    reverse = break_cycles(definition["StartAt"], names, edges)
    layer = assign_layers(names, edges, reverse)
    return add_waypoints(names, edges, reverse, layer, enclosing(definition))


def crossings(order: list[list[int]], succs: dict[int, list[int]]) -> int:
    """How many pairs of edges cross between adjacent layers, for this order."""
    total = 0
    for upper, lower in zip(order, order[1:], strict=False):
        position = {node: index for index, node in enumerate(lower)}
        segments = [(i, position[t]) for i, node in enumerate(upper) for t in succs[node]]
        for a, (u1, v1) in enumerate(segments):
            for u2, v2 in segments[a + 1:]:
                if (u1 - u2) * (v1 - v2) < 0:
                    total += 1
    return total


def _discovery_order(graph: Graph, start: str) -> list[list[int]]:
    """The first order of each layer: the order of a depth-first walk from ``start``."""
    seen: list[int] = []
    marked: set[int] = set()

    def discover(node: int) -> None:
        marked.add(node)
        seen.append(node)
        for lower in graph.succs[node]:
            if lower not in marked:
                discover(lower)

    for node in [graph.index[start], *range(graph.count)]:
        if node not in marked:
            discover(node)
    order: list[list[int]] = [[] for _ in range(graph.depth)]
    for node in seen:
        order[graph.node_layer[node]].append(node)
    return order


def _arrange(graph: Graph, nodes: list[int], key: dict[int, float],
             level: int = 0) -> list[int]:
    """Sort by key, keeping the states of one Parallel together and its branches in order."""
    units: dict[object, list[int]] = {}
    for node in nodes:
        group = graph.node_group[node]
        units.setdefault(group[level][0] if len(group) > level else node, []).append(node)
    ranked = sorted(units.values(), key=lambda members: (
        sum(key[m] for m in members) / len(members), key[members[0]]))
    result: list[int] = []
    for members in ranked:
        if len(graph.node_group[members[0]]) > level:
            by_branch: dict[int, list[int]] = defaultdict(list)
            for member in members:
                by_branch[graph.node_group[member][level][1]].append(member)
            for branch in sorted(by_branch):
                result += _arrange(graph, by_branch[branch], key, level + 1)
        else:
            result += sorted(members, key=lambda m: key[m])
    return result


def _sweep(graph: Graph, order: list[list[int]], levels: range,
           neighbours: dict[int, list[int]]) -> None:
    """Reorder each layer of ``levels`` in turn by the mean position of its neighbours."""
    for level in levels:
        position = {node: i for row in order for i, node in enumerate(row)}
        key = {}
        for node in order[level]:
            linked = neighbours[node]
            key[node] = (sum(position[n] for n in linked) / len(linked) if linked
                         else float(position[node]))
        order[level] = _arrange(graph, order[level], key)


def order_layers(graph: Graph, start: str) -> list[list[int]]:
    """The nodes of each layer, left to right: the order with the fewest crossings that the
    barycenter sweeps find, starting from the depth-first order."""
    order = [_arrange(graph, row, {node: float(i) for i, node in enumerate(row)})
             for row in _discovery_order(graph, start)]
    best, best_crossings = [row[:] for row in order], crossings(order, graph.succs)
    for _ in range(SWEEPS):
        _sweep(graph, order, range(1, graph.depth), graph.preds)
        _sweep(graph, order, range(graph.depth - 2, -1, -1), graph.succs)
        found = crossings(order, graph.succs)
        if found < best_crossings:
            best, best_crossings = [row[:] for row in order], found
    return best
