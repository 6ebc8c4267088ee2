"""The register's filters by 留守认定 and by housing risk (issue 17): the stored verdict
and the file's 住房安全隐患, as combo boxes whose data is the ``RegisterQuery`` value."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from carecenter.register.columns import ANY_RISK
from carecenter.rules.fields import PERSON
from carecenter.rules.leftbehind import VERDICT_LABELS


def verdict_filter() -> QComboBox:
    box = QComboBox()
    box.setObjectName("verdict_filter")
    box.addItem("全部", None)
    for code, label in VERDICT_LABELS.items():
        box.addItem(label, code)
    return box


def housing_filter() -> QComboBox:
    box = QComboBox()
    box.setObjectName("housing_filter")
    box.addItem("全部", None)
    box.addItem("有任一隐患", ANY_RISK)
    for choice in PERSON["housing_risks"].choices:
        box.addItem(choice.label, choice.code)
    return box
