"""The register model fetches ids a chunk at a time: every row still lands in its place."""

from __future__ import annotations

import pytest
from pytestqt.modeltest import ModelTester

from carecenter.demo import register_demo as demo
from carecenter.register.listing import Listing, RegisterQuery
from carecenter.storage.database import Database
from tests.conftest import TODAY
from ui.register import register_model
from ui.register.register_model import RegisterModel


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(register_model, "PAGE", 2)
    monkeypatch.setattr(register_model, "CHUNK", 4)


def test_rows_beyond_the_first_chunk_match_the_full_listing(
        small_chunks: None, database: Database, qtmodeltester: ModelTester) -> None:
    demo.generate(database, 11, seed=3, today=TODAY)
    listing = Listing(database, today=lambda: TODAY)
    everyone = listing.ids(RegisterQuery(status=None))
    model = RegisterModel(listing, RegisterQuery(status=None))

    assert model.rowCount() == len(everyone) == 11
    assert [model.person_id(row) for row in range(11)] == everyone
    assert model.person_id(11) is None
    last = everyone[-1]
    assert model.row_of(last) == 10
    name_column = 0
    assert model.data(model.index(10, name_column)) == listing.rows([last])[last].name
    qtmodeltester.check(model)


def test_a_search_with_many_matches_counts_them_all(small_chunks: None,
                                                    database: Database) -> None:
    demo.generate(database, 11, seed=3, today=TODAY)
    listing = Listing(database, today=lambda: TODAY)
    model = RegisterModel(listing, RegisterQuery(status=None))
    model.set_query(RegisterQuery(text="4", status=None))  # every ID number has a 4 in it
    matching = listing.ids(RegisterQuery(text="4", status=None))
    assert len(matching) > 4
    assert model.rowCount() == len(matching)
    assert model.ids == matching
    model.set_query(RegisterQuery(text="zzzzqq", status=None))
    assert model.rowCount() == 0 and model.person_id(0) is None
    model.set_query(RegisterQuery(status=None))  # cleared: the whole list again
    assert model.rowCount() == 11
