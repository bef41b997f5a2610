"""The SVG layout: where each state's box, each edge and each Parallel's frame goes.

``layout`` runs the phases in order: size the boxes; layer and order the graph
(``layering``); place each layer across; keep every Parallel's frame clear of the states
outside it; stack the layers; draw the frames; route the edges.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass, field

from generators.diagrams.edges import integration
from generators.diagrams.layering import Graph, layered_graph, order_layers
from statemachines.asl import all_states, nested

CHAR_WIDTH = 7.0  # estimated width of one character at 12px sans-serif
SMALL_CHAR_WIDTH = 5.8  # at 10px
LINE_HEIGHT = 15.0
WRAP = 24  # characters per line of a state's name
MIN_WIDTH = 96.0
LAYER_GAP = 62.0  # vertical room between layers, for edges and their labels
MARGIN = 24.0
CLUSTER_PAD = 14.0  # between a Parallel's frame and the states inside
CLUSTER_LABEL = 18.0  # room for the frame's title above its first states
GAP_NODES = 28.0
GAP_DUMMY = 14.0
ATTRACT_PASSES = 8  # of pulling each layer towards its neighbours, down then up


@dataclass
class Box:
    """A state's box: top-left corner, size, the wrapped name and an optional second line."""

    name: str
    type: str
    x: float
    y: float
    w: float
    h: float
    lines: list[str]
    subtitle: str = ""

    @property
    def cx(self) -> float:
        return self.x + self.w / 2


@dataclass
class Route:
    """A drawn edge: its polyline from source to target (waypoints included)."""

    source: str
    target: str
    kind: str  # next, rule, default, catch, fork, join
    label: str
    points: list[tuple[float, float]]
    reversed: bool = False


@dataclass
class Frame:
    """The dashed frame around a Parallel state's branches."""

    name: str
    x: float
    y: float
    w: float
    h: float
    members: list[str] = field(default_factory=list)


@dataclass
class Layout:
    width: float
    height: float
    boxes: dict[str, Box]
    routes: list[Route]
    frames: list[Frame]
    start: tuple[float, float]
    layers: dict[str, int]


@dataclass
class Columns:
    """Where each node of the graph stands across: its width and its centre (``x``, before
    ``shift`` moves the whole drawing right of the margin)."""

    graph: Graph
    width: list[float]
    x: list[float]
    shift: float = 0.0

    def separation(self, left: int, right: int) -> float:
        """The least distance between the centres of two neighbours in a layer."""
        gap = GAP_DUMMY if self.graph.is_dummy[left] or self.graph.is_dummy[right] else GAP_NODES
        if self.graph.node_group[left] != self.graph.node_group[right]:
            gap += CLUSTER_PAD
        return (self.width[left] + self.width[right]) / 2 + gap

    def centre(self, node: int) -> float:
        return self.x[node] + self.shift


@dataclass
class Rows:
    """Where each layer starts down the picture and how tall its tallest box is."""

    top: list[float]
    height: list[float]
    end: float  # below the last layer and its gap


def _wrap(name: str) -> list[str]:
    lines = textwrap.wrap(name, WRAP, break_long_words=False, break_on_hyphens=False)
    return lines if lines and " ".join(lines) == name else [name]


def _subtitle(state: dict) -> str:
    if state["Type"] == "Task":
        return integration(state.get("Resource", ""))
    if state["Type"] == "Parallel":
        count = len(state.get("Branches", []))
        return f"parallel, {count} branch{'es' if count != 1 else ''}"
    if state["Type"] == "Map":
        return "for each item"
    return ""


def size_boxes(states: dict[str, dict]) -> dict[str, Box]:
    """A box per state, sized for its wrapped name and its subtitle; placed later."""
    boxes: dict[str, Box] = {}
    for name, state in states.items():
        lines, subtitle = _wrap(name), _subtitle(state)
        width = max(max(len(line) for line in lines) * CHAR_WIDTH,
                    len(subtitle) * SMALL_CHAR_WIDTH) + 24
        if state["Type"] == "Choice":
            width += 20  # the pointed ends
        height = len(lines) * LINE_HEIGHT + 14 + (13 if subtitle else 0)
        boxes[name] = Box(name, state["Type"], 0.0, 0.0, max(width, MIN_WIDTH), height,
                          lines, subtitle)
    return boxes


