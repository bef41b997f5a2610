"""A state machine as a self-contained SVG, drawn where ``placement.layout`` puts things."""

from __future__ import annotations

from xml.sax.saxutils import escape

from generators.diagrams import GENERATED_BY
from generators.diagrams.placement import LINE_HEIGHT, MARGIN, Box, Layout, layout
from statemachines.asl import all_states

# What a frame holds: a Parallel's branches, or the states a Map runs for each item.
_FRAMED = {"Parallel": "branches", "Map": "for each item"}

_FILLS = {  # state type -> (fill, stroke, text)
    "Task": ("#e8f0fe", "#4a6fa5", "#1b2a41"),
    "Pass": ("#f4f4f4", "#8a8a8a", "#222222"),
    "Choice": ("#fff4d6", "#c9a227", "#3d3000"),
    "Parallel": ("#ede7f6", "#6a4c93", "#2e1f47"),
    "Map": ("#ede7f6", "#6a4c93", "#2e1f47"),
    "Wait": ("#f4f4f4", "#8a8a8a", "#222222"),
    "Succeed": ("#d8f5d0", "#3c8d2f", "#173d12"),
    "Fail": ("#fde0dc", "#c0392b", "#6b1a12"),
}
_EDGE_STYLES = {  # kind -> (stroke, dash, marker, label colour)
    "next": ("#444444", "", "arrow", "#333333"),
    "rule": ("#444444", "", "arrow", "#6b5300"),
    "default": ("#444444", "", "arrow", "#6b5300"),
    "catch": ("#9a9a9a", "5 4", "arrow-grey", "#777777"),
    "fork": ("#6a4c93", "", "arrow-purple", "#6a4c93"),
    "join": ("#6a4c93", "", "arrow-purple", "#6a4c93"),
}


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attribute(value: str) -> str:
    return escape(value, {'"': "&quot;", "'": "&apos;"})


def _path(points: list[tuple[float, float]]) -> str:
    """Straight down through waypoints, S-curves between layers."""
    (x0, y0), rest = points[0], points[1:]
    parts = [f"M{_number(x0)},{_number(y0)}"]
    previous = points[0]
    for px, py in rest:
        if abs(px - previous[0]) < 0.05:
            parts.append(f"L{_number(px)},{_number(py)}")
        else:
            middle = (previous[1] + py) / 2
            parts.append(f"C{_number(previous[0])},{_number(middle)} "
                         f"{_number(px)},{_number(middle)} {_number(px)},{_number(py)}")
        previous = (px, py)
    return " ".join(parts)


