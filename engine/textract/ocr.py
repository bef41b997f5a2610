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

import threading
from dataclasses import dataclass

import numpy as np

# Images are read at most this large on their longest side (the reader's default sizes them
# up to 736 px on the shortest side, which costs time and gains nothing on an ID card).
MAX_SIDE = 960
# A blank this share of the line's box height wide parts two words; the gaps between the letters
# of a word are far narrower.
WORD_GAP = 0.2

_lock = threading.Lock()
_reader = []


@dataclass(frozen=True)
class Line:
    """One line of text; the box in pixels (left, top, right, bottom); confidence 0-1;
    ``breaks``: where the image shows a blank between two words, as indexes in ``text``."""

    text: str
    confidence: float
    box: tuple[float, float, float, float]
    breaks: tuple[int, ...] = ()

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
    gray = pixels.mean(axis=2)
    lines = []
    for box, text, confidence, char_boxes, *_ in found or []:
        xs, ys = [point[0] for point in box], [point[1] for point in box]
        bounds = (min(xs), min(ys), max(xs), max(ys))
        lines.append(Line(text, float(confidence), bounds, word_breaks(gray, bounds, text,
                                                                       char_boxes)))
    return sorted(lines, key=lambda line: (line.box[1], line.box[0]))


def word_breaks(gray: np.ndarray, box: tuple[float, ...], text: str,
                char_boxes: list | None) -> tuple[int, ...]:
    """Where a run of blank columns at least ``WORD_GAP`` line heights wide parts the line's
    ink, as indexes in ``text`` (the recognition model, trained mostly on Chinese text, often
    leaves out the space between two Latin words: the image still shows it)."""
    if not char_boxes or len(char_boxes) != len(text):
        return ()
    left, top = max(int(box[0]), 0), max(int(box[1]), 0)
    crop = gray[top:int(box[3]), left:int(box[2])]
    if crop.size == 0:
        return ()
    ink = (crop < (float(crop.max()) + float(crop.min())) / 2).sum(axis=0) >= 2
    inked = np.flatnonzero(ink)
    if len(inked) < 2:
        return ()
    centres = [(min(p[0] for p in char) + max(p[0] for p in char)) / 2 - left
               for char in char_boxes]
    found, blank_from = set(), None
    for x in range(inked[0], inked[-1] + 1):
        if not ink[x]:
            blank_from = x if blank_from is None else blank_from
            continue
        if blank_from is not None and x - blank_from >= WORD_GAP * crop.shape[0]:
            index = sum(centre < (blank_from + x) / 2 for centre in centres)
            if 0 < index < len(text):
                found.add(index)
        blank_from = None
    return tuple(sorted(found))


def words(line: Line, start: int = 0, end: int | None = None) -> list[str]:
    """The words of ``line.text[start:end]``: its spaces, or else the blanks in the image."""
    text = line.text[start:end]
    if " " in text or not line.breaks:
        return text.split()
    cuts = [0, *(index - start for index in line.breaks if 0 < index - start < len(text)),
            len(text)]
    return [word for a, b in zip(cuts, cuts[1:], strict=False) if (word := text[a:b].strip())]