def _isotonic(targets: list[float], weights: list[float]) -> list[float]:
    """The non-decreasing sequence closest to ``targets`` (weighted least squares), by
    pooling adjacent violators."""
    blocks: list[list[float]] = []  # [weighted sum, weight, count]
    for target, weight in zip(targets, weights, strict=True):
        blocks.append([target * weight, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, weight_sum, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += weight_sum
            blocks[-1][2] += count
    result = []
    for total, weight_sum, count in blocks:
        result += [total / weight_sum] * int(count)
    return result


def _fit_row(columns: Columns, row: list[int], desired: list[float]) -> None:
    """Place a layer as close to ``desired`` as its order and minimum gaps allow."""
    offsets = [0.0]
    for left, right in zip(row, row[1:], strict=False):
        offsets.append(offsets[-1] + columns.separation(left, right))
    weights = [2.0 if columns.graph.is_dummy[node] else 1.0 for node in row]
    fitted = _isotonic([d - o for d, o in zip(desired, offsets, strict=True)], weights)
    for node, value, offset in zip(row, fitted, offsets, strict=True):
        columns.x[node] = value + offset


def _attract(columns: Columns, order: list[list[int]], levels: range,
             sides: tuple[dict[int, list[int]], ...]) -> None:
    """Pull each layer of ``levels`` towards the mean position of its neighbours."""
    for level in levels:
        desired = []
        for node in order[level]:
            linked = [n for side in sides for n in side[node]]
            desired.append(sum(columns.x[n] for n in linked) / len(linked) if linked
                           else columns.x[node])
        _fit_row(columns, order[level], desired)


def place_across(graph: Graph, order: list[list[int]], boxes: dict[str, Box]) -> Columns:
    """Each node's centre: every layer keeps its order and minimum gaps and lies as close as it
    can to the mean of its neighbours' positions."""
    width = [0.0 if graph.is_dummy[node] else boxes[graph.names[node]].w
             for node in range(graph.count)]
    columns = Columns(graph, width, [0.0] * graph.count)
    for row in order:
        cursor = 0.0
        for i, node in enumerate(row):
            if i:
                cursor += columns.separation(row[i - 1], node)
            columns.x[node] = cursor
    for _ in range(ATTRACT_PASSES):
        _attract(columns, order, range(1, graph.depth), (graph.preds,))
        _attract(columns, order, range(graph.depth - 2, -1, -1), (graph.succs,))
    _attract(columns, order, range(graph.depth), (graph.preds, graph.succs))
    return columns


def _members(graph: Graph, frame: str) -> list[int]:
    """The nodes inside a Parallel's branches, at any depth."""
    return [node for node in range(graph.count)
            if any(around == frame for around, _ in graph.node_group[node])]


def _padding(graph: Graph, node: int, frame: str) -> float:
    """Room around a member: one padding per frame between it and ``frame``'s edge."""
    around = [parallel for parallel, _ in graph.node_group[node]]
    return CLUSTER_PAD * (len(around) - around.index(frame))


def _extent(columns: Columns, frame: str, inside: list[int]) -> tuple[float, float, set[int]]:
    """Left and right of the frame (before the shift) and the layers it spans."""
    graph = columns.graph
    levels = {graph.node_layer[node] for node in inside if not graph.is_dummy[node]}
    span = [node for node in inside if graph.node_layer[node] in levels]
    return (min(columns.x[node] - columns.width[node] / 2 - _padding(graph, node, frame)
                for node in span),
            max(columns.x[node] + columns.width[node] / 2 + _padding(graph, node, frame)
                for node in span), levels)


def _push_outsiders(columns: Columns, row: list[int], inside: set[int], left: float,
                    right: float) -> bool:
    """Move the nodes of a layer that stand left of a frame's members further left than
    ``left``, and those right of them further right than ``right``; whether any moved."""
    x, moved = columns.x, False
    positions = [i for i, node in enumerate(row) if node in inside]
    first, last = min(positions), max(positions)
    for i in range(first - 1, -1, -1):
        node = row[i]
        limit = (left - GAP_DUMMY - columns.width[node] / 2 if i == first - 1
                 else x[row[i + 1]] - columns.separation(node, row[i + 1]))
        if x[node] > limit + 1e-6:
            x[node], moved = limit, True
    for i in range(last + 1, len(row)):
        node = row[i]
        limit = (right + GAP_DUMMY + columns.width[node] / 2 if i == last + 1
                 else x[row[i - 1]] + columns.separation(row[i - 1], node))
        if x[node] < limit - 1e-6:
            x[node], moved = limit, True
    return moved


def clear_frames(columns: Columns, order: list[list[int]], parallels: list[str]) -> None:
    """Nothing but its members may stand inside a Parallel's frame, in the layers it spans."""
    for _ in range(len(parallels) * 2):
        moved = False
        for frame in parallels:
            inside = set(_members(columns.graph, frame))
            if all(columns.graph.is_dummy[node] for node in inside):
                continue
            left, right, levels = _extent(columns, frame, list(inside))
            for level in levels:
                moved = _push_outsiders(columns, order[level], inside, left, right) or moved
        if not moved:
            break


def stack_layers(graph: Graph, boxes: dict[str, Box]) -> Rows:
    """The layers top to bottom, below the title and the start marker, each as tall as its
    tallest box."""
    height = [0.0] * graph.depth
    for name in graph.names:
        height[graph.layer[name]] = max(height[graph.layer[name]], boxes[name].h)
    top = MARGIN + 44.0 + 34.0  # title, then the start marker
    tops = []
    for level in range(graph.depth):
        tops.append(top)
        top += height[level] + LAYER_GAP
    return Rows(tops, height, top)


def position_boxes(columns: Columns, rows: Rows, boxes: dict[str, Box]) -> None:
    """Each box centred on its node across and in its layer down."""
    graph = columns.graph
    for node, name in enumerate(graph.names):
        box, level = boxes[name], graph.layer[name]
        box.x = round(columns.centre(node) - box.w / 2, 1)
        box.y = round(rows.top[level] + (rows.height[level] - box.h) / 2, 1)


def frame_parallels(columns: Columns, boxes: dict[str, Box], parallels: list[str]) -> list[Frame]:
    """A frame around each Parallel's branches, innermost last so it is drawn on top."""
    graph = columns.graph
    frames = []
    for frame in parallels:
        inside = _members(graph, frame)
        real = [node for node in inside if not graph.is_dummy[node]]
        if not real:
            continue
        left, right, _ = _extent(columns, frame, inside)
        left, right = left + columns.shift, right + columns.shift
        upper = min(boxes[graph.names[node]].y - _padding(graph, node, frame)
                    for node in real) - CLUSTER_LABEL
        lower = max(boxes[graph.names[node]].y + boxes[graph.names[node]].h
                    + _padding(graph, node, frame) for node in real)
        frames.append(Frame(frame, round(left, 1), round(upper, 1), round(right - left, 1),
                            round(lower - upper, 1), [graph.names[node] for node in real]))
    frames.sort(key=lambda f: len(graph.node_group[graph.index[f.name]]))
    return frames


def _spread(ends: dict[str, list[tuple[float, int]]], boxes: dict[str, Box]) -> dict[int, float]:
    """The offset from its box's centre of each edge end, several ends spread over the side."""
    offset = {}
    for name, items in ends.items():
        items.sort()
        step = min(14.0, boxes[name].w * 0.6 / max(len(items) - 1, 1))
        for i, (_, number) in enumerate(items):
            offset[number] = (i - (len(items) - 1) / 2) * step
    return offset


def route_edges(columns: Columns, rows: Rows, boxes: dict[str, Box]) -> list[Route]:
    """Each edge leaves its source's bottom, passes its waypoints and enters its target's top;
    a state's edge to itself is a loop on the box's right side."""
    graph = columns.graph
    ends_out: dict[str, list[tuple[float, int]]] = defaultdict(list)
    ends_in: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for number, chain in enumerate(graph.chains):
        if len(chain) < 2:
            continue
        ends_out[graph.names[chain[0]]].append((columns.centre(chain[1]), number))
        ends_in[graph.names[chain[-1]]].append((columns.centre(chain[-2]), number))
    out_offset, in_offset = _spread(ends_out, boxes), _spread(ends_in, boxes)
    routes = []
    for number, (edge, chain) in enumerate(zip(graph.edges, graph.chains, strict=True)):
        if len(chain) == 1:
            box = boxes[edge.source]
            points = [(box.x + box.w, box.y + box.h * 0.35), (box.x + box.w, box.y + box.h * 0.65)]
        else:
            upper, lower = boxes[graph.names[chain[0]]], boxes[graph.names[chain[-1]]]
            points = [(upper.cx + out_offset[number], upper.y + upper.h)]
            for node in chain[1:-1]:
                level = graph.node_layer[node]
                points.append((columns.centre(node), rows.top[level]))
                points.append((columns.centre(node), rows.top[level] + rows.height[level]))
            points.append((lower.cx + in_offset[number], lower.y))
            if number in graph.reverse:
                points.reverse()
        routes.append(Route(edge.source, edge.target, edge.kind, edge.label,
                            [(round(px, 1), round(py, 1)) for px, py in points],
                            number in graph.reverse))
    return routes


def layout(definition: dict) -> Layout:
    """Positions of every state, edge and Parallel frame (the phases: the module docstring)."""
    states = all_states(definition)
    boxes = size_boxes(states)
    graph = layered_graph(definition)
    order = order_layers(graph, definition["StartAt"])
    columns = place_across(graph, order, boxes)
    parallels = [name for name in graph.names if nested(states[name])]
    clear_frames(columns, order, parallels)
    columns.shift = MARGIN - min(columns.x[node] - columns.width[node] / 2
                                 for node in range(graph.count))
    rows = stack_layers(graph, boxes)
    position_boxes(columns, rows, boxes)
    frames = frame_parallels(columns, boxes, parallels)
    routes = route_edges(columns, rows, boxes)

    start_box = boxes[definition["StartAt"]]
    right_edge = max([box.x + box.w for box in boxes.values()]
                     + [frame.x + frame.w for frame in frames]
                     + [columns.centre(node) for node in range(graph.count)])
    return Layout(
        width=round(right_edge + MARGIN, 1),
        height=round(rows.end - LAYER_GAP + MARGIN, 1),
        boxes=boxes, routes=routes, frames=frames,
        start=(round(start_box.cx, 1), round(start_box.y - 26.0, 1)), layers=graph.layer)
