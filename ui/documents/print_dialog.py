"""打印: choose a document (care card, registration form, agreement, or cards for many
people), see it, then save it as PDF or print it through the system's printer dialog.

The PDF comes from ``carecenter.documents``; a batch shows a progress dialog that can be
cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from carecenter import clock
from carecenter.documents import card_batch as batch
from carecenter.documents import person_form as form
from carecenter.documents.care_card import Cancelled
from carecenter.documents.document_data import Printable, log_print, printable
from carecenter.errors import KnownError
from carecenter.register.groups import GroupBook
from carecenter.rules.risk import COLOUR_LABELS
from carecenter.storage.database import Database
from ui.widgets import pdf_pages
from ui.widgets.save_place import ask_save_path

DOCUMENTS = (("card", "关爱服务卡(当前选中的人)"), ("form", "基本情况登记表(当前选中的人)"),
             ("agreement", "委托照顾协议书(当前选中的人)"), ("cards", "批量打印关爱服务卡"))
PREVIEW_PAGES = 6  # pages shown; the PDF itself holds them all
PREVIEW_DPI = 70  # a page at this size fits the dialog beside its options


class PrintDialog(QDialog):
    def __init__(self, database: Database, person_id: int | None,
                 filtered: Sequence[int] = (), parent: QWidget | None = None,
                 today: Callable[[], date] = clock.today, document: str | None = None
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle("打印")
        self.database = database
        self.person_id = person_id
        self.filtered = list(filtered)
        self.today = today
        self.pdf: bytes | None = None
        self._agreement_id: int | None = None
        # What the audit log is to say once the PDF is saved or printed (a preview
        # alone prints nothing).
        self._log: Callable[[], None] | None = None
        self.pdf_name = "打印.pdf"

        self.document = QComboBox()
        self.document.setObjectName("document")
        for code, label in DOCUMENTS:
            self.document.addItem(label, code)
        if person_id is None:
            self.document.setCurrentIndex(3)
        elif document is not None:
            self.document.setCurrentIndex(max(0, self.document.findData(document)))

        self.scope = QButtonGroup(self)
        self.scope_filtered = QRadioButton(f"登记册当前显示的 {len(self.filtered)} 人")
        self.scope_colour = QRadioButton("风险等级")
        self.scope_group = QRadioButton("村民小组")
        for i, button in enumerate((self.scope_filtered, self.scope_colour, self.scope_group)):
            self.scope.addButton(button, i)
        self.scope_filtered.setChecked(True)
        self.colour = QComboBox()
        for code, label in COLOUR_LABELS.items():
            self.colour.addItem(label, code)
        self.group = QComboBox()
        for info in GroupBook(database).list(include_inactive=False):
            self.group.addItem(info.name, info.name)
        scope_box = QGridLayout()
        scope_box.addWidget(self.scope_filtered, 0, 0, 1, 2)
        scope_box.addWidget(self.scope_colour, 1, 0)
        scope_box.addWidget(self.colour, 1, 1)
        scope_box.addWidget(self.scope_group, 2, 0)
        scope_box.addWidget(self.group, 2, 1)
        self.scope_widget = QWidget()
        self.scope_widget.setLayout(scope_box)

        self.make_button = QPushButton("生成预览")
        self.make_button.setObjectName("make")
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(self.make)
        self.info = QLabel("选择要打印的文档,然后点“生成预览”。")
        self.info.setWordWrap(True)

        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        # the page column is as big as its pages; the scroll area scrolls over it
        self.pages_layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        scroll = QScrollArea()
        scroll.setWidget(self.pages)
        scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        scroll.setMinimumSize(640, 560)

        self.save_button = QPushButton("另存为 PDF…")
        self.save_button.setObjectName("save")
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button = QPushButton("打印…")
        self.print_button.setObjectName("print")
        self.print_button.clicked.connect(self.print_pdf)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)

        left = QVBoxLayout()
        left.addWidget(QLabel("文档"))
        left.addWidget(self.document)
        left.addWidget(self.scope_widget)
        left.addWidget(self.make_button)
        left.addWidget(self.info)
        left.addStretch(1)
        left.addWidget(self.save_button)
        left.addWidget(self.print_button)
        left.addWidget(close)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(scroll, 3)

        self.document.currentIndexChanged.connect(lambda _i: self._chosen())
        self._update()
        if person_id is not None and self.document.currentData() != "cards":
            # One person's document is there at once: the preview was empty until
            # 生成预览 was clicked (issue 20). A batch waits for its scope.
            self.make()

    def _chosen(self) -> None:
        """Another document: one person's is made at once; a batch on 生成预览."""
        self.pdf = None
        self._clear_pages()
        self._update()
        if self.document.currentData() != "cards" and self.person_id is not None:
            self.make()
        else:
            self.info.setText("选择范围,然后点“生成预览”。")

    # -- state -----------------------------------------------------------------------

    def _update(self) -> None:
        code = self.document.currentData()
        self.scope_widget.setVisible(code == "cards")
        needs_person = code != "cards"
        self.make_button.setEnabled(not needs_person or self.person_id is not None)
        if needs_person and self.person_id is None:
            self.info.setText("请先在登记册里选中一个人。")
        self.save_button.setEnabled(self.pdf is not None)
        self.print_button.setEnabled(self.pdf is not None)

    def _clear_pages(self) -> None:
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def selected_ids(self) -> list[int]:
        checked = self.scope.checkedId()
        if checked == 1:
            return batch.select_persons(self.database, colour=self.colour.currentData())
        if checked == 2:
            return batch.select_persons(self.database, group=self.group.currentData())
        return batch.select_persons(self.database, ids=self.filtered)

    # -- making the PDF --------------------------------------------------------------

    def make(self) -> None:
        self.pdf = None
        self._agreement_id = None
        self._log = None
        self._clear_pages()
        try:
            self.pdf = self._build()
        except Cancelled:
            self.info.setText("已取消,没有生成文档。")
        except KnownError as e:
            self.info.setText(e.message)
            QMessageBox.warning(self, "无法生成", e.message)
        if self.pdf is not None:
            self._show_pages(self.pdf)
        self._update()

    def _build(self) -> bytes | None:
        code = self.document.currentData()
        if code == "cards":
            ids = self.selected_ids()
            if not ids:
                raise KnownError("没有符合条件的人,未生成关爱服务卡")
            progress = QProgressDialog("正在生成关爱服务卡…", "取消", 0, len(ids), self)
            progress.setWindowTitle("批量打印")
            progress.setWindowModality(Qt.WindowModality.WindowModal)
            progress.setMinimumDuration(300)

            def step(done: int, total: int) -> bool:
                if done % 10 == 0 or done == total:
                    progress.setValue(done)
                    QApplication.processEvents()
                return not progress.wasCanceled()

            try:
                pdf = batch.print_cards(self.database, ids, progress=step, log=False)
            finally:
                progress.reset()
            self._log = lambda: batch.log_cards(self.database, ids)
            self.pdf_name = f"关爱服务卡_{len(ids)}人.pdf"
            self.info.setText(f"已生成 {len(ids)} 张关爱服务卡,共 {(len(ids) + 1) // 2} 页"
                              f"(每页两张,沿虚线剪开)。")
            return pdf
        person_id = self.person_id
        assert person_id is not None
        data = printable(self.database, person_id)
        if code == "card":
            self.pdf_name = f"关爱服务卡_{data.name}.pdf"
            self.info.setText(f"{data.name}的关爱服务卡。")
            self._log = lambda: batch.log_cards(self.database, [person_id])
            return batch.print_cards(self.database, [person_id], log=False)
        if code == "form":
            self.pdf_name = f"基本情况登记表_{data.name}.pdf"
            self.info.setText(f"{data.name}的基本情况登记表。")
            self._log = lambda: log_print(self.database, f"{data.name}的基本情况登记表",
                                          person_id=person_id)
            return form.person_form(data, self.today())
        return self._agreement(data)

    def _agreement(self, data: Printable) -> bytes | None:
        from carecenter.access.masking import may_see_full
        from carecenter.documents.agreement_book import Agreements
        from carecenter.documents.agreement_pdf import agreement_pdf, blank_content
        from carecenter.documents.document_data import masked_content

        assert self.person_id is not None
        book = Agreements(self.database, today=self.today)
        current = book.current(self.person_id)
        name = data.name
        self.pdf_name = f"委托照顾协议书_{name}.pdf"
        if current is None:
            self.info.setText(f"{name}还没有起草协议记录:这是受托人一栏空白的协议,"
                              "可打印后手填。")
            content = blank_content(self.database, data)
            what = f"{name}的空白委托照顾协议书"
        else:
            self.info.setText(f"{name}的委托照顾协议(受托人 {current.trustee_name},"
                              f"{current.state_label}),与起草时的内容相同。")
            if may_see_full(self.database.operator):
                self._agreement_id = current.id  # a masked copy (查看) is not one to sign
            content = masked_content(self.database, current.content)
            what = f"{name}的委托照顾协议书"
        person_id = self.person_id
        self._log = lambda: log_print(self.database, what, person_id=person_id)
        self._warn_unnamed_village(content)
        return agreement_pdf(content)

    def _warn_unnamed_village(self, content: dict[str, Any]) -> None:
        """An agreement signed off by "____村民委员会(盖章)" is said before it is printed."""
        village = content.get("village") or {}
        if village.get("name") or village.get("committee"):
            return
        message = ("本村设置里还没有填写村名和村委会名称,协议的落款会印成"
                   "“____村民委员会(盖章)”。请先在“登记册 → 本村设置”中填写,"
                   "再为此人重新起草协议。")
        # Said beside the preview, in red, where the clerk is looking (a box would stop
        # every print of a village that has not named itself yet).
        self.info.setText(f"<span style='color:#c0392b'>⚠ {message}</span><br>"
                          + self.info.text())

    def _show_pages(self, pdf: bytes) -> None:
        total = pdf_pages.page_count(pdf)
        # Drawn at the screen's pixel ratio (150% on many laptops), shown at 70 dpi's size:
        # sharp text, not a 70 dpi picture stretched.
        ratio = self.devicePixelRatioF()
        images = pdf_pages.page_images(pdf, PREVIEW_DPI * ratio, limit=PREVIEW_PAGES)
        self.previews: list[QPixmap] = []
        for number, image in enumerate(images, 1):
            label = QLabel()
            label.setObjectName(f"page{number}")
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            self.previews.append(pixmap)
            label.setPixmap(pixmap)
            # Whole pages, the scroll area scrolls.
            label.setFixedSize(pixmap.deviceIndependentSize().toSize())
            label.setStyleSheet("border: 1px solid #999; background: white;")
            self.pages_layout.addWidget(label)
        if total > PREVIEW_PAGES:
            self.pages_layout.addWidget(QLabel(f"(预览只显示前 {PREVIEW_PAGES} 页,共 {total} 页)"))

    # -- out -------------------------------------------------------------------------

    def save_pdf(self) -> None:
        if self.pdf is None:
            return
        # In the folder last saved into (else Documents), not the program's own folder.
        path = ask_save_path(self, "另存为 PDF", self.pdf_name, "PDF 文件 (*.pdf)", ".pdf")
        if path:
            self.write(path)

    def write(self, path: str) -> bool:
        assert self.pdf is not None
        try:
            with open(path, "wb") as f:
                f.write(self.pdf)
        except OSError as e:
            QMessageBox.warning(self, "无法保存", f"无法写入 {path}:{e.strerror or e}")
            return False
        self._printed()
        self.info.setText(f"已保存:{path}")
        return True

    def print_pdf(self) -> None:
        if self.pdf is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if pdf_pages.print_pdf(self.pdf, printer):
            self._printed()
            self.info.setText("已送打印机。")

    def _printed(self) -> None:
        """Saved or printed: in the audit log; an agreement counts as printed (the
        first date is kept)."""
        if self._log is not None:
            try:
                self._log()
            except KnownError as e:
                self.info.setText(e.message)
        agreement_id = self._agreement_id
        if agreement_id is not None and self.document.currentData() == "agreement":
            from carecenter.documents.agreement_book import Agreements

            try:
                Agreements(self.database, today=self.today).mark_printed(agreement_id)
            except KnownError as e:
                self.info.setText(e.message)
