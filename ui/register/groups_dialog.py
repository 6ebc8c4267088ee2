"""The list of village groups (村民小组): add, rename, reorder, stop using."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecenter.errors import KnownError
from carecenter.register.groups import GroupBook
from ui.widgets.screen_fit import fit_resize


class GroupsDialog(QDialog):
    def __init__(self, groups: GroupBook, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.groups = groups
        self.setWindowTitle("村民小组")
        fit_resize(self, 420, 420)
        self.list = QListWidget()
        self.list.setObjectName("groups_list")
        self.list.itemDoubleClicked.connect(lambda _item: self.rename())
        actions = (
            ("新增(&N)", self.add),
            ("改名(&R)", self.rename),
            ("上移(&U)", lambda: self.move_group(-1)),
            ("下移(&D)", lambda: self.move_group(1)),
            ("停用/启用", self.toggle),
            ("关闭", self.accept),
        )
        side = QVBoxLayout()
        for label, slot in actions:
            button = QPushButton(label)
            button.clicked.connect(slot)
            side.addWidget(button)
        side.addStretch()
        row = QHBoxLayout()
        row.addWidget(self.list)
        row.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("停用的小组不再出现在选择列表中,已登记的人员保留所属小组。"))
        layout.addLayout(row)
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        self.list.clear()
        for group in self.groups.list(counts=True):
            state = "" if group.active else "(已停用)"
            item = QListWidgetItem(f"{group.name}{state}  —  在册 {group.people} 人")
            item.setData(Qt.ItemDataRole.UserRole, group.id)
            self.list.addItem(item)
            if group.id == select:
                self.list.setCurrentItem(item)

    def _current(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _try(self, action: object, select: int | None = None) -> None:
        try:
            result = action() if callable(action) else None
        except KnownError as e:
            QMessageBox.warning(self, "村民小组", e.message)
            return
        self.refresh(result if isinstance(result, int) else select)

    def add(self) -> None:
        name, ok = QInputDialog.getText(self, "新增村民小组", "名称(如:三组):")
        if ok:
            self._try(lambda: self.groups.add(name))

    def rename(self) -> None:
        group_id = self._current()
        if group_id is None:
            return
        current = next(g.name for g in self.groups.list() if g.id == group_id)
        name, ok = QInputDialog.getText(self, "村民小组改名", "新名称:", text=current)
        if ok:
            self._try(lambda: self.groups.rename(group_id, name), group_id)

    def move_group(self, step: int) -> None:
        group_id = self._current()
        if group_id is not None:
            self._try(lambda: self.groups.move(group_id, step), group_id)

    def toggle(self) -> None:
        group_id = self._current()
        if group_id is None:
            return
        active = next(g.active for g in self.groups.list() if g.id == group_id)
        self._try(lambda: self.groups.set_active(group_id, not active), group_id)
