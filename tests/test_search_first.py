"""A keystroke in the search box reads the first chunk of matches and how many there are
(``Listing.first``); on a server a search counts no further than ``count_limit`` and
the table counts the rest when scrolled to its end (issue 22: a county's keystroke
fetched 20,000-30,000 ids from the server)."""

from __future__ import annotations

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from carecenter.demo import register_demo as demo
from carecenter.register import listing as listing_module
from carecenter.register.listing import Listing, RegisterQuery
from carecenter.storage.database import Database
from tests.conftest import TODAY
from ui.register import register_model
from ui.register.register_model import RegisterModel

pytestmark = pytest.mark.backends

EVERY_ID = "4"  # every ID number here has a 4 in it (430524…)


def test_the_first_page_is_the_head_of_the_whole_answer_with_its_exact_count(
        database: Database) -> None:
    demo.generate(database, 30, seed=7, today=TODAY)
    listing = Listing(database, today=lambda: TODAY)
    for query in (RegisterQuery(text=EVERY_ID), RegisterQuery(text="wang"),
                  RegisterQuery(status=None), RegisterQuery(text="无此人")):
        everyone = listing.ids(query)
        for size in (5, 1000):
            first = listing.first(query, size)
            assert first.ids == everyone[:size]
            assert (first.count, first.exact) == (len(everyone), True)


def test_a_search_on_a_server_is_counted_only_so_far_and_says_so(
        database: Database) -> None:
    demo.generate(database, 30, seed=7, today=TODAY)
    listing = Listing(database, today=lambda: TODAY)
    assert listing.count_limit == (listing_module.SEARCH_COUNT_LIMIT
                                   if database.on_server else None)
    listing.count_limit = 8
    query = RegisterQuery(text=EVERY_ID)
    everyone = listing.ids(query)
    assert len(everyone) > 8
    first = listing.first(query, 5)
    assert (first.ids, first.count, first.exact) == (everyone[:5], 8, False)
    assert listing.count(query, at_most=8) == 9 and listing.count(query) == len(everyone)
    # Only a search: the list itself, filtered or not, is always counted whole.
    whole = listing.first(RegisterQuery(), 5)
    assert (whole.count, whole.exact) == (len(listing.ids(RegisterQuery())), True)


def test_the_table_counts_a_search_whole_when_scrolled_to_its_end(
        database: Database, qtbot: QtBot, qtmodeltester: ModelTester,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QTableView

    monkeypatch.setattr(register_model, "PAGE", 2)
    monkeypatch.setattr(register_model, "CHUNK", 4)
    demo.generate(database, 30, seed=7, today=TODAY)
    listing = Listing(database, today=lambda: TODAY)
    listing.count_limit = 6
    model = RegisterModel(listing)
    model.set_query(RegisterQuery(text=EVERY_ID))
    everyone = listing.ids(RegisterQuery(text=EVERY_ID))
    assert (model.rowCount(), model.exact, model.canFetchMore()) == (6, False, True)
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    table.resize(400, 200)
    table.show()
    qtbot.waitExposed(table)
    table.scrollToBottom()  # the view asks for more at the end
    qtbot.waitUntil(lambda: model.exact)
    assert model.rowCount() == len(everyone) and not model.canFetchMore()
    assert [model.person_id(row) for row in range(len(everyone))] == everyone
    qtmodeltester.check(model)
    # Every id asked for (a batch print of what is shown) counts them all too.
    unseen = RegisterModel(listing, RegisterQuery(text="43"))
    assert not unseen.exact and unseen.ids == listing.ids(RegisterQuery(text="43"))
    assert unseen.exact and unseen.rowCount() == len(unseen.ids)
