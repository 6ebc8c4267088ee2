"""Pages of a PDF as images (for the preview) and on a printer, through pdfium.

PySide6-Essentials has no QtPdf (it lives in the 600 MB Addons), and poppler is not on
a village PC; pypdfium2 is a small wheel for Windows and Linux.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter


def _document(pdf: bytes) -> Any:
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(pdf)


def page_count(pdf: bytes) -> int:
    return len(_document(pdf))


def page_images(pdf: bytes, dpi: float = 72.0, first: int = 0, limit: int = 20
                ) -> list[QImage]:
    """Pages ``first`` .. ``first+limit`` rendered at this resolution."""
    document = _document(pdf)
    images: list[QImage] = []
    for index in range(first, min(len(document), first + limit)):
        bitmap = document[index].render(scale=dpi / 72.0, rev_byteorder=True)
        image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                       QImage.Format.Format_RGB888)
        images.append(image.copy())  # own the pixels: the bitmap is freed after this
    return images


def print_pdf(pdf: bytes, printer: QPrinter,
              progress: Callable[[int, int], bool] | None = None) -> bool:
    """Each page rendered at the printer's resolution and painted to fill its page.
    ``progress(done, total) -> bool`` may cancel; returns False when cancelled."""
    document = _document(pdf)
    total = len(document)
    first, last = printer.fromPage(), printer.toPage()
    pages = range(first - 1, last) if first > 0 else range(total)
    painter = QPainter()
    if not painter.begin(printer):
        return False
    try:
        dpi = min(printer.resolution(), 300)
        for n, index in enumerate(pages):
            if n:
                printer.newPage()
            bitmap = document[index].render(scale=dpi / 72.0, rev_byteorder=True)
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGB888)
            target = painter.viewport()
            size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(QRect(target.x(), target.y(), size.width(), size.height()))
            painter.setWindow(image.rect())
            painter.drawImage(0, 0, image)
            painter.setViewport(target)
            if progress is not None and not progress(n + 1, len(pages)):
                return False
    finally:
        painter.end()
    return True
