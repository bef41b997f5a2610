"""Test images: scikit-image's bundled photos and pictures derived from them with Pillow.

``astronaut`` is the only scikit-image photo with a face; ``coffee`` has none. matplotlib's
sample ``grace_hopper.jpg`` is a second person. Everything else is made from these at run time,
so no third-party photo is committed; the ID cards carry readable fields (``harness/id_cards``).
"""

from __future__ import annotations

import functools
import io

import matplotlib.cbook
import skimage.data
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from harness import id_cards

# The astronaut's face in the 512 x 512 photo, and the centres of her eyes (image left, right).
FACE_BOX = (175, 76, 265, 166)
EYES = ((203, 102), (247, 104))


def encode(image: Image.Image, kind: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, kind, quality=92)
    return buffer.getvalue()


@functools.cache
def astronaut() -> Image.Image:
    return Image.fromarray(skimage.data.astronaut())


@functools.cache
def images() -> dict[str, bytes]:
    face = astronaut()
    card = id_cards.draw(id_cards.ALICE, face.crop((125, 26, 315, 236)))

    pair = Image.new("RGB", (1024, 512))
    pair.paste(face, (0, 0))
    pair.paste(ImageOps.mirror(face), (512, 0))

    sunglasses = face.copy()
    draw = ImageDraw.Draw(sunglasses)
    for x, y in EYES:
        draw.ellipse((x - 15, y - 10, x + 15, y + 10), fill=(12, 12, 12))
    draw.line((EYES[0][0] + 15, EYES[0][1], EYES[1][0] - 15, EYES[1][1]), fill=(12, 12, 12),
              width=3)

    png = io.BytesIO()
    face.save(png, "PNG")
    hopper = Image.open(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    hopper_card = id_cards.draw(id_cards.GRACE, hopper.convert("RGB").crop((60, 40, 316, 320)))
    hoppers = Image.new("RGB", (2 * hopper.width, hopper.height))
    hoppers.paste(hopper.convert("RGB"), (0, 0))
    hoppers.paste(ImageOps.mirror(hopper.convert("RGB")), (hopper.width, 0))
    return {
        "astronaut": encode(face),
        "two_hoppers": encode(hoppers),
        "astronaut_png": png.getvalue(),
        "mirrored": encode(ImageOps.mirror(face)),
        "coffee": encode(Image.fromarray(skimage.data.coffee())),
        "id_card": encode(card),
        "hopper": encode(hopper),
        "hopper_id_card": encode(hopper_card),
        "two_faces": encode(pair),
        "sunglasses": encode(sunglasses),
        "rotated": encode(face.rotate(25, resample=Image.Resampling.BICUBIC)),
        "blurred": encode(face.filter(ImageFilter.GaussianBlur(2))),
        "not_an_image": b"%PDF-1.4 this is a document, not a photo",
        "truncated_png": png.getvalue()[:2000],
    }
