"""Who a ledger row is on the register: by ID number, else by name and village group; an
ID Excel truncated (ending in 000), the same person on two sheets, a row saying the person
left (an exit proposed, written only when the clerk confirms). Read once per preview."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from carecenter import clock
from carecenter.errors import FieldError
from carecenter.ledger import cells, sheet_kinds
from carecenter.ledger.compare import status_code
from carecenter.ledger.exits import ExitProposal, proposed_exit
from carecenter.ledger.import_preview import (  # noqa: F401 (re-exported)
    ACTION_LABELS,
    IGNORED,
    NEW,
    REFUSED,
    UPDATE,
    ChangedSincePreview,
    ImportResult,
    Preview,
    Problem,
    RowPreview,
    changed_since_preview,
    fingerprint,
)
from carecenter.ledger.workbook import text_of
from carecenter.register.groups import GroupIndex
from carecenter.register.people import Register
from carecenter.rules import divisions, idnumber
from carecenter.rules.fields import PERSON, PERSON_FIELDS, SUPPORTER
from carecenter.settings.settings_store import Settings
from carecenter.storage.database import Database
from carecenter.storage.models import CURRENT_SUPPORTER, EXITED, person, supporter, village_group


@dataclass
class Stored:
    """What the register holds, read once per preview."""

    by_id: dict[str, int] = field(default_factory=dict)
    by_name_group: dict[tuple[str, int | None], list[int]] = field(default_factory=dict)
    without_id: set[int] = field(default_factory=set)
    births: dict[int, date | None] = field(default_factory=dict)
    exited: set[int] = field(default_factory=set)
    groups: GroupIndex = field(default_factory=lambda: GroupIndex(()))
    keys: dict[str, str] = field(default_factory=dict)  # a group as written → its key
    # A group as written → the register's group of another name it means (三队 → 三组).
    aliases: dict[str, str] = field(default_factory=dict)


class RowMatching:
    """The importer's matching half (``importer.LedgerImport`` is one)."""

    def __init__(self, database: Database, today: Callable[[], date] = clock.today) -> None:
        self.database = database
        self.register = Register(database, today=today)
        self.settings = Settings(database)
        self.today = today
        # field → sheet column per sheet, for the preview's cells
        self._columns: dict[str, dict[str, int]] = {}
        self.book: list[sheet_kinds.SheetPlan] = []  # every sheet of the workbook opened
        self._home: divisions.Home | None = None  # the village's county, from 本村设置
        self._created: dict[int, int] = {}  # id(row) → the person an apply created for it
        # name → rows without an ID read so far, to know a person on two sheets (issue 16)
        self._without_id: dict[str, list[tuple[RowPreview, dict[str, Any]]]] = {}
        # id(layout) → how its rows are read (row_reading), made anew for each preview
        self._readings: dict[int, Any] = {}

    def _column(self, row: RowPreview, name: str) -> int | None:
        columns = self._columns.get(row.sheet) or next(iter(self._columns.values()), {})
        return columns.get(name)

    def _stored(self) -> Stored:
        stored = Stored()
        with self.database.session() as session:
            query = select(person.c.id, person.c.id_number, person.c.name,
                           person.c.group_id, person.c.status, person.c.birth_date)
            for pid, number, name, group_id, status, birth in session.execute(query):
                stored.births[pid] = birth
                if number:
                    stored.by_id[number] = pid
                else:
                    stored.without_id.add(pid)
                stored.by_name_group.setdefault((name, group_id), []).append(pid)
                if status == EXITED:
                    stored.exited.add(pid)
            stored.groups = GroupIndex(
                session.execute(select(village_group.c.id, village_group.c.name)))
        return stored

    def _match(self, row: RowPreview, values: dict[str, Any], stored: Stored,
               seen_ids: dict[str, tuple[RowPreview, dict[str, Any]]],
               seen_names: dict[tuple[str, str], str]) -> None:
        raw_id = values.get("id_number")
        label = PERSON["id_number"].label
        number = None
        damage = values.pop("_id_damage", None)
        if damage is not None and self._damaged(row, values, damage, stored):
            raw_id = None
        if raw_id:
            try:
                info = idnumber.parse(raw_id, today=self.today())
            except FieldError as e:
                row.action = REFUSED
                row.errors.append(Problem(label, e.message, None))
                return
            number = info.number
            values["_id_info"] = info
            row.id_number = number
            if number in seen_ids:
                first, first_values = seen_ids[number]
                if first.sheet != row.sheet and first_values.get("name") == values.get("name"):
                    # The same person on two sheets (a 总表 and a group's sheet): read once,
                    # the group taken from whichever sheet gives one.
                    if first_values.get("group_id") is None and values.get("group_id") is not None:
                        first_values["group_id"] = values["group_id"]
                        first.new_group = first.new_group or row.new_group
                    added = _merge_same(first, first_values, row, values)
                    row.action = IGNORED
                    row.errors.append(Problem("", f"与{first.where}是同一人(身份证号、姓名相同),"
                                                  f"已在那里读入{added}"))
                    row.warnings = []
                    row.new_group = None
                    return
                row.action = REFUSED
                row.errors.append(Problem(
                    label, f"与{first.where}身份证号相同;同一文件中只保留第一行"))
                return
            seen_ids[number] = (row, values)
            if info.upgraded_from:
                row.warnings.append(Problem(label, f"15 位旧号 {info.upgraded_from} 已升为 18 位"))
        name = str(values.get("name") or "")
        group = values.get("group_id")
        if number and number in stored.by_id:
            row.action, row.person_id = UPDATE, stored.by_id[number]
            row.basis = "身份证号"
        elif name:
            candidates = stored.by_name_group.get((name, group), [])
            if number:
                candidates = [c for c in candidates if c in stored.without_id]
            elif len(candidates) > 1:
                candidates = self._narrow(candidates, values, stored)
            if len(candidates) == 1:
                row.action, row.person_id = UPDATE, candidates[0]
                row.basis = "姓名和村民小组"
                if number:
                    row.warnings.append(Problem(label, "按姓名和村民小组找到登记册上尚无身份证号的"
                                                       "同一人,将补上身份证号"))
            elif len(candidates) > 1 and not number:
                row.action = REFUSED
                row.errors.append(Problem(
                    "姓名", f"登记册上同一村民小组有 {len(candidates)} 位“{name}”,"
                    "没有身份证号无法分辨是哪一位,请补充身份证号"))
                return
        if not number:
            if self._same_on_another_sheet(row, values, name, group):
                return
            birth = values.get("birth_date")
            key = (name, f"{group}|{birth or ''}")
            if key in seen_names:
                row.action = REFUSED
                row.errors.append(Problem(
                    "姓名", f"与{seen_names[key]}姓名、村民小组相同且都没有身份证号,"
                    "无法分辨,请补充身份证号"))
                return
            seen_names[key] = row.where
        if row.person_id in stored.exited:
            row.warnings.append(Problem("", "此人已退出登记册,只更新档案内容"))

    def _same_on_another_sheet(self, row: RowPreview, values: dict[str, Any], name: str,
                               group: Any) -> bool:
        """A person without an ID number on a 总表 and again on a group's sheet is one
        person (a group's sheet names the group the 总表 left out): read once, said so."""
        if not row.sheet or not name:
            return False
        for first, first_values in self._without_id.get(name, []):
            theirs = first_values.get("group_id")
            if first.sheet == row.sheet or not (theirs is None or group is None
                                                or theirs == group):
                continue
            if theirs is None and group is not None:
                first_values["group_id"] = group
                first.new_group = first.new_group or row.new_group
            added = _merge_same(first, first_values, row, values)
            row.action, row.person_id, row.warnings, row.new_group = IGNORED, None, [], None
            row.errors.append(Problem("", f"与{first.where}同名、都没有身份证号且村民小组不矛盾,"
                                          f"按同一人处理,已在那里读入{added};"
                                          "如是两个人,请补充身份证号"))
            return True
        self._without_id.setdefault(name, []).append((row, values))
        return False

    def _damaged(self, row: RowPreview, values: dict[str, Any], damage: tuple[str, str],
                 stored: Stored) -> bool:
        """An ID Excel damaged (a number cell: 4.30524E+17; …000 typed back) is not
        trusted: the person comes in 待补充身份证号, flagged 身份证号待核实, the number
        kept in 备注 and the birth date taken from its intact digits (issue 16)."""
        left, said = damage
        column = self._column(row, "id_number")
        if left in stored.by_id:  # already on the register so: matched, and flagged
            row.warnings.append(Problem("身份证号", f"身份证号待核实:{said};登记册上也是"
                                                   f"“{left}”,请对照身份证核对", column))
            return False
        values.pop("id_number", None)
        values.setdefault("_notes", []).append(f"疑被截断的身份证号:{left}")
        birth = cells.birth_in(left, self.today())
        got = ""
        if birth is not None and not values.get("birth_date"):
            values["birth_date"] = birth
            got = f",出生日期按前 14 位记为 {birth:%Y-%m-%d}"
        row.warnings.append(Problem(
            "身份证号", f"身份证号待核实:{said};未作为身份证号导入,原值记入备注{got},"
            "请对照身份证补录", column))
        return True

    def _exited_in_ledger(self, row: RowPreview, status: str, stored: Stored) -> None:
        """A ledger (our own export, the township's list) may say someone has left: no
        new file for them, and a person still on the register is only flagged; an exit
        needs its date and reason, given in the person's file."""
        if not status or status_code(status) != EXITED or not row.accepted:
            return
        if "退出" not in status and proposed_exit(status, self.today()) is not None:
            return  # 已故, 户口已迁出: an exit proposed, with its reason and date

        if row.action == NEW:
            row.action = IGNORED
            row.errors.append(Problem("", f"台账中此人状态为“{status}”,不新建档案"))
            row.warnings = []
            row.new_group = None
        elif row.person_id not in stored.exited:
            row.warnings.append(Problem("状态", f"台账中为“{status}”,登记册上仍在册;"
                                              "如属实,请在档案中办理退出"))

    def _listed_as_exited(self, row: RowPreview, heading: tuple[int, str],
                          values: dict[str, Any], stored: Stored) -> None:
        """A row under a 退出人员名单 heading, read as a 状态 of 退出 is: nobody new is
        created for it; a person still on the register is proposed for an exit, with the
        reason its 备注 (or the heading: 死亡人员) gives, else 其他, for the clerk to
        confirm (reviewer: such rows came in as active people)."""
        where = f"列在第 {heading[0]} 行“{heading[1][:20]}”下"
        if row.action == NEW:
            row.action = IGNORED
            row.errors.append(Problem("", f"{where}(已退出的人),登记册上没有此人,不新建档案"))
            row.warnings = []
            row.new_group = None
            return
        if not row.accepted or row.person_id in stored.exited:
            return
        self._propose_exit(row, "", values, stored)
        if row.exit is not None:
            return
        today = self.today()
        row.exit = proposed_exit(heading[1], today) or ExitProposal(
            "other", today, heading[1], False)
        row.warnings.append(Problem("", f"{where},登记册上仍在册:" + row.exit.describe()
                                    + ";导入时须确认,原因可在档案中改正"))

    def _propose_exit(self, row: RowPreview, status: str, values: dict[str, Any],
                      stored: Stored) -> None:
        """状态 or 备注 saying the person died, moved into a home or has children back:
        an exit proposed with its reason and date, for the clerk to confirm."""
        if not row.accepted or row.person_id in stored.exited:
            return
        # 岑桂花（已故）: what is written after the name counts as a remark does.
        after = "".join(n[5:] for n in values.get("_notes", ()) if n.startswith("姓名后注:"))
        for label, text in (("状态", status), ("备注", str(values.get("note") or "")),
                            ("姓名", after)):
            if not text.strip():
                continue  # most rows say nothing of the kind
            proposal = proposed_exit(text, self.today())
            if proposal is not None:
                row.exit = proposal
                row.warnings.append(Problem(label, proposal.describe() + ";导入时须确认",
                                            self._column(row, "note") if label == "备注" else None))
                return

    @staticmethod
    def _narrow(candidates: list[int], values: dict[str, Any], stored: Stored) -> list[int]:
        """Several people of that name in the group: the one with the row's birth date,
        else the one still without an ID number (whom an ID-less ledger row describes)."""
        birth = values.get("birth_date")
        if isinstance(birth, date):
            same = [c for c in candidates if (b := stored.births.get(c)) is not None
                    and (b == birth or (b.year, b.month) == (birth.year, birth.month)
                         and birth.day == 1)]
            if same:
                candidates = same
        if len(candidates) > 1:
            without = [c for c in candidates if c in stored.without_id]
            if len(without) == 1:
                return without
        return candidates

    def _load_files(self, ids: set[int]) -> dict[int, tuple[dict[str, Any], list[dict[str, Any]]]]:
        """Stored values and supporters of the people the file updates, read in batches."""
        files: dict[int, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
        wanted = sorted(ids)
        names = [f.name for f in PERSON_FIELDS]
        with self.database.session() as session:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                query = select(person.c.id, *(person.c[n] for n in names)).where(
                    person.c.id.in_(chunk))
                for r in session.execute(query):
                    files[r[0]] = (dict(zip(names, r[1:], strict=True)), [])
                squery = select(supporter).where(
                    supporter.c.person_id.in_(chunk), CURRENT_SUPPORTER).order_by(
                    supporter.c.person_id, supporter.c.position)
                for s in session.execute(squery).mappings():
                    values = {f: s[f] for f in SUPPORTER}
                    files[s["person_id"]][1].append({"id": s["id"], **values})
        return files


def _merge_same(first: RowPreview, first_values: dict[str, Any], row: RowPreview,
                values: dict[str, Any]) -> str:
    """The same person again on another sheet (a 总表 and a group's sheet): what this
    row adds (its supporters, fields the first row left empty) goes onto the first row,
    and a field the two rows give differently is flagged there; nothing is dropped
    unseen. Says what was added, for the ignored row's line in the preview."""
    added: list[str] = []
    for key, value in values.items():
        if key.startswith("_") or key == "group_id" or key not in PERSON:
            continue
        theirs = first_values.get(key)
        if theirs in (None, ""):
            first_values[key] = value
            added.append(PERSON[key].label)
        elif theirs != value:
            first.warnings.append(Problem(PERSON[key].label, (
                f"{row.where}写作“{text_of(value)}”,与本行“{text_of(theirs)}”不同,"
                "按本行导入,请核对")))
    for key in ("_age", "_status"):
        if key in values and key not in first_values:
            first_values[key] = values[key]
    if values.get("_notes"):
        first_values.setdefault("_notes", []).extend(values["_notes"])
    mine = first_values.get("_supporters")
    if mine is not None:
        for entry in values.get("_supporters") or []:
            same = next((s for s in mine if entry.get("name") and s.get("name") == entry["name"]),
                        None)
            if same is None:
                mine.append(entry)
                added.append(f"赡养人{entry.get('name') or ''}")
                continue
            for key, value in entry.items():
                if key != "_columns" and same.get(key) in (None, "") and value not in (None, ""):
                    same[key] = value
                    added.append(f"赡养人{entry['name']}的{SUPPORTER[key].label}")
    return f";本行的{'、'.join(dict.fromkeys(added))}已并入那一行" if added else ""
