"""The re-read at a page boundary is bounded: :data:`REREAD_ROUNDS` rounds at most, then the walk
goes on (what the README and the sweeps guide promise as "4 rounds at most").

A scripted list (no server): page ``n`` answers ``(total, n)``, the total it reports when asked.
"""

from __future__ import annotations

from collections import Counter

from amnimo_async._walks import REREAD_ROUNDS, _reread

Page = tuple[int, int]  # (total reported, page number)


def total_of(page: Page) -> int:
    return page[0]


async def test_a_list_that_shrinks_at_every_answer_is_reread_four_rounds_then_left() -> None:
    asked: Counter[int] = Counter()
    total = 100

    async def fetch(number: int) -> Page:
        nonlocal total
        total -= 1  # a deletion before every answer: no two answers agree
        asked[number] += 1
        return total, number

    answers = await _reread(fetch, 3, 10, 100, total_of, 2)

    assert REREAD_ROUNDS == 4
    assert asked[3] == REREAD_ROUNDS  # the boundary's page, once a round
    assert [number for _, number in answers] == [2, 3]  # the last round's pages, in order


async def test_a_list_standing_still_after_one_deletion_is_settled_in_two_rounds() -> None:
    asked: Counter[int] = Counter()

    async def fetch(number: int) -> Page:
        asked[number] += 1
        return 99, number  # one item fewer than the walk saw, and no further change

    answers = await _reread(fetch, 3, 10, 100, total_of, 2)

    # The boundary's page alone, then again from the page the deletion can have moved it to.
    assert dict(asked) == {3: 2, 2: 1}
    assert [number for _, number in answers] == [2, 3]
