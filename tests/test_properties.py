"""Malformed values and files never crash the program nor half-write the register:
the field validators, the ID parser and the importer either accept or refuse with a
Chinese message (issue 15: property tests with hypothesis)."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from carecenter.errors import KnownError
from carecenter.ledger import mapping
from carecenter.ledger.importer import LedgerImport
from carecenter.ledger.workbook import Sheet, read_sheet
from carecenter.register.people import Register
from carecenter.rules import idnumber
from carecenter.rules.fields import PERSON_FIELDS, SUPPORTER_FIELDS
from carecenter.storage.database import Database
from tests.conftest import TODAY, make_id

CHEAP = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])

# What a cell or a form field can hold, including what nobody should type.
cells = st.one_of(
    st.none(), st.text(max_size=40), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.dates(min_value=date(1, 1, 1)), st.datetimes(min_value=datetime(1, 1, 1)),
    st.sampled_from(["", " ", "男", "女", "省外", "儿子", "1950-03-12", "1950/3/12", "19500312",
                     "无", "\u3000", "430524195003120021", "13800001111", "=SUM(A1)",
                     "\x00", "🙂", "高血压、糖尿病", "是", "否", "0", "-1", "99999999999"]),
)


@CHEAP
@given(value=st.one_of(cells, st.lists(cells, max_size=4)))
def test_every_field_validator_accepts_or_refuses_with_a_message(value: Any) -> None:
    for f in (*PERSON_FIELDS, *SUPPORTER_FIELDS):
        try:
            f.clean(value, row=1)
        except KnownError as e:
            assert e.message and not e.message.isascii()


id_like = st.one_of(
    cells, st.text(alphabet="0123456789Xx -", min_size=14, max_size=20),
    st.builds(make_id,
              st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))
              .map(lambda d: d.strftime("%Y%m%d")),
              st.integers(0, 999).map(lambda n: f"{n:03d}")),
)


@CHEAP
@given(raw=id_like)
def test_the_id_parser_accepts_or_refuses_with_a_message(raw: Any) -> None:
    try:
        info = idnumber.parse(raw, today=TODAY)
    except KnownError as e:
        assert e.message and not e.message.isascii()
        return
    assert len(info.number) == 18 and info.birth_date <= TODAY


HEADERS = ["姓名", "身份证号", "性别", "出生日期", "联系电话", "村民小组", "赡养人姓名",
           "与老人关系", "赡养人所在范围", "外出时间", "健康状况", "备注"]


@pytest.fixture(scope="module")
def empty_register(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """An empty register at the current schema, made once (migrations take a second)."""
    path = tmp_path_factory.mktemp("template") / "register.db"
    Database(path).close()  # closed: everything is in the one file
    return path.read_bytes()


@CHEAP
@given(rows=st.lists(st.builds(
    lambda name, number, rest: [name, number, *rest],
    st.one_of(st.sampled_from(["张桂兰", "李秀英", "王建国", "欧阳秀珍"]), cells),
    st.one_of(id_like, st.sampled_from([make_id("19500312", "002"),
                                        make_id("19480101", "011")])),
    st.lists(cells, min_size=len(HEADERS) - 2, max_size=len(HEADERS) - 2)),
    min_size=1, max_size=6),
       skip_bad=st.booleans())
# Found by this test (session 6): a negative 17-digit number in the ID column was taken
# for an ID Excel had rounded, and its check digit computed over the minus sign.
@example(rows=[["张桂兰", -10000000000000000, *[None] * (len(HEADERS) - 2)]], skip_bad=True)
def test_an_import_of_malformed_rows_writes_all_it_accepts_or_nothing(
        tmp_path_factory: pytest.TempPathFactory, empty_register: bytes,
        rows: list[list[Any]], skip_bad: bool) -> None:
    path = tmp_path_factory.mktemp("prop") / "register.db"
    path.write_bytes(empty_register)
    database = Database(path)
    try:
        register = Register(database)
        importer = LedgerImport(database, today=lambda: TODAY)
        data = Sheet("花名册", [list(HEADERS), *rows])
        layout = mapping.detect(data.rows)
        assert layout is not None
        try:
            preview = importer.preview(path, data, layout)
        except KnownError:
            assert register.count(None) == 0
            return
        accepted = [r for r in preview.rows if r.accepted]
        refused = [r for r in preview.rows if r.errors]
        if refused and not skip_bad:
            return  # the command line stops here: nothing written
        try:
            result = importer.apply(preview)
        except KnownError:
            assert register.count(None) == 0  # all or nothing
            return
        assert register.count(None) == result.created == len(
            [r for r in accepted if r.person_id is None])
        wrote.append(result.created)
    finally:
        database.close()


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return buffer.getvalue()


@CHEAP
@given(content=st.one_of(
    st.binary(max_size=2000),
    st.builds(_zip, st.dictionaries(
        st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml",
                         "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml"]),
        st.binary(max_size=300), max_size=5))),
       suffix=st.sampled_from([".xlsx", ".xls", ".csv", ".ods"]))
def test_a_malformed_file_is_refused_with_a_message_never_a_crash(
        tmp_path_factory: pytest.TempPathFactory, content: bytes, suffix: str) -> None:
    path = tmp_path_factory.mktemp("file") / f"台账{suffix}"
    path.write_bytes(content)
    try:
        sheet = read_sheet(path)
    except KnownError as e:
        assert e.message and not e.message.isascii()
        return
    assert isinstance(sheet.rows, list)


wrote: list[int] = []  # how many each successful import wrote, for the guard below


def test_the_import_property_reached_real_writes() -> None:
    # The strategies make rows an import accepts, not only ones it refuses; run after
    # the property (file order), alone it only checks the header is known.
    assert mapping.detect([list(HEADERS)]) is not None
    assert not wrote or max(wrote) >= 1
