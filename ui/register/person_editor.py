"""The person editor: one tab per section of the basic-information form (一人一档).

The tabs are built from the declarations of the person's kinds (``carecenter.rules.kinds``):
the fields of each section, and a table for each role of the people around the person
(赡养人, 父母, 委托监护人, 丈夫). Ticking another kind (a 特困 elder) adds its tabs in
place, keeping what was typed. Messages from the core show beside the field they name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from carecenter.care.care_book import CareBook
from carecenter.errors import FieldError, KnownError, ValidationFailed
from carecenter.register.people import (
    EVENT_LABELS,
    IncompleteFile,
    LikelyDuplicate,
    PersonDraft,
    PersonFile,
    Register,
    missing_facts,
)
from carecenter.rules import idnumber
from carecenter.rules.fields import PERSON
from carecenter.rules.kinds import DEFAULT_KIND, KINDS, Kinds, Role, combined
from carecenter.rules.leftbehind import Verdict
from carecenter.storage.models import ACTIVE, EXIT_REASONS, EXITED
from ui.care.care_panel import CarePanel
from ui.documents.agreement_panel import AgreementPanel
from ui.register.supporters_panel import SupportersPanel
from ui.widgets.elided_label import ElidedLabel
from ui.widgets.field_widgets import FieldForm, confirm_buttons
from ui.widgets.screen_fit import fit_resize
from ui.widgets.tab_keys import tab_keys


class PersonEditor(QDialog):
    def __init__(self, register: Register, person_id: int | None = None,
                 parent: QWidget | None = None, kinds: Sequence[str] | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.person_id = person_id
        self.file: PersonFile | None = register.load(person_id) if person_id else None
        self.kindset: Kinds = self.file.kindset if self.file else \
            combined(kinds or (DEFAULT_KIND.code,))
        self.kind = self.kindset.primary
        self.saved_id: int | None = None
        self._filled: dict[str, Any] = {}  # values the ID number filled in
        self.setWindowTitle(f"编辑档案:{self.file.name}" if self.file else "新建档案")
        fit_resize(self, 760, 640)

        # One line per kind, cut to the width (the whole in its tooltip): wrapped, a
        # child's verdict took two lines and the editor passed 640 px (issue 19).
        self.verdict_label = ElidedLabel()
        self.verdict_label.setObjectName("verdict")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)

        self.tabs = QTabWidget()
        self.forms: list[FieldForm] = []
        self.panels: list[SupportersPanel] = []
        self.supporters: SupportersPanel  # the first role's panel (_build_tabs)
        self._others: list[dict[str, Any]] = []  # rows of a role no tab shows now
        self._kind_tabs = 0
        self.kind_boxes: dict[str, QCheckBox] = {}
        kind_row = QHBoxLayout()
        kind_row.addWidget(QLabel("关爱对象类别:"))
        for code, k in KINDS.items():
            box = QCheckBox(k.label)
            box.setObjectName(f"kind_{code}")
            box.setChecked(code in self.kindset.codes)
            box.toggled.connect(self._kinds_ticked)
            self.kind_boxes[code] = box
            kind_row.addWidget(box)
        kind_row.addStretch()
        self._build_tabs()
        self.care_panel: CarePanel | None = None
        self.agreement_panel: AgreementPanel | None = None
        self.colour_label = QLabel()
        self.colour_label.setObjectName("colour")
        if self.file:
            if self.file.status == ACTIVE:
                self.care_panel = CarePanel(CareBook(register.database, register.today),
                                            register, self.file.id, self.file.name)
                self.colour_label.setText(self.care_panel.summary.text())
                self.tabs.addTab(self.care_panel, "走访与评估")
                if "agreement" in self.kindset.documents:
                    self.agreement_panel = AgreementPanel(register.database, self.file,
                                                          register.today, self._trustees)
                    self.tabs.addTab(self.agreement_panel, "委托协议")
            self.tabs.addTab(self._history(self.file), "变更记录")

        buttons = confirm_buttons(self, "保存(Ctrl+S)", self.save)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)
        tab_keys(self.tabs, self)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addLayout(kind_row)
        if self.care_panel:
            layout.addWidget(self.colour_label)
            panel = self.care_panel
            panel.on_change.append(lambda: self.colour_label.setText(panel.headline()))
            panel.on_change.append(self._history_changed)
        if self.agreement_panel:
            self.agreement_panel.on_change.append(self._history_changed)
        layout.addWidget(self.verdict_label)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.update_verdict)
        self._load()
        self.dirty = False
        self._connect()
        self.update_verdict()
        # The first field has the cursor, so that what the clerk types is not lost.
        self.input("name").focus()
        self.writable = self._may_write()
        if not self.writable:
            self._read_only(buttons)

    def _may_write(self) -> bool:
        from carecenter.rules.roles import CLERK, allows

        operator = self.register.database.operator
        return operator is None or allows(operator.role, CLERK)

    def _read_only(self, buttons: QDialogButtonBox) -> None:
        """A 查看 operator reads the file and prints from it: what would write is grey
        (the core refuses it anyway, issue 18), and nothing asks to be saved."""
        if self.file is not None:
            self.setWindowTitle(f"查看档案:{self.file.name}")
            self.status_label.setText(self.status_label.text() + " · 查看权限:只能查看和打印")
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        ok.setToolTip("查看权限不能修改档案")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("关闭")
        for box in self.kind_boxes.values():
            box.setEnabled(False)
        for form in self.forms:
            form.set_read_only(True)  # shown, selectable, not editable
        for panel in self.panels:
            panel.set_read_only(True)
        if self.care_panel is not None:
            self.care_panel.set_writable(False)
        if self.agreement_panel is not None:
            self.agreement_panel.set_writable(False)

    def _connect(self) -> None:
        for form in self.forms:
            form.changed.connect(self._changed)
        for panel in self.panels:
            panel.changed.connect(self._changed)
        self.input("id_number").changed.connect(self._id_typed)

    def _build_tabs(self) -> None:
        """The kinds' tabs, first in the row (the care, agreement and history tabs
        stay after them)."""
        for _ in range(self._kind_tabs):
            page = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if page is not None:
                page.deleteLater()
        self.forms, self.panels = [], []
        tabs = self.kindset.tabs()
        for index, (section, content) in enumerate(tabs):
            if isinstance(content, Role):
                panel = SupportersPanel(role=content)
                self.panels.append(panel)
                self.tabs.insertTab(index, panel, section.label)
                continue
            form = FieldForm(content, groups=self.register.groups.list)
            self.forms.append(form)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(form)
            scroll.setObjectName(f"tab_{section.code}")
            self.tabs.insertTab(index, scroll, section.label)
        self._kind_tabs = len(tabs)
        # A kind without people around it (特困) still answers for its empty panel.
        self.supporters = self.panels[0] if self.panels else SupportersPanel()
        self.tabs.setCurrentIndex(0)

    def _kinds_ticked(self) -> None:
        """Another kind ticked (or one unticked): the tabs again, with what was typed."""
        codes = [c for c, box in self.kind_boxes.items() if box.isChecked()]
        if not codes:  # a file is of at least one kind
            box = self.kind_boxes[self.kindset.primary.code]
            box.blockSignals(True)
            box.setChecked(True)
            box.blockSignals(False)
            return
        draft = self.draft()
        primary = self.kindset.primary.code
        self.kindset = combined([primary, *codes] if primary in codes else codes)
        self.kind = self.kindset.primary
        self._build_tabs()
        for form in self.forms:
            form.set_values(draft.values)
        self._set_supporters(draft.supporters)
        self._connect()
        self._changed()

    # -- contents -------------------------------------------------------------------

    def _trustees(self) -> list[tuple[str, str, str]]:
        """Who could be trusted with day-to-day care: the helpers paired with the
        person, then supporters who are not away from the county (name, relation, phone)."""
        from carecenter.documents.document_data import current_helpers
        from carecenter.rules.fields import OUTSIDE_COUNTY, SUPPORTER

        assert self.file is not None
        found = [(c.name, c.role, c.phone)
                 for c in current_helpers(self.register.database, self.file.id)]
        relation = SUPPORTER["relation"]
        for s in self.file.supporters:
            if s.get("location_scope") not in OUTSIDE_COUNTY and s.get("name"):
                found.append((str(s["name"]), relation.choice_label(s.get("relation")),
                              str(s.get("phone") or "")))
        return found

    def input(self, name: str) -> Any:
        """The field's input, its tab's widgets built if they were not yet."""
        for form in self.forms:
            if form.has(name):
                return form.inputs[name]
        raise KeyError(name)

    def _load(self) -> None:
        values: dict[str, Any] = dict(self.file.values) if self.file else {}
        for form in self.forms:
            form.set_values(values)
        self._set_supporters(self.file.supporters if self.file else [])
        if self.file and self.file.status == EXITED:
            reason = EXIT_REASONS.get(self.file.exit_reason or "", "")
            note = f"({self.file.exit_note})" if self.file.exit_note else ""
            when = f"{self.file.exit_date:%Y-%m-%d}" if self.file.exit_date else ""
            self.status_label.setText(
                f"档案号 {self.file.id} · {self.file.name} · 已于 {when} 退出:{reason}{note}"
            )
            self.status_label.setStyleSheet("color: #808080; font-weight: bold;")
        elif self.file:
            self.status_label.setText(f"档案号 {self.file.id} · {self.file.name} · 在册"
                                      + self._to_fill(self.file.values))
            self.status_label.setStyleSheet("font-weight: bold;")
        else:
            self.status_label.setText(f"新建档案 · {self.kindset.label}")

    def _set_supporters(self, rows: list[dict[str, Any]]) -> None:
        shown = {p.role.code for p in self.panels}
        for panel in self.panels:
            panel.set_supporters(rows)
        self._others = [r for r in rows if (r.get("role") or "supporter") not in shown]

    @staticmethod
    def _to_fill(values: dict[str, Any]) -> str:
        """· 待补充身份证号、出生日期、性别: what a thin ledger left out of the file."""
        if values.get("id_number"):
            return ""
        labels = [PERSON[name].label for name in ("id_number", *missing_facts(values))]
        return " · 待补充" + "、".join(labels)

    def _history(self, file: PersonFile) -> QWidget:
        """变更记录: from the audit log, who changed what, each field old → new (issue 18);
        before the log existed, the file's own events (what changed, not the values)."""
        self.history = QListWidget()
        self.history.setObjectName("history")
        self.history.setWordWrap(True)
        self._fill_history(file)
        return self.history

    def _fill_history(self, file: PersonFile) -> None:
        from carecenter.access import audit

        database = self.register.database
        self.history.clear()
        for e in audit.entries(database, audit.Filter(person_id=file.id)):
            self.history.addItem(f"{e.at:%Y-%m-%d %H:%M}  {e.operator}  {e.action_label}"
                                 f"{e.entity_label}  {e.change_text()}")
        # The file's events since the log began are in it, with their values (a
        # correction writes both, the event a moment before its log entry).
        began = audit.began(database)
        for at, event, effective, detail in reversed(file.events):
            if began is not None and at >= began:
                continue
            day = f"(生效 {effective:%Y-%m-%d})" if effective else ""
            self.history.addItem(f"{at:%Y-%m-%d %H:%M}  {EVENT_LABELS.get(event, event)}{day}"
                                 f"  {detail}(启用审计日志之前的记录)")

    def _history_changed(self) -> None:
        """A visit, need or agreement written from this file: its 变更记录 says so now."""
        if self.file is not None:
            self._fill_history(self.register.load(self.file.id))

    def draft(self) -> PersonDraft:
        values: dict[str, Any] = {}
        for form in self.forms:
            values.update(form.values())
        rows = [r for panel in self.panels for r in panel.supporters()] + self._others
        return PersonDraft(values, rows, self.kindset.primary.code, list(self.kindset.codes),
                           self.file.updated_at if self.file else None)

    def _id_typed(self) -> None:
        """Check the number as soon as it is whole; fill birth date and sex from it."""
        field_input = self.input("id_number")
        text = idnumber.normalise(field_input.value())
        if len(text) < 18:
            # Not yet whole (an old 15-digit number is checked on saving): no red while typing.
            field_input.show_error(None)
            return
        try:
            info = idnumber.parse(text, today=self.register.today())
        except FieldError as e:
            field_input.show_error(e.message)
            return
        holder = self.register.find_by_id_number(info.number)
        if holder is not None and holder != self.person_id:
            name = self.register.load(holder).name
            field_input.show_error(f"身份证号 {info.number} 已登记在 {name}(档案号 {holder})名下")
            return
        field_input.show_error(None)
        for name, value in (("birth_date", info.birth_date), ("sex", info.sex)):
            target = self.input(name)
            # Fill what is empty or was filled from an earlier (mistyped) number.
            if target.value() in (None, "") or self._filled.get(name) == target.value():
                target.set_value(value)
                self._filled[name] = target.value()

    def _changed(self) -> None:
        self.dirty = True
        self._timer.start()

    def update_verdict(self) -> Verdict | None:
        """Recompute the 留守 verdict from what is typed now, without saving."""
        draft = self.draft()
        try:
            values, supporters, _ = self.register.clean(draft)
        except ValidationFailed:
            self.verdict_label.setText("留守认定:资料有误或不全,改正后显示")
            self.verdict_label.setStyleSheet("color: #808080;")
            return None
        preview = PersonFile(0, draft.kind, "active", values, supporters,
                             kinds=tuple(draft.kinds))
        verdict = self.register.verdict(preview)
        lines = []
        for v in self.register.verdicts(preview).values():
            mark = "✔ " if v.left_behind else "? " if v.undecided else "✘ "
            lines.append(mark + v.text)
        self.verdict_label.setText("\n".join(lines))
        colour = ("#1e7e34" if verdict.left_behind else
                  "#808080" if verdict.undecided else "#8a6d3b")
        self.verdict_label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        return verdict

    # -- saving -----------------------------------------------------------------------

    def save(self) -> None:
        if not self.writable:  # Ctrl+S of a 查看 operator
            return
        draft = self.draft()
        for form in self.forms:
            form.clear_errors()
        allowed = {"allow_duplicate": False, "allow_incomplete": False}
        while True:  # each question answered Yes lets the next save past it
            try:
                result = self.register.save(draft, self.person_id, **allowed)
                break
            except LikelyDuplicate as e:
                answer = QMessageBox.question(
                    self, "可能重复登记",
                    e.message + "\n\n确定这是另一个人,仍然保存吗?",
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return
                allowed["allow_duplicate"] = True
            except IncompleteFile as e:
                # Ask beside the fields, but never leave the clerk unable to save.
                self._show_errors(ValidationFailed(e.field_errors()))
                answer = QMessageBox.question(
                    self, "资料不全", e.message + "\n\n现在先保存,以后再补充吗?",
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return
                allowed["allow_incomplete"] = True
            except ValidationFailed as e:
                self._show_errors(e)
                return
            except KnownError as e:
                QMessageBox.warning(self, "无法保存", e.message)
                return
        self.saved_id = result.person_id
        self.dirty = False
        # A file that was already incomplete says so in its status line; its 待补充
        # reminders need no box after every save, only other warnings do.
        warnings = [w for w in result.warnings
                    if not (self.file is not None and w.startswith("待补充"))]
        if warnings:
            QMessageBox.information(self, "已保存,请留意", "\n".join(warnings))
        self.accept()

    def _show_errors(self, failure: ValidationFailed) -> None:
        person_errors: dict[str, str] = {}
        supporter_errors: dict[int, dict[str, str]] = {}
        for e in failure.errors:
            if e.row is None:
                person_errors.setdefault(e.field, e.message)
            else:
                supporter_errors.setdefault(e.row, {}).setdefault(e.field, e.message)
        first_tab = None
        first_input = None
        for form in self.forms:
            first = form.show_errors(person_errors)
            if first is not None and first_tab is None:
                first_tab, first_input = form, first
        if first_tab is not None and first_input is not None:
            for index in range(self.tabs.count()):
                page = self.tabs.widget(index)
                if isinstance(page, QScrollArea) and page.widget() is first_tab:
                    self.tabs.setCurrentIndex(index)
                    break
            first_input.focus()
            self._show_supporter_errors(supporter_errors)
        else:
            shown = self._show_supporter_errors(supporter_errors)
            if shown is not None:
                self.tabs.setCurrentWidget(shown)

    def _show_supporter_errors(self, errors: dict[int, dict[str, str]]
                               ) -> SupportersPanel | None:
        """Errors are numbered by the draft's rows (each panel's in turn): each panel
        shows its own; the first panel with one is returned."""
        first = None
        offset = 0
        for panel in self.panels:
            count = len(panel.rows)
            mine = {i - offset: e for i, e in errors.items() if offset < i <= offset + count}
            if panel.show_errors(mine) and first is None:
                first = panel
            offset += count
        return first

    def reject(self) -> None:
        if self.dirty and self.writable:  # a 查看 operator's typing could not be saved
            answer = QMessageBox.question(
                self, "放弃修改", "档案有未保存的修改,确定不保存就关闭吗?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    def keyPressEvent(self, event: Any) -> None:
        # Enter in a one-line field moves on rather than closing the dialog half-filled.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.focusNextChild()
            return
        super().keyPressEvent(event)
