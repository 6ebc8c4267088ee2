"""The main window's commands: add, open, exit and reinstate a file, record a visit or an
assessment, open each of the program's windows (a part of ``ui.shell.main_window``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMainWindow

from carecenter.errors import KnownError

if TYPE_CHECKING:
    from PySide6.QtWidgets import QComboBox, QTabWidget

    from carecenter.care.care_book import CareBook
    from carecenter.register.columns import RegisterQuery
    from carecenter.register.people import Register
    from carecenter.storage.database import Database
    from ui.care.needs_window import NeedsWindow
    from ui.overview.worklist_view import WorkListView
    from ui.register.register_model import RegisterModel
    from ui.shell.register_tab import RegisterTable

    _Window = QMainWindow
else:
    _Window = object  # a part of MainWindow, which is the QMainWindow


class Commands(_Window):
    """What the menus, the toolbar and the keys do (a part of ``MainWindow``)."""

    database: Database | None
    register: Register
    care: CareBook
    needs: NeedsWindow
    tabs: QTabWidget
    worklist: WorkListView
    model: RegisterModel
    table: RegisterTable
    kind_filter: QComboBox
    _overview_stale: bool

    if TYPE_CHECKING:
        def finish_start(self) -> bool: ...
        def refresh(self, select: int | None = None) -> None: ...
        def current_person(self) -> int | None: ...
        def query(self) -> RegisterQuery: ...

    def show_group_overdue(self, group_id: int | None) -> None:
        """The work list of one group, its overdue items."""
        self.tabs.setCurrentWidget(self.worklist)
        self.worklist.show_overdue(group_id)

    def show_people(self, title: str, what: object) -> None:
        from ui.overview.people_list import PeopleList

        assert self.database is not None  # the overview is read once the database is open
        dialog = PeopleList(self.database, title, what, self.open_person, self)
        dialog.exec()
        dialog.deleteLater()


    def new_person(self) -> None:
        from ui.register.person_editor import (
            PersonEditor,  # dialogs load when first opened (start-up)
        )

        # A new file is of the kind the register is filtered to (儿童: a child's form).
        kind = self.kind_filter.currentData()
        editor = PersonEditor(self.register, None, self, kinds=[kind] if kind else None)
        saved = editor.exec() and editor.saved_id is not None
        editor.deleteLater()
        if saved and editor.saved_id is not None:
            self.refresh(editor.saved_id)

    def open_current(self) -> None:
        person_id = self.current_person()
        if person_id is not None:
            self.open_person(person_id)

    def open_person(self, person_id: int) -> None:
        if not self.finish_start():
            return
        from ui.register.person_editor import PersonEditor

        editor = PersonEditor(self.register, person_id, self)
        saved = editor.exec()
        recorded = editor.care_panel is not None and editor.care_panel.touched
        editor.deleteLater()
        if saved or recorded:
            self.worklist.reload()
            self.refresh(person_id)

    def exit_current(self) -> None:
        person_id = self.current_person()
        if person_id is None:
            return
        file = self.register.load(person_id)
        from ui.register.exit_dialog import ExitDialog

        dialog = ExitDialog(self.register, person_id, file.name, self)
        done = dialog.exec()
        dialog.deleteLater()
        if done:
            self.refresh()
            self.statusBar().showMessage(f"{file.name} 已退出登记,档案保留在“已退出”中", 8000)

    def reinstate_current(self) -> None:
        person_id = self.current_person()
        if person_id is None:
            return
        file = self.register.load(person_id)
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(self, "恢复在册", f"把 {file.name} 恢复为在册?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.register.reinstate(person_id)
        except KnownError as e:
            QMessageBox.warning(self, "恢复在册", e.message)
            return
        self.refresh(person_id)

    def visit_current(self) -> None:
        person_id = self.current_person()
        if person_id is None:
            return
        file = self.register.load(person_id)
        from ui.care.visit_dialog import VisitDialog

        dialog = VisitDialog(self.care, person_id, file.name, self)
        done = dialog.exec()
        dialog.deleteLater()
        if done:
            self.after_care_change(f"已记录 {file.name} 的走访")

    def assess_current(self) -> None:
        person_id = self.current_person()
        if person_id is None:
            return
        from ui.care.assessment_dialog import AssessmentDialog

        dialog = AssessmentDialog(self.care, self.register, person_id, self)
        done = dialog.exec()
        dialog.deleteLater()
        if done:
            self.after_care_change("评估已保存")

    def enter_sheet(self) -> None:
        from ui.care.visit_sheet import VisitSheet

        dialog = VisitSheet(self.care, self)
        dialog.exec()
        saved = dialog.saved
        dialog.deleteLater()
        if saved:
            self.after_care_change(f"已保存 {saved} 条走访记录")

    def declare_round(self) -> None:
        from carecenter.rules.fields import ACTIVE
        from ui.care.round_dialog import RoundDialog

        q = self.query()
        narrowed = q.text.strip() or q.group_id is not None or q.colour is not None
        filtered = list(self.model.ids) if narrowed and q.status == ACTIVE else None
        dialog = RoundDialog(self.care, filtered, self)
        done = dialog.exec()
        dialog.deleteLater()
        if done:
            self.after_care_change("专项走访已建立,名单已列入工作台")

    def open_needs(self) -> None:
        self.needs.reload()
        self.tabs.setCurrentWidget(self.needs)

    def after_care_change(self, message: str) -> None:
        self._overview_stale = True
        self.worklist.reload()
        self.refresh(self.current_person())
        self.statusBar().showMessage(message, 6000)

    def import_ledger(self) -> None:
        from ui.ledger.import_wizard import ImportWizard

        assert self.database is not None  # commands run once the database is open
        wizard = ImportWizard(self.database, self)
        wizard.exec()
        wizard.deleteLater()
        self.worklist.reload()
        self.refresh()

    def edit_groups(self) -> None:
        from ui.register.groups_dialog import GroupsDialog

        dialog = GroupsDialog(self.register.groups, self)
        dialog.exec()
        dialog.deleteLater()
        self.refresh()

    def open_reports(self) -> None:
        from ui.ledger.report_window import ReportWindow

        assert self.database is not None  # commands run once the database is open
        dialog = ReportWindow(self.database, self, today=self.register.today,
                              open_person=self.open_person)
        dialog.exec()
        dialog.deleteLater()

    def edit_settings(self) -> None:
        from ui.settings.settings_dialog import SettingsDialog

        assert self.database is not None  # commands run once the database is open
        dialog = SettingsDialog(self.database, self)
        dialog.exec()
        dialog.deleteLater()

    def edit_helpers(self) -> None:
        from ui.pairing.helpers_window import HelpersWindow

        assert self.database is not None  # commands run once the database is open
        dialog = HelpersWindow(self.database, self)
        dialog.exec()
        dialog.deleteLater()
        self.refresh()

    def suggest_pairing(self) -> None:
        from ui.pairing.pairing_dialog import suggest

        assert self.database is not None  # commands run once the database is open
        if suggest(self.database, self):
            self.refresh()

    def print_documents(self) -> None:
        from ui.documents.print_dialog import PrintDialog

        assert self.database is not None  # commands run once the database is open
        PrintDialog(self.database, self.current_person(), self.model.ids, self).exec()