def _curve_point(start: tuple[float, float], end: tuple[float, float],
                 t: float) -> tuple[float, float]:
    """A point on the S-curve between two route points (a cubic with vertical tangents)."""
    middle = (start[1] + end[1]) / 2
    xs = (start[0], start[0], end[0], end[0])
    ys = (start[1], middle, middle, end[1])
    weights = ((1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3)
    return (sum(w * v for w, v in zip(weights, xs, strict=True)),
            sum(w * v for w, v in zip(weights, ys, strict=True)))


def _shape(box: Box, fill: str, stroke: str) -> str:
    x, y, w, h = box.x, box.y, box.w, box.h
    common = f'fill="{fill}" stroke="{stroke}" stroke-width="1.4"'
    if box.type == "Choice":
        corners = [(x + 10, y), (x + w - 10, y), (x + w, y + h / 2), (x + w - 10, y + h),
                   (x + 10, y + h), (x, y + h / 2)]
        text = " ".join(f"{_number(px)},{_number(py)}" for px, py in corners)
        return f'<polygon class="shape" points="{text}" {common}/>'
    radius = {"Task": 3.0, "Pass": 10.0, "Wait": 10.0, "Succeed": h / 2, "Fail": h / 2,
              "Parallel": 3.0, "Map": 3.0}.get(box.type, 3.0)
    rect = (f'<rect class="shape" x="{_number(x)}" y="{_number(y)}" width="{_number(w)}" '
            f'height="{_number(h)}" rx="{_number(radius)}" {common}/>')
    if box.type in ("Parallel", "Map"):  # a double border
        rect += (f'<rect x="{_number(x + 3)}" y="{_number(y + 3)}" width="{_number(w - 6)}" '
                 f'height="{_number(h - 6)}" rx="2" fill="none" stroke="{stroke}" '
                 'stroke-width="0.8"/>')
    return rect


def _label_width(text: str, size: int = 10) -> float:
    return len(text) * size * 0.58 + 6


def _overlap(area: tuple[float, float, float, float],
             others: list[tuple[float, float, float, float]]) -> float:
    """How much of ``area`` (left, top, right, bottom) the ``others`` cover, in px²."""
    left, top, right, bottom = area
    return sum(max(0.0, min(right, o[2]) - max(left, o[0]))
               * max(0.0, min(bottom, o[3]) - max(top, o[1])) for o in others)


def _place_labels(plan: Layout) -> list[tuple[str, float, float, str]]:
    """Where each edge label goes: the first spot along its edge (the first segments are
    tried first) where it covers neither a box nor a label placed before it."""
    taken = [(box.x, box.y, box.x + box.w, box.y + box.h) for box in plan.boxes.values()]
    placed = []
    for route in plan.routes:
        if not route.label:
            continue
        colour = _EDGE_STYLES.get(route.kind, _EDGE_STYLES["next"])[3]
        half_width, half_height = _label_width(route.label) / 2, 8.0
        if route.source == route.target:
            spots = [(route.points[0][0] + 30 + half_width, route.points[0][1])]
        else:
            spots = [_curve_point(start, end, t)
                     for start, end in zip(route.points, route.points[1:], strict=False)
                     for t in (0.5, 0.3, 0.7, 0.15, 0.85)]
        areas = [(lx - half_width, ly - half_height, lx + half_width, ly + half_height)
                 for lx, ly in spots]
        scores = [_overlap(area, taken) for area in areas]
        best = scores.index(min(scores))  # the first spot of the least overlap
        lx, ly = spots[best]
        taken.append((lx - half_width, ly - half_height, lx + half_width, ly + half_height))
        placed.append((route.label, round(lx, 1), round(ly, 1), colour))
    return placed


def _label(text: str, x: float, y: float, colour: str, css: str, *, anchor: str,
           size: int = 10) -> str:
    """Small text on a white backing, so that edges running behind it do not hide it."""
    width = _label_width(text, size)
    left = x - width / 2 if anchor == "middle" else x - 3
    return (f'<g class="{css}"><rect x="{_number(left)}" y="{_number(y - size * 0.75)}" '
            f'width="{_number(width)}" height="{_number(size * 1.5)}" rx="3" fill="#ffffff" '
            f'fill-opacity="0.88"/><text x="{_number(x)}" y="{_number(y + size * 0.35)}" '
            f'font-size="{size}" text-anchor="{anchor}" fill="{colour}">{escape(text)}</text></g>')


def render(definition: dict, title: str) -> str:
    """A self-contained SVG drawing of the definition, laid out by ``layout``."""
    plan = layout(definition)
    placed = _place_labels(plan)
    width = max([plan.width, MARGIN * 2 + len(title) * 9.5,
                 MARGIN * 2 + len(definition.get("Comment", "")) * 6.4]
                + [lx + _label_width(text) / 2 + 8 for text, lx, _, _ in placed])
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_number(width)}" '
        f'height="{_number(plan.height)}" viewBox="0 0 {_number(width)} '
        f'{_number(plan.height)}" font-family="sans-serif" font-size="12">',
        f"<!-- Generated by {GENERATED_BY} from the state machine's ASL; do not edit. -->",
        f"<title>{escape(title)}</title>",
        "<defs>",
    ]
    for marker, colour in (("arrow", "#444444"), ("arrow-grey", "#9a9a9a"),
                           ("arrow-purple", "#6a4c93")):
        out.append(f'<marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" '
                   f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
                   f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>')
    out.append("</defs>")
    out.append('<rect width="100%" height="100%" fill="#ffffff"/>')
    out.append(f'<text class="title" x="{_number(MARGIN)}" y="{_number(MARGIN + 14)}" '
               f'font-size="16" font-weight="bold">{escape(title)}</text>')
    if definition.get("Comment"):
        out.append(f'<text class="comment" x="{_number(MARGIN)}" y="{_number(MARGIN + 32)}" '
                   f'font-size="11" fill="#555555">{escape(definition["Comment"])}</text>')

    for frame in plan.frames:
        out.append(f'<rect class="frame" data-state="{_attribute(frame.name)}" '
                   f'x="{_number(frame.x)}" y="{_number(frame.y)}" '
                   f'width="{_number(frame.w)}" height="{_number(frame.h)}" rx="10" '
                   'fill="#faf7fd" stroke="#6a4c93" stroke-dasharray="6 4"/>')

    sx, sy = plan.start
    start_box = plan.boxes[definition["StartAt"]]
    out.append(f'<g class="start"><circle cx="{_number(sx)}" cy="{_number(sy)}" r="7" '
               f'fill="#333333"/><path d="M{_number(sx)},{_number(sy + 7)} '
               f'L{_number(sx)},{_number(start_box.y)}" stroke="#444444" '
               'marker-end="url(#arrow)"/></g>')

    states = all_states(definition)
    labels = [_label(f"{frame.name} ({_FRAMED[states[frame.name]['Type']]})", frame.x + 8,
                     frame.y + 10, "#6a4c93", "frame-label", anchor="start", size=11)
              for frame in plan.frames]
    for route in plan.routes:
        stroke, dash, marker, _ = _EDGE_STYLES.get(route.kind, _EDGE_STYLES["next"])
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        if route.source == route.target:
            (ax, ay), (bx, by) = route.points
            d = (f"M{_number(ax)},{_number(ay)} C{_number(ax + 34)},{_number(ay - 12)} "
                 f"{_number(bx + 34)},{_number(by + 12)} {_number(bx)},{_number(by)}")
        else:
            d = _path(route.points)
        out.append(f'<path class="edge {route.kind}" d="{d}" fill="none" stroke="{stroke}" '
                   f'stroke-width="1.2"{dashes} marker-end="url(#{marker})"/>')
    for text, lx, ly, colour in placed:
        labels.append(_label(text, lx, ly, colour, "edge-label", anchor="middle"))

    for name, box in plan.boxes.items():
        fill, stroke, ink = _FILLS.get(box.type, _FILLS["Task"])
        tooltip = f"{name} ({box.type})" + (f": {box.subtitle}" if box.subtitle else "")
        out.append(f'<g class="state {box.type.lower()}" data-state="{_attribute(name)}">'
                   f"<title>{escape(tooltip)}</title>{_shape(box, fill, stroke)}")
        first = box.y + 7 + LINE_HEIGHT - 3
        spans = "".join(
            f'<tspan x="{_number(box.cx)}" y="{_number(first + i * LINE_HEIGHT)}">'
            f"{escape(line)}</tspan>" for i, line in enumerate(box.lines))
        out.append(f'<text class="label" text-anchor="middle" fill="{ink}">{spans}</text>')
        if box.subtitle:
            sub_y = first + len(box.lines) * LINE_HEIGHT - 1
            out.append(f'<text class="subtitle" x="{_number(box.cx)}" y="{_number(sub_y)}" '
                       f'font-size="10" text-anchor="middle" fill="#666666">'
                       f"{escape(box.subtitle)}</text>")
        out.append("</g>")
    out += labels  # on top of boxes and edges
    out.append("</svg>")
    return "\n".join(out) + "\n"
