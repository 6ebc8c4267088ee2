"""概况: the village at a glance — colours, visits month by month, pairing and agreement
coverage, overdue by group — each bar a click away from the list behind it, and the
whole page printable on one A4 sheet for the village meeting.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from carecenter.rules.leftbehind import NOT_QUALIFYING
from carecenter.rules.risk import COLOUR_HEX, COLOURS
from ui.overview.charts import Bar, BarChart, Chart, Column, ColumnChart, percent
from ui.widgets.colours import colour_text
from ui.widgets.list_output import tell_saved

if TYPE_CHECKING:
    from carecenter.overview.village_figures import VillageFigures
    from carecenter.storage.database import Database

UNASSESSED_HEX = "#b0b0b0"
PAIRED_HEX = "#2e86c1"
AGREEMENT_HEX = "#8e44ad"
OVERDUE_HEX = "#c0392b"


class OverviewPage(QWidget):
    """Signals say what the clerk clicked: a colour (``colour``: red/yellow/green or ""),
    a group's overdue people (``group``: its id, None for no group), or a list of people
    (``people``: a title and what lies behind it, ``("unvisited", month)`` or a code)."""

    colour = Signal(str)
    verdict = Signal(str)
    group = Signal(object)
    people = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database: Database | None = None
        self.figures: VillageFigures | None = None
        self.headline = QLabel()
        self.headline.setObjectName("overview_headline")
        font = QFont(self.headline.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.headline.setFont(font)
        self.print_button = QPushButton("打印概况(A4)…")
        self.print_button.setObjectName("overview_print")
        self.print_button.clicked.connect(self.print_page)
        refresh = QPushButton("刷新")
        refresh.clicked.connect(lambda _checked=False: self.reload())  # not the bool as the day
        top = QHBoxLayout()
        top.addWidget(self.headline, 1)
        top.addWidget(refresh)
        top.addWidget(self.print_button)

        self.colours = BarChart("风险等级(在册人数)")
        self.colours.setObjectName("chart_colours")
        self.months = ColumnChart("近 12 个月上门走访:走访到的人 / 应走访的人")
        self.months.setObjectName("chart_months")
        self.months.note = "在册的人每月至少上门走访一次(电话不算);点月份看当月未走访的人"
        self.coverage = BarChart("结对、委托照顾协议与留守认定")
        self.coverage.setObjectName("chart_coverage")
        self.coverage.note = "点一行看尚未结对 / 尚无有效协议 / 不再符合的人"
        self.groups = BarChart("各村民小组逾期人数")
        self.groups.setObjectName("chart_groups")
        self.groups.note = "有任一事项逾期的人 / 小组在册人数;点一行看该组工作台"
        self.groups.empty_text = "没有逾期事项"
        grid = QGridLayout()
        grid.addWidget(self.colours, 0, 0)
        grid.addWidget(self.coverage, 0, 1)
        grid.addWidget(self.months, 1, 0)
        grid.addWidget(self.groups, 1, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(1, 1)
        # A short window scrolls the charts rather than squeezing their lines together.
        body = QWidget()
        body.setObjectName("overview_body")
        body.setLayout(grid)
        grid.setContentsMargins(0, 0, 0, 0)
        self.charts_area = QScrollArea()
        self.charts_area.setWidgetResizable(True)
        self.charts_area.setFrameShape(QFrame.Shape.NoFrame)
        self.charts_area.setWidget(body)
        for chart in (self.colours, self.coverage, self.months, self.groups):
            chart.reshaped.connect(self._fit_charts)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.charts_area, 1)

        self.colours.clicked.connect(self.colour.emit)
        self.groups.clicked.connect(self.group.emit)
        self.coverage.clicked.connect(self._coverage_clicked)
        self.months.clicked.connect(lambda month: self.people.emit(
            f"{month:%Y年%m月}未走访", ("unvisited", month)))

    def _fit_charts(self) -> None:
        """The charts' room is at least what their lines need; the scroll area is told
        directly (a changed minimum inside it was not always noticed)."""
        body = self.charts_area.widget()
        layout = body.layout() if body is not None else None
        if body is None or layout is None:
            return
        layout.activate()
        body.setMinimumHeight(layout.minimumSize().height())

    def _coverage_clicked(self, what: str) -> None:
        if what == NOT_QUALIFYING:
            self.verdict.emit(what)
        else:
            self.people.emit("尚未结对帮扶人" if what == "unpaired" else "尚无有效委托照顾协议",
                             what)

    @property
    def charts(self) -> tuple[Chart, ...]:
        return (self.colours, self.coverage, self.months, self.groups)

    def attach(self, database: Database) -> None:
        self.database = database

    def reload(self, on: date | None = None) -> None:
        if self.database is None:
            return
        from carecenter import clock
        from carecenter.overview import village_figures

        self.show_figures(village_figures.build(self.database, on or clock.today()))

    def show_figures(self, figures: VillageFigures) -> None:
        self.figures = figures
        active = figures.active
        self.headline.setText(
            f"{figures.on:%Y年%m月%d日}  在册 {active} 人,已结对 {figures.paired} 人"
            f"({percent(figures.paired, figures.to_pair)}),有事项逾期 {figures.overdue} 人")
        self.colours.set_bars([
            Bar(colour_text(code), figures.colours.get(code, 0), active,
                COLOUR_HEX.get(code, UNASSESSED_HEX), code,
                tip=f"点击:在登记册中列出{colour_text(code)}的人")
            for code in (*COLOURS, "")])
        self.coverage.set_bars([
            Bar("已结对", figures.paired, figures.to_pair, PAIRED_HEX, "unpaired",
                tip="点击:列出尚未结对的人"),
            Bar("有效协议", figures.agreements, figures.agreement_due, AGREEMENT_HEX,
                "no_agreement",
                tip="点击:列出尚无已签订协议的人"),
            Bar("不再符合留守", figures.not_qualifying, active, OVERDUE_HEX, NOT_QUALIFYING,
                tip="点击:在登记册中列出留守认定为不符合的人(应办理退出)"),
        ])
        self.months.set_columns([
            Column(f"{m.month.month}月", m.due, m.done, m.month, m.partial,
                   tip=(f"{m.month:%Y年%m月}{'(本月至今)' if m.partial else ''}:"
                        f"在册 {m.due} 人,走访到 {m.done} 人。点击列出未走访的人"))
            for m in figures.months])
        self.groups.set_bars([
            Bar(g.name, g.overdue, g.people, OVERDUE_HEX, g.group_id,
                tip=f"点击:看{g.name}的工作台")
            for g in figures.groups])

    # -- one A4 page ---------------------------------------------------------------------

    def print_page(self) -> None:
        if self.figures is None:
            return
        from ui.widgets.save_place import ask_save_path

        path = ask_save_path(self, "保存概况(PDF)", f"概况{self.figures.on:%Y%m%d}.pdf",
                             "PDF 文件 (*.pdf)", ".pdf")
        if path is None:
            return
        try:
            self.write_pdf(path)
        except OSError as e:
            QMessageBox.warning(self, "无法保存", f"无法写入 {path}:{e.strerror or e}")
            return
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        if not QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
            tell_saved(self, "打印概况", path)

    def write_pdf(self, path: str) -> None:
        """The headline and the four charts on one A4 page, upright."""
        with open(path, "ab"):
            pass  # a folder that cannot be written is an OSError here, not a blank file
        writer = QPdfWriter(path)
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                         QPageLayout.Orientation.Portrait,
                                         QMarginsF(12, 12, 12, 12),
                                         QPageLayout.Unit.Millimeter))
        writer.setResolution(96)  # the charts' sizes are the screen's
        writer.setTitle("概况")
        writer.setCreator("留守关爱")
        painter = QPainter(writer)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            page = QRectF(writer.pageLayout().paintRectPixels(96))
            page.moveTo(0, 0)
            font = QFont(self.font())
            font.setPointSizeF(16)
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(QColor("#222222"))
            painter.drawText(QRectF(0, 0, page.width(), 36), Qt.AlignmentFlag.AlignCenter,
                             "留守老年人关爱服务概况")
            font.setPointSizeF(10.5)
            font.setBold(False)
            painter.setFont(font)
            painter.drawText(QRectF(0, 36, page.width(), 24), Qt.AlignmentFlag.AlignCenter,
                             self.headline.text())
            top = 70.0
            heights = (0.2, 0.14, 0.36, 0.30)
            space = page.height() - top
            for chart, share in zip(self.charts, heights, strict=True):
                height = space * share
                rect = QRectF(0, top, page.width(), height - 10)
                painter.save()
                painter.setFont(self.font())
                note = chart.note  # paper cannot be clicked: the "点…" hints stay off it
                chart.note = "" if note.startswith("点") else note.split(";点")[0]
                try:
                    chart.draw(painter, rect)
                finally:
                    chart.note = note
                painter.restore()
                top += height
        finally:
            painter.end()
