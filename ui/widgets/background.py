"""Long work off the GUI thread, with a progress dialog and a cancel button.

``run_in_background(parent, title, work)`` runs ``work(progress, cancelled)`` in a
QThread while a modal progress dialog shows (``progress(done, total)``, or
``progress(done, total, label)`` to say what is being done now); it returns the work's
result, or raises what the work raised (a ``KnownError`` for the clerk, anything else a
bug), once the thread is done. The window stays responsive meanwhile (a local event loop).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")
Progress = Callable[..., None]  # (done, total) or (done, total, label)
Cancelled = Callable[[], bool]


class _Worker(QObject):
    progressed = Signal(int, int, str)
    finished = Signal()

    def __init__(self, work: Callable[[Progress, Cancelled], Any], stop: threading.Event) -> None:
        super().__init__()
        self.work = work
        self.stop = stop
        self.result: Any = None
        self.error: BaseException | None = None

    def _progress(self, done: int, total: int, label: str = "") -> None:
        self.progressed.emit(done, total, label)  # queued to the GUI thread

    def run(self) -> None:
        try:
            self.result = self.work(self._progress, self.stop.is_set)
        except BaseException as e:  # handed back to the GUI thread and raised there
            self.error = e
        finally:
            self.finished.emit()


class _Receiver(QObject):
    def __init__(self, dialog: QProgressDialog) -> None:
        super().__init__()
        self.dialog = dialog

    @Slot(int, int, str)
    def show(self, done: int, total: int, label: str) -> None:
        if label:
            self.dialog.setLabelText(label)
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, max(total, 1)))


def run_in_background(parent: QWidget | None, title: str,
                      work: Callable[[Progress, Cancelled], T], label: str = "请稍候…",
                      cancellable: bool = True) -> T:
    stop = threading.Event()
    dialog = QProgressDialog(label, "取消" if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setMinimumWidth(420)  # the labels change as the work goes: none is cut
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.canceled.connect(stop.set)
    thread = QThread()
    worker = _Worker(work, stop)
    worker.moveToThread(thread)
    loop = QEventLoop()

    receiver = _Receiver(dialog)  # lives in the GUI thread, so its slot runs there
    worker.progressed.connect(receiver.show, Qt.ConnectionType.QueuedConnection)
    worker.finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
    thread.started.connect(worker.run)
    thread.start()
    loop.exec()
    thread.quit()
    thread.wait()
    dialog.close()
    dialog.deleteLater()
    if worker.error is not None:
        raise worker.error
    result: T = worker.result
    return result
