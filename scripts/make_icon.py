"""Draw the program's icon: carecenter/resources/icons/carecenter.png (256 px) and
carecenter.ico (16-256 px, for the exe, the shortcuts and the installer).

A white house sheltering a red heart on a rounded warm-red square: reads at 16 px on a
taskbar, and says "care at home" without words. Each size is drawn, not scaled, so the
small ones stay sharp; Pillow (a reportlab dependency) writes the .ico.

    .venv/bin/python scripts/make_icon.py
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import QBuffer, QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "carecenter" / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)
RED = QColor("#c62828")
DEEP = QColor("#8e1b1b")
WHITE = QColor("#ffffff")


def heart(cx: float, cy: float, w: float) -> QPainterPath:
    """A heart ``w`` wide whose middle is at (cx, cy)."""
    h = w * 0.9
    top = cy - h * 0.35
    path = QPainterPath(QPointF(cx, cy + h * 0.5))
    path.cubicTo(cx - w * 0.15, cy + h * 0.3, cx - w * 0.5, cy + h * 0.1,
                 cx - w * 0.5, top + h * 0.1)
    path.cubicTo(cx - w * 0.5, top - h * 0.2, cx - w * 0.08, top - h * 0.25, cx, top + h * 0.05)
    path.cubicTo(cx + w * 0.08, top - h * 0.25, cx + w * 0.5, top - h * 0.2,
                 cx + w * 0.5, top + h * 0.1)
    path.cubicTo(cx + w * 0.5, cy + h * 0.1, cx + w * 0.15, cy + h * 0.3, cx, cy + h * 0.5)
    return path


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    s = float(size)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    # Background: a rounded square (a little margin so it sits with other icons).
    margin = 0.0 if size <= 24 else s * 0.03
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(RED)
    p.drawRoundedRect(QRectF(margin, margin, s - 2 * margin, s - 2 * margin), s * 0.18, s * 0.18)
    # The house: a roof over a body, in white.
    house = QPainterPath()
    house.moveTo(s * 0.50, s * 0.14)   # ridge
    house.lineTo(s * 0.88, s * 0.48)
    house.lineTo(s * 0.78, s * 0.48)
    house.lineTo(s * 0.78, s * 0.86)
    house.lineTo(s * 0.22, s * 0.86)
    house.lineTo(s * 0.22, s * 0.48)
    house.lineTo(s * 0.12, s * 0.48)
    house.closeSubpath()
    p.setBrush(WHITE)
    p.drawPath(house)
    # The heart inside, in the background's red (a deeper red at small sizes reads better).
    p.setBrush(DEEP if size <= 24 else RED)
    p.drawPath(heart(s * 0.50, s * 0.64, s * (0.40 if size <= 24 else 0.34)))
    p.end()
    return image


def to_pil(image: QImage) -> Image.Image:
    buffer = QBuffer()
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data().data()))).convert("RGBA")


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    TARGET.mkdir(parents=True, exist_ok=True)
    images = {size: to_pil(draw(size)) for size in SIZES}
    images[256].save(TARGET / "carecenter.png")
    # Pillow writes one entry per size, taking each from the image of that size.
    largest = images[256]
    largest.save(TARGET / "carecenter.ico", format="ICO", sizes=[(n, n) for n in SIZES],
                 append_images=[images[n] for n in SIZES if n != 256])
    del app
    print(f"written: {TARGET / 'carecenter.png'}, {TARGET / 'carecenter.ico'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
