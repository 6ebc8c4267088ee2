"""A person leaving the register and coming back: exit with a date and a reason (never
deleted), leaving one kind of several (a child turned 16), the work list's 不再符合
exit, reinstatement. Each one transaction, in the history and the audit log."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from carecenter import clock
from carecenter.access import audit
from carecenter.care import due_dates as duestore
from carecenter.errors import FieldError, KnownError, ValidationFailed
from carecenter.register.person_files import RegisterReader
from carecenter.rules.fields import (
    STATUS_LABELS,
)
from carecenter.rules.kinds import (
    combined,
)
from carecenter.rules.leftbehind import (
    NOT_QUALIFYING,
)
from carecenter.storage.backends import retrying
from carecenter.storage.models import (
    ACTIVE,
    EXIT_REASONS,
    EXITED,
    pairing,
)


class Leaving(RegisterReader):
    """Exits and reinstatement (``people.Register`` is one)."""

    @retrying
    def exit(self, person_id: int, on: date, reason: str, note: str = "") -> None:
        """Take a person off the active register; the file and its history stay."""
        with self.database.transaction() as session:
            self.exit_in(session, person_id, on, reason, note)

    def exit_in(self, session: Session, person_id: int, on: date, reason: str,
                note: str = "", refresh_due: bool = True) -> None:
        """``exit`` inside the caller's transaction (an import's confirmed exits)."""
        if reason not in EXIT_REASONS:
            raise ValidationFailed([FieldError("exit_reason", "请选择退出原因")])
        if on > self.today():
            raise ValidationFailed([FieldError("exit_date", "退出日期不能在今天之后")])
        if reason == "other" and not note.strip():
            raise ValidationFailed([FieldError("exit_note", "退出原因选“其他”时请写明原因")])
        record = self._get(session, person_id, lock=True)
        if record.status == EXITED:
            raise KnownError(
                f"{record.name} 已于 {record.exit_date:%Y-%m-%d} 退出,无需重复办理"
            )
        record.status = EXITED
        record.exit_date = on
        record.exit_reason = reason
        record.exit_note = note.strip() or None
        # seed 002's three months end with the exit: the hold stops that day, kept for
        # the days before it (the quarter's figures of those days, worked out again).
        if record.held_until is not None and record.held_until > on:
            record.held_until = on
        detail = EXIT_REASONS[reason] + (f":{note.strip()}" if note.strip() else "")
        session.add(self._event(person_id, "exited", on, detail))
        audit.record(session, "exited", "person", person_id, person_id=person_id,
                     summary=record.name, changes=[
                         ("状态", STATUS_LABELS[ACTIVE], STATUS_LABELS[EXITED]),
                         ("退出日期", "", on.isoformat()), ("退出原因", "", detail)])
        # A helper's load is for people on the register: the pairing ends with the exit.
        session.execute(
            pairing.update()
            .where(pairing.c.person_id == person_id, pairing.c.ended_on.is_(None))
            .values(ended_on=on, end_reason=f"对象退出:{EXIT_REASONS[reason]}"[:60]))
        session.flush()
        if refresh_due:
            duestore.refresh(session.connection(), [person_id], self.today())

    @retrying
    def leave_kind(self, person_id: int, code: str, on: date, reason: str = "aged_out"
                   ) -> bool:
        """The person is no longer of this kind (a child turned 16): with other kinds
        left the file stays on the register without it, else the person exits. True
        when the person exited. One transaction either way, reading the kinds it
        changes under the file's lock (another operator's edit is not undone)."""
        with self.database.transaction() as session:
            record = self._get(session, person_id, lock=True)
            kinds = list(combined(record.kinds, record.kind).codes)
            if code not in kinds:
                raise KnownError(f"{record.name}不是{self._kind(code).label},无需办理")
            if len(kinds) == 1:
                self.exit_in(session, person_id, on, reason)
                return True
            rest = [c for c in kinds if c != code]
            record.kinds = rest
            record.kind = rest[0]
            record.updated_at = clock.now()  # type: ignore[attr-defined]
            detail = f"不再是{self._kind(code).label}:{EXIT_REASONS.get(reason, reason)}"
            session.add(self._event(person_id, "updated", on, detail))
            # Every write in the audit log, old → new (issue 18).
            audit.record(session, "updated", "person", person_id, person_id=person_id,
                         summary=f"{record.name}:{detail}",
                         changes=[("类别", "、".join(self._kind(c).label for c in kinds),
                                   "、".join(self._kind(c).label for c in rest))])
            session.flush()
            duestore.refresh(session.connection(), [person_id], self.today())
        return False

    def exit_not_qualifying(self, person_id: int) -> str:
        """The work list's one step for 不再符合: exit today with the verdict's reason
        (a supporter back for good → 赡养人返乡, else 经核实不符合条件) and its words as
        the note. Refused when the person is 留守 or cannot be decided today. Returns
        the reason's label."""
        file = self.load(person_id)
        if file.status == EXITED:
            raise KnownError(f"{file.name} 已于 {file.exit_date:%Y-%m-%d} 退出,无需重复办理")
        verdict = self.verdict(file)
        if verdict.code != NOT_QUALIFYING:
            raise KnownError(f"{file.name}现在{verdict.text},不能按“不再符合”办理退出")
        today = self.today()
        back = any(s.returned_for_good_on(today) for s in file.facts().supporters)
        reason = "supporter_returned" if back else "not_eligible"
        self.exit(person_id, today, reason, verdict.text[:200])
        return EXIT_REASONS[reason]

    @retrying
    def reinstate(self, person_id: int, note: str = "") -> None:
        """Bring an exited person back onto the register (a mistaken exit, or a return)."""
        with self.database.transaction() as session:
            record = self._get(session, person_id, lock=True)
            if record.status != EXITED:
                raise KnownError(f"{record.name} 在册,无需恢复")
            audit.record(session, "reinstated", "person", person_id, person_id=person_id,
                         summary=record.name + (f":{note.strip()}" if note.strip() else ""),
                         changes=[("状态", STATUS_LABELS[EXITED], STATUS_LABELS[ACTIVE]),
                                  ("退出日期", audit.show(record.exit_date), ""),
                                  ("退出原因", EXIT_REASONS.get(record.exit_reason or "", ""),
                                   "")])
            record.status = ACTIVE
            record.exit_date = None
            record.exit_reason = None
            record.exit_note = None
            session.add(self._event(person_id, "reinstated", self.today(), note.strip()))
            session.flush()
            duestore.refresh(session.connection(), [person_id], self.today())
