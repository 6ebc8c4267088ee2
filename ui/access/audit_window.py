"""审计日志: the whole log with filters (operator, dates, kind of action, kind of record),
read only; an administrator can export what the filters show."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from carecenter import clock
from carecenter.access import audit
from carecenter.access.masking import may_see_full
from carecenter.errors import KnownError
from carecenter.rules.roles import ADMIN, allows
from carecenter.storage.database import Database
from ui.widgets.dates import date_edit, to_date
from ui.widgets.save_place import ask_save_path

COLUMNS = ("时间", "操作员", "操作", "对象", "档案号", "内容")
SHOWN = 2000  # the newest first; narrow the filters or export to see more


class AuditWindow(QDialog):
    def __init__(self, database: Database, parent: QWidget | None = None,
                 person_id: int | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.person_id = person_id
        self.setWindowTitle("审计日志" if person_id is None else "变更记录")
        self.resize(1000, 560)
        today = clock.today()
        self.operator = QComboBox()
        self.operator.setObjectName("operator")
        self.operator.addItem("全部", None)
        for name in audit.operators_in_log(database):
            self.operator.addItem(name, name)
        self.action = QComboBox()
        self.action.setObjectName("action")
        self.action.addItem("全部", None)
        for code, label in audit.ACTIONS.items():
            self.action.addItem(label, code)
        self.entity = QComboBox()
        self.entity.setObjectName("entity")
        self.entity.addItem("全部", None)
        for code, label in audit.ENTITIES.items():
            self.entity.addItem(label, code)
        self.since = date_edit(today - timedelta(days=90), today)
        self.since.setObjectName("since")
        self.until = date_edit(today, today)
        self.until.setObjectName("until")
        filters = QHBoxLayout()
        for label, widget in (("操作员", self.operator), ("操作", self.action),
                              ("对象", self.entity), ("从", self.since), ("到", self.until)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        for widget in (self.operator, self.action, self.entity):
            widget.currentIndexChanged.connect(lambda _i: self.load())
        self.since.dateChanged.connect(lambda _d: self.load())
        self.until.dateChanged.connect(lambda _d: self.load())
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("audit")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((165, 90, 70, 80, 60)):
            self.table.setColumnWidth(column, width)
        self.count = QLabel()
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.setObjectName("export")
        self.export_button.clicked.connect(self.export)
        self.export_button.setEnabled(database.operator is not None
                                      and allows(database.operator.role, ADMIN))
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        if person_id is None:
            layout.addLayout(filters)
        layout.addWidget(self.table)
        layout.addLayout(bottom)
        self.load()

    def where(self) -> audit.Filter:
        if self.person_id is not None:
            return audit.Filter(person_id=self.person_id)
        return audit.Filter(operator=self.operator.currentData(),
                            action=self.action.currentData(), entity=self.entity.currentData(),
                            since=to_date(self.since.date()), until=to_date(self.until.date()))

    def load(self) -> None:
        where = self.where()
        where.limit = SHOWN + 1
        found = audit.entries(self.database, where)
        full = may_see_full(self.database.operator)
        self.table.setRowCount(min(len(found), SHOWN))
        for row, e in enumerate(found[:SHOWN]):
            text = e.change_text() if full else audit.masked_text(e)
            values = (f"{e.at:%Y-%m-%d %H:%M:%S}", e.operator, e.action_label, e.entity_label,
                      "" if e.person_id is None else str(e.person_id), text)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == len(values) - 1:
                    item.setToolTip(value.replace(";", "\n"))
                self.table.setItem(row, column, item)
        more = "(只显示最新的 2000 条,请缩小范围或导出)" if len(found) > SHOWN else ""
        self.count.setText(f"共 {min(len(found), SHOWN)} 条{more}")

    def export(self) -> None:
        # Never in the register's own folder (issue 15), the last folder used else Documents.
        path = ask_save_path(self, "导出审计日志", "审计日志.xlsx", "Excel 工作簿 (*.xlsx)",
                             ".xlsx")
        if not path:
            return
        from carecenter.access.audit_export import export_log

        try:
            count = export_log(self.database, self.where(), path)
        except KnownError as e:
            self.count.setText(e.message)
            return
        self.count.setText(f"已导出 {count} 条:{path}")
