"""Text lines of an image, read by PP-OCRv4 (the detection and recognition models that ship
inside the ``rapidocr-onnxruntime`` wheel: nothing is downloaded at run time).

The wheel's direction classifier is left out: it turned MRZ lines of digits and fillers upside
down. So a document is read the way up it is shown (EXIF orientation applied), give or take a
few degrees.

The models are loaded once, on first use, and read one image at a time: the runtime already
uses every core for one image, and one lock keeps the loading and the reader's state safe
across the server's request threads.
"""

from __future__ import annotations

import statistics
import threading
from dataclasses import dataclass

import numpy as np

# Images are read at most this large on their longest side (the reader's default sizes them
# up to 736 px on the shortest side, which costs time and gains nothing on an ID card).
MAX_SIDE = 960
_lock = threading.Lock()
_reader = []


@dataclass(frozen=True)
class Line:
    """One line of text; the box in pixels (left, top, right, bottom); confidence 0-1;
    ``gaps``: the space after each character but the last, in widths of a character."""

    text: str
    confidence: float
    box: tuple[float, float, float, float]
    gaps: tuple[float, ...] = ()

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


def _load():
    if not _reader:
        from rapidocr_onnxruntime import RapidOCR

        _reader.append(RapidOCR(det_limit_type="max", det_limit_side_len=MAX_SIDE,
                                intra_op_num_threads=2, inter_op_num_threads=1))
    return _reader[0]


def read_lines(pixels: np.ndarray) -> list[Line]:
    """The lines of text in an RGB image, top to bottom."""
    with _lock:
        found, _ = _load()(pixels[:, :, ::-1].copy(), use_cls=False, return_word_box=True)
    lines = []
    for box, text, confidence, char_boxes, *_ in found or []:
        xs, ys = [point[0] for point in box], [point[1] for point in box]
        lines.append(Line(text, float(confidence), (min(xs), min(ys), max(xs), max(ys)),
                          gaps(text, char_boxes)))
    return sorted(lines, key=lambda line: (line.box[1], line.box[0]))


def gaps(text: str, char_boxes: list | None) -> tuple[float, ...]:
    """The space between consecutive characters, in widths of a character (the recognition
    model, trained mostly on Chinese text, often leaves out the spaces between Latin words:
    the gaps tell where they were)."""
    if not char_boxes or len(char_boxes) != len(text):
        return ()
    spans = [(min(p[0] for p in box), max(p[0] for p in box)) for box in char_boxes]
    width = statistics.median(right - left for left, right in spans) or 1
    return tuple((spans[i + 1][0] - spans[i][1]) / width for i in range(len(spans) - 1))


def words(line: Line, min_gap: float) -> list[str]:
    """The words of ``line``: its spaces, or else its gaps wider than ``min_gap``."""
    if " " in line.text or len(line.gaps) != len(line.text) - 1:
        return line.text.split()
    found, start = [], 0
    for index, gap in enumerate(line.gaps):
        if gap > min_gap:
            found.append(line.text[start:index + 1])
            start = index + 1
    return [*found, line.text[start:]]
