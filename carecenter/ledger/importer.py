"""Importing a village's Excel ledger: preview every row, then write them all at once.

The rules (issue 7), the same for every village's ledger:
- a row is matched by ID number, or, where it has none, by name and village group; a
  match is an update (更新), never a second file;
- a row with no ID number still comes in, flagged 待补充身份证号;
- refused (拒绝): a wrong check character, an impossible or future birth date, an
  unknown province, the second and later rows with the same ID in one file (the first
  is kept), and anything the editor itself would refuse;
- normalised: full-width digits, spaces, lower-case x, 15-digit numbers, dates in the
  clerk's forms, group spellings (a group not yet known is created);
- ignored (忽略): blank rows, totals, signatures and notes above or below the table.
Issue 16 adds: every register sheet of a workbook is read in one preview (``sheet_kinds``),
a group from the sheet's name or title; an ID Excel damaged (ending in 000, or a number
cell: 4.30524E+17) comes in without the number, flagged 身份证号待核实; 所在范围 from
去向 (``rules.divisions``); a 状态/备注 saying the person left proposes an exit, written
only when the clerk confirms.
Nothing is written until ``apply``; then all accepted rows go in one transaction,
each through ``Register.save_in`` so the rules are the editor's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from carecenter.access import audit
from carecenter.care import due_dates as duestore
from carecenter.errors import KnownError, ValidationFailed
from carecenter.ledger import column_content, mapping, merged_down, sheet_kinds
from carecenter.ledger.hidden_rows import HIDDEN_WARNING
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
from carecenter.ledger.mapping import Layout
from carecenter.ledger.row_reading import RowReading
from carecenter.ledger.rows import TableShape
from carecenter.ledger.sheet_kinds import NO_TABLE
from carecenter.ledger.workbook import Sheet, read_sheet, read_sheets, text_of
from carecenter.register.groups import group_key
from carecenter.register.people import PersonDraft
from carecenter.rules import divisions, idnumber
from carecenter.rules.roles import CLERK, require
from carecenter.storage import backups
from carecenter.storage.backends import retrying
from carecenter.storage.bulk import collector_paused
from carecenter.storage.models import person

_HEADER_NEEDED = "需要有“姓名”一列,以及身份证号、性别、组别、电话等列中的至少一列。"
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class ImportCancelled(KnownError):
    def __init__(self) -> None:
        super().__init__("导入已取消,登记册没有任何改动")


class LedgerImport(RowReading):
    """One ledger file: open, (re)map, preview, apply."""

    def open(self, path: str | Path, sheet: str | None = None) -> tuple[Sheet, Layout]:
        """The first register sheet and its layout. Without a sheet named, every sheet
        is classified (register, summary, instructions, blank: issue 16) and the preview
        reads all register sheets; the one returned carries the mapping the clerk sees."""
        sheets = [read_sheet(path, sheet)] if sheet is not None else list(read_sheets(path))
        plans = sheet_kinds.plan(sheets)
        chosen = [p for p in plans if p.read] or [
            p for p in plans if p.layout is not None and (sheet is not None or p.kind == NO_TABLE)]
        if chosen:
            self.book = plans
            first = chosen[0]
            assert first.data is not None or first.layout is not None
            data = first.data or next(s for s in sheets if s.name == first.name)
            first.data = data
            assert first.layout is not None
            return data, mapping.apply_saved(self.settings, first.layout)
        if len(plans) > 1:
            reasons = ";".join(f"“{p.name}”{p.kind_label}:{p.reason}" for p in plans)
            raise KnownError(f"在工作簿的 {len(plans)} 张工作表({'、'.join(p.name for p in plans)})"
                             f"里都找不到表头:{_HEADER_NEEDED}({reasons})")
        data = sheets[0]
        if not any(any(v is not None for v in row) for row in data.rows):
            raise KnownError(f"工作表“{data.name}”是空的,没有可导入的内容")
        raise KnownError(
            f"在工作表“{data.name}”的前 {mapping.HEADER_SCAN_ROWS} 行里找不到表头:"
            f"{_HEADER_NEEDED}请检查是否选对了工作表"
        )

    def _parts(self, data: Sheet, layout: Layout) -> list[tuple[Sheet, Layout, str | None]]:
        """The sheets one preview reads: the one opened, then the workbook's other
        register sheets; a sheet laid out like the first takes the clerk's mapping."""
        plans = self.book if any(p.data is data for p in self.book) else []
        mine = next((p for p in plans if p.data is data), None)
        parts: list[tuple[Sheet, Layout, str | None]] = [
            (data, layout, mine.group if mine else None)]
        chosen = layout.targets()
        for p in plans:
            if not p.read or p is mine or p.data is None or p.layout is None:
                continue
            other = p.layout
            if other.key == layout.key:
                for c in other.columns:
                    c.target = chosen.get(c.index, mapping.IGNORE)
            else:
                other = mapping.apply_saved(self.settings, other)
            parts.append((p.data, other, p.group))
        return parts

    def save_mapping(self, layout: Layout) -> None:
        mapping.save(self.settings, layout)

    # -- preview -----------------------------------------------------------------------

    def preview(self, path: str | Path, data: Sheet, layout: Layout,
                progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> Preview:
        with collector_paused():
            return self._preview(path, data, layout, progress, cancelled)

    def _preview(self, path: str | Path, data: Sheet, layout: Layout,
                 progress: Progress | None, cancelled: Cancelled | None) -> Preview:
        parts = self._parts(data, layout)
        for part_data, part_layout, _ in parts:
            if part_layout.column_for(mapping.person_target("name")) is None:
                raise KnownError(f"请把工作表“{part_data.name}”的“姓名”对应到台账中的一列,"
                                 "否则无法导入")
        idnumber.forget()
        self._readings = {}  # the clerk may have remapped the columns since the last one
        village = self.settings.village()
        self._home = divisions.home_of(village.get("county", ""), village.get("province", ""))
        stored = self._stored()
        for plan in self.book:
            if plan.group:
                held = stored.groups.name_of(plan.group)
                plan.group_on_register = held if held and group_key(held) != group_key(
                    plan.group) else None
        new_groups: dict[str, str] = {}
        seen_ids: dict[str, tuple[RowPreview, dict[str, Any]]] = {}
        seen_names: dict[tuple[str, str], str] = {}
        self._without_id = {}
        rows: list[RowPreview] = []
        pending: list[tuple[RowPreview, dict[str, Any], list[dict[str, Any]], bool]] = []
        total = sum(max(len(d.rows) - lay.first_row, 0) for d, lay, _ in parts) or 1
        done = 0
        ended: tuple[int, str] | None = None
        several = len(parts) > 1
        for part_data, part_layout, group in parts:
            self._columns[part_data.name] = {
                t.partition(":")[2]: j for j, t in part_layout.targets().items()
                if t.startswith("person:")}
            merged_down.spread(part_data.rows, part_data.merged, part_layout.first_row,
                               part_layout.column_for(mapping.person_target("name")))
            body = part_data.rows[part_layout.first_row:]
            for number, said in column_content.people_above_header(part_data.rows,
                                                                    part_layout):
                rows.append(RowPreview(
                    number, IGNORED, cells=list(part_data.rows[number - 1]), left_out=True,
                    errors=[Problem("", f"在表头(第 {part_layout.header_rows[0] + 1} 行)上方,"
                                        f"像是人员信息(“{said}”),未导入;如是人员,请把它移到"
                                        "表头下面")],
                    sheet=part_data.name if several else ""))
            shape = TableShape(part_layout, [part_data.rows[i] for i in part_layout.header_rows],
                               group)
            for offset, raw in enumerate(body):
                if cancelled and cancelled():
                    raise ImportCancelled()
                if progress and (done + offset) % 200 == 0:
                    progress(done + offset, total * 2)
                number = part_layout.first_row + offset + 1
                reason = shape.skip(number, raw)
                if reason:
                    rows.append(RowPreview(number, IGNORED, cells=list(raw),
                                           errors=[Problem("", reason)],
                                           left_out=number in shape.left_out,
                                           sheet=part_data.name if several else ""))
                    continue
                result = self._read_row(number, raw, part_layout, stored, new_groups,
                                        shape.group)
                if result is None:
                    continue
                row, values, supporters, month_only = result
                row.sheet = part_data.name if several else ""
                row.hidden = number in part_data.hidden
                rows.append(row)
                if self._continues(shape, row, values, supporters):
                    if row.hidden:  # a supporter's row hidden: the person's row says so
                        _hidden_supporter(rows, row, supporters)
                    continue
                if row.action != NEW:  # ignored or refused while reading
                    continue
                values["_supporters"] = supporters  # for the same person on another sheet
                self._match(row, values, stored, seen_ids, seen_names)
                status = values.pop("_status", "")
                if shape.exits_from is not None and not status:
                    self._listed_as_exited(row, shape.exits_from, values, stored)
                else:
                    self._exited_in_ledger(row, status, stored)
                    self._propose_exit(row, status, values, stored)
                if row.accepted:
                    pending.append((row, values, supporters, month_only))
            done += len(body)
            self._trim_trailing_ignored(rows)
            if shape.ended is not None:  # a numbered heading read as a part of the table
                _starts_another_table(rows, shape.ended, part_data.name if several else "")
            ended = ended or shape.ended
        files = self._load_files({r.person_id for r, *_ in pending if r.person_id})
        for index, (row, values, supporters, month_only) in enumerate(pending):
            if cancelled and cancelled():
                raise ImportCancelled()
            if progress and index % 200 == 0:
                progress(total + index * total // max(len(pending), 1), total * 2)
            stored_file = files.get(row.person_id or -1)
            if stored_file is not None:
                row.seen = fingerprint(*stored_file)
            self._check(row, values, supporters, month_only, stored_file)
        for r in rows:
            if r.action == REFUSED and r.new_group:
                r.warnings = [w for w in r.warnings if not w.message.endswith("导入时将新建")]
            if r.hidden:  # last, so no later step drops it (issue 16: nothing hidden unseen)
                r.warnings.append(Problem("", HIDDEN_WARNING))
        used = {r.new_group for r in rows if r.accepted and r.new_group}
        if progress:
            progress(total * 2, total * 2)
        names = "、".join(d.name for d, _, _ in parts)
        return Preview(Path(path), names, layout, rows,
                       {k: v for k, v in new_groups.items() if k in used}, ended,
                       sheets=list(self.book) if any(p.data is data for p in self.book) else [],
                       skipped_columns=self._not_imported(parts, rows),
                       group_aliases=dict(stored.aliases),
                       hidden_columns=_hidden_columns(parts))

    @staticmethod
    def _not_imported(parts: list[tuple[Sheet, Layout, str | None]],
                      rows: list[RowPreview]) -> list[tuple[str, str, str]]:
        """Every column of the sheets read that is not imported, with the reason: one
        without a header but with values too (issue 16: nothing dropped unseen)."""
        from openpyxl.utils import get_column_letter

        found: list[tuple[str, str, str]] = []
        several = len(parts) > 1
        for data, layout, _ in parts:
            prefix = f"工作表“{data.name}”" if several else ""
            known = {c.index for c in layout.columns}
            filled: set[int] = set()
            read = [r.cells for r in rows if r.action != IGNORED
                    and r.sheet == (data.name if several else "")]
            width = max((len(c) for c in read), default=0)
            unknown = [j for j in range(width) if j not in known]
            for line in read:
                filled.update(j for j in unknown if j < len(line) and line[j] is not None
                              and text_of(line[j]))
            for c in layout.columns:
                if c.target == mapping.IGNORE:
                    why = c.why or mapping.why_not_imported(c.label)
                elif c.target in ("extra:kind", "extra:colour"):
                    why = mapping.why_not_imported(c.label)
                else:
                    continue
                found.append((f"{prefix}{get_column_letter(c.index + 1)} 列", c.label, why))
            for j in sorted(filled):
                found.append((f"{prefix}{get_column_letter(j + 1)} 列", "",
                              "没有列标题,但有内容"))
        return found

    @staticmethod
    def _continues(shape: TableShape, row: RowPreview, values: dict[str, Any],
                   supporters: list[dict[str, Any]]) -> bool:
        """A row holding only a supporter joins the person above (cells merged down)."""
        above = shape.above(row.row, row.action == IGNORED, row.name, supporters,
                            [k for k in values if not k.startswith("_") and k != "group_id"],
                            row.action == NEW)
        if above is None:
            return False
        row.action = IGNORED
        row.errors = [Problem("", f"赡养人并入第 {above[0]} 行{above[1]}")]
        row.warnings = []
        row.new_group = None
        return True

    @staticmethod
    def _trim_trailing_ignored(rows: list[RowPreview]) -> None:
        """Blank rows after the table's end are not worth a line in the preview."""
        while rows and rows[-1].action == IGNORED and rows[-1].errors[0].message == "空行":
            rows.pop()

    # -- apply -------------------------------------------------------------------------

    @staticmethod
    def _preload(session: Any, ids: list[int]) -> list[Any]:
        """The files to update, with their supporters, read in a few queries: each
        row's save then finds them in the session instead of querying twice."""
        from sqlalchemy.orm import selectinload

        from carecenter.storage.mapped import Person

        loaded: list[Any] = []
        for start in range(0, len(ids), 500):
            loaded += session.execute(
                select(Person).options(selectinload(Person.supporters))  # type: ignore[arg-type]
                .where(person.c.id.in_(ids[start:start + 500]))).scalars().all()
        return loaded

    def _create(self, session: Any, batch: list[tuple[RowPreview, PersonDraft]]) -> list[int]:
        """New people in bulk; a refusal names the first row it concerns."""
        try:
            cleaned = [row.cleaned for row, _ in batch]
            ids = [r.person_id for r in self.register.create_many(
                session, [draft for _, draft in batch],
                None if any(c is None for c in cleaned) else cleaned)]  # type: ignore[arg-type]
            self._created.update((id(row), pid) for (row, _), pid in zip(batch, ids, strict=True))
            return ids
        except ValidationFailed as e:
            raise KnownError(f"第 {batch[0][0].row} 行起的一批:{e.message}。"
                             "导入已撤销,登记册没有改动") from e

    def _exits(self, session: Any, preview: Preview) -> list[int]:
        """The exits the clerk confirmed, in the import's transaction."""
        done: list[int] = []
        for row in preview.exits:
            assert row.exit is not None
            pid = row.person_id or self._created.get(id(row))
            if pid is None:
                continue
            note = f"据台账{row.exit.said[:40]}"
            try:
                self.register.exit_in(session, pid, row.exit.on, row.exit.reason, note,
                                      refresh_due=False)
            except ValidationFailed as e:
                raise KnownError(f"{row.where}:{e.message}。导入已撤销,登记册没有改动") from e
            done.append(pid)
        return done

    @retrying
    def apply(self, preview: Preview, progress: Progress | None = None,
              cancelled: Cancelled | None = None,
              skip_changed: bool = False) -> ImportResult:
        """Write every accepted row, and create the new groups, in one transaction.

        A file changed elsewhere since the preview is not overwritten: the import is
        refused whole (``ChangedSincePreview``, naming the rows), or with
        ``skip_changed`` those rows are left out and the rest written."""
        accepted = [r for r in preview.rows if r.accepted and r.draft is not None]
        if preview.exits and not preview.confirm_exits:
            raise KnownError(f"有 {len(preview.exits)} 人台账写明已故、入住养老机构或子女返乡等,"
                             "请先确认按台账办理退出,或改正台账后再导入;登记册没有改动")
        self._created = {}
        if any(not r.unchanged for r in accepted) or preview.exits:
            # The way back from an import the clerk regrets (issue 15); a 查看 operator
            # is told they may not import, not that they may not back up.
            require(self.database.operator, CLERK, "导入台账")
            self.database.back_up(backups.IMPORT)
        written: list[int] = []
        batch: list[tuple[RowPreview, PersonDraft]] = []
        with collector_paused(), self.database.transaction() as session:
            group_ids: dict[str, int] = {}
            for key, name in preview.new_groups.items():
                existing = self.register.groups.find(session, name)
                group_ids[key] = existing or self.register.groups.add_in(session, name)
            # Held here: the session's identity map keeps objects only while referenced.
            loaded = self._preload(session,
                                   [r.person_id for r in accepted if r.person_id is not None])
            changed = changed_since_preview(accepted, loaded)
            if changed and not skip_changed:
                raise ChangedSincePreview([f"{r.where} {r.name}" for r in changed])
            accepted = [r for r in accepted if r not in changed]
            for done, row in enumerate(accepted):
                if cancelled and cancelled():
                    raise ImportCancelled()
                if progress and done % 100 == 0:
                    progress(done, len(accepted))
                assert row.draft is not None
                values = dict(row.draft.values)
                if row.new_group is not None:
                    values["group_id"] = group_ids[row.new_group]
                draft = PersonDraft(values, row.draft.supporters, cleaned=row.draft.cleaned)
                if row.unchanged:
                    continue
                if row.person_id is None and row.cleaned is not None:
                    group = values.get("group_id")
                    row.cleaned[0]["group_id"] = group
                    batch.append((row, draft))
                    if len(batch) >= 1000:
                        written += self._create(session, batch)
                        batch = []
                    continue
                try:
                    saved = self.register.save_in(session, draft, row.person_id,
                                                  allow_duplicate=True, refresh_due=False)
                except ValidationFailed as e:
                    raise KnownError(
                        f"第 {row.row} 行:{e.message}。导入已撤销,登记册没有改动") from e
                written.append(saved.person_id)
            written += self._create(session, batch)
            written += self._exits(session, preview)
            del loaded
            created = sum(1 for r in accepted if r.person_id is None)
            updated = len(accepted) - created
            # The visit cadences' due dates, for everyone written, in a few batches.
            session.flush()
            duestore.refresh(session.connection(), written, self.today())
            audit.record(session, "imported", "ledger",
                         summary=f"导入台账 {Path(preview.path).name}:新建 {created} 人,"
                         f"更新 {updated} 人", count=len(accepted))
            if progress:
                progress(len(accepted), len(accepted))
        return ImportResult(created, updated, len(preview.rows) - len(accepted),
                            list(preview.new_groups.values()),
                            [f"{r.where} {r.name}" for r in changed])


def _starts_another_table(rows: list[RowPreview], ended: tuple[int, str], sheet: str) -> None:
    """The line where another table starts says so, even if it was first read as a
    heading within this table (二、本季度退出人员 followed by a header of its own)."""
    for row in reversed(rows):
        if row.sheet == sheet and row.row == ended[0] and row.action == IGNORED:
            row.errors = [Problem("", f"另一张表或说明从这里开始:“{ended[1][:20]}”,以下不导入")]
            return


def _hidden_supporter(rows: list[RowPreview], row: RowPreview,
                      supporters: list[dict[str, Any]]) -> None:
    """A hidden row holding only a supporter (the person's cells merged down over it):
    the person's row, where that supporter goes, is flagged with it."""
    names = "、".join(str(s.get("name")) for s in supporters if s.get("name")) or "赡养人"
    for above in reversed(rows[:-1]):
        if above.sheet == row.sheet and above.action != IGNORED and above.row < row.row:
            above.warnings.append(Problem("", f"第 {row.row} 行({names})在表格中被隐藏,"
                                              "请核对是否仍是赡养人"))
            return


def _hidden_columns(parts: list[tuple[Sheet, Layout, str | None]]) -> list[tuple[str, str, bool]]:
    """The columns the clerk hid in Excel, each with whether it is imported: a hidden
    column read like any other is said so, so none comes in unseen (issue 16)."""
    from openpyxl.utils import get_column_letter

    found = []
    for data, layout, _ in parts:
        prefix = f"工作表“{data.name}”" if len(parts) > 1 else ""
        labels = {c.index: c for c in layout.columns}
        for j in sorted(data.hidden_columns):
            column = labels.get(j)
            if column is None and not any(j < len(r) and r[j] is not None for r in data.rows):
                continue  # hidden and empty: nothing there to import or lose
            found.append((f"{prefix}{get_column_letter(j + 1)} 列",
                          column.label if column else "",
                          column is not None and column.target != mapping.IGNORE))
    return found
