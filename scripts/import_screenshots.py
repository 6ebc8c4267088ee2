"""Screenshots of the import wizard's pages on a messy sample ledger, offscreen.

    QT_QPA_PLATFORM=offscreen python scripts/import_screenshots.py --out screenshots/

Builds a sample ledger like a village's (title rows, merged two-row header, IDs in
every form, a total row) and a fresh register in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget  # noqa: E402

from carecenter.cli.access_cli import open_register  # noqa: E402
from ui.shell.app import choose_font  # noqa: E402


def grab(widget: QWidget, path: Path) -> None:
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    choose_font(app)
    from tests.ledger_books import messy_ledger, save
    from ui.ledger.import_wizard import ImportWizard

    # Confirmations answer yes, so every page can be reached without a hand on the mouse.
    QMessageBox.question = lambda *a, **k: QMessageBox.StandardButton.Yes  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as folder:
        ledger = messy_ledger(Path(folder) / "某某村留守老人台账.xlsx")
        import openpyxl

        book = openpyxl.load_workbook(ledger)
        sheet = book.active
        assert sheet is not None
        sheet.insert_rows(10, 3)
        for offset, row in enumerate((
            [6, "孙八", "男", "430524450101031", None, "2组"],
            [7, "钱七", "女", 4.30524195003122e17, None, "二组"],
            [8, "周九", "男", "430524194907050019", None, "二组"],
        )):
            for col, value in enumerate(row, start=1):
                sheet.cell(10 + offset, col, value)
        book.save(ledger)
        del save
        database = open_register(str(Path(folder) / "register.db"), must_exist=False)
        wizard = ImportWizard(database)
        wizard.resize(1000, 640)
        wizard.show()
        wizard.file_page.path.setText(str(ledger))
        wizard.file_page.load_sheets()
        grab(wizard, out / "import_1_file.png")
        wizard.next()
        grab(wizard, out / "import_2_mapping.png")
        wizard.next()
        grab(wizard, out / "import_3_preview.png")
        wizard.next()
        grab(wizard, out / "import_4_result.png")
        wizard.close()
        wizard.deleteLater()
        QApplication.processEvents()
        database.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
