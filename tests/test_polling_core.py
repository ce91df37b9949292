"""Pure poller cursor arithmetic: freshbooks_sdk._core.polling (no I/O, no clock)."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pydantic
import pytest

from freshbooks_sdk._core.fbtime import format_accounting_datetime
from freshbooks_sdk._core.polling import (
    Candidate,
    Cursor,
    activation_id,
    backoff_delay,
    check_boundary_limit,
    check_cap,
    check_duration,
    check_interval,
    check_start,
    describe_model,
    plan,
    reading_bounds,
    resolve_start,
    select,
    wire_digest,
)
from freshbooks_sdk.errors import CorruptCursorError, InvalidRequestError, ResponseValidationError

UTC = timezone.utc
ZERO = timedelta(0)


def z(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def cand(item_id: int, wire: str, digest: str = "d", *, deleted: bool = False) -> Candidate[str]:
    return Candidate.build(item_id, wire, digest, f"{item_id}@{wire}#{digest}", deleted=deleted)


def at(instant: datetime, item_id: int, digest: str = "d") -> Candidate[str]:
    """A candidate written at ``instant`` (as FreshBooks would stamp it, Eastern)."""
    return cand(item_id, format_accounting_datetime(instant), digest)


def ids(sel: Any) -> list[int]:
    return [c.id for c in sel.emitted]


# -------------------------------------------------------------------------------------------
# wire times and plan
# -------------------------------------------------------------------------------------------


def test_reading_bounds_ordinary_repeated_skipped_and_iso() -> None:
    assert reading_bounds("2024-07-01 12:00:00") == (z(2024, 7, 1, 16), z(2024, 7, 1, 16))
    # 2024-11-03 01:30 happened twice: 05:30Z (EDT) and 06:30Z (EST)
    assert reading_bounds("2024-11-03 01:30:00") == (z(2024, 11, 3, 5, 30), z(2024, 11, 3, 6, 30))
    # 00:59:59 and 02:00:00 that night are unambiguous
    assert reading_bounds("2024-11-03 00:59:59")[0] == reading_bounds("2024-11-03 00:59:59")[1]
    assert reading_bounds("2024-11-03 02:00:00") == (z(2024, 11, 3, 7), z(2024, 11, 3, 7))
    # the skipped spring-forward hour: both offsets allowed
    lo, hi = reading_bounds("2024-03-10 02:30:00")
    assert (lo, hi) == (z(2024, 3, 10, 6, 30), z(2024, 3, 10, 7, 30))
    assert reading_bounds("2024-01-01T10:00:00Z") == (z(2024, 1, 1, 10), z(2024, 1, 1, 10))
    with pytest.raises(ValueError):
        reading_bounds("yesterday")


def test_plan_is_eastern_date_of_watermark_minus_at_least_an_hour() -> None:
    # 04:30Z on June 1 is 00:30 EDT: an hour earlier is still May 31 on the Eastern calendar
    assert plan(Cursor.starting_at(z(2024, 6, 1, 4, 30)), ZERO) == date(2024, 5, 31)
    assert plan(Cursor.starting_at(z(2024, 6, 1, 5, 30)), ZERO) == date(2024, 6, 1)
    assert plan(Cursor.starting_at(z(2024, 6, 1, 5, 30)), timedelta(days=1)) == date(2024, 5, 31)
    # 02:30Z on June 1 is still May 31 in New York although it is June 1 in UTC
    assert plan(Cursor.starting_at(z(2024, 6, 1, 2, 30)), ZERO) == date(2024, 5, 31)


# -------------------------------------------------------------------------------------------
# Cursor JSON
# -------------------------------------------------------------------------------------------


def test_cursor_json_round_trip_and_stable_form() -> None:
    c = Cursor(
        watermark=z(2024, 11, 3, 6, 5),
        after_id=None,
        boundary=(
            (9, "2024-11-03 01:59:00", "b"),
            (3, "2024-11-03 01:10:00", "a"),
            (3, "2024-11-03 01:10:00", "a"),  # duplicates collapse
        ),
    )
    j = c.to_json()
    assert j == {
        "v": 1,
        "watermark": "2024-11-03T06:05:00Z",
        "after_id": None,
        "boundary": [[3, "2024-11-03 01:10:00", "a"], [9, "2024-11-03 01:59:00", "b"]],
    }
    assert Cursor.from_json(j) == c
    assert Cursor.from_json(Cursor(watermark=z(2024, 1, 1), after_id=7).to_json()).after_id == 7
    micro = Cursor(watermark=datetime(2024, 1, 1, 0, 0, 0, 250, tzinfo=UTC))
    assert micro.to_json()["watermark"] == "2024-01-01T00:00:00.000250Z"
    assert Cursor.from_json(micro.to_json()) == micro
    # other zones are normalised to UTC
    plus2 = timezone(timedelta(hours=2))
    assert Cursor(watermark=datetime(2024, 1, 1, 2, tzinfo=plus2)).watermark == z(2024, 1, 1)


def test_cursor_refuses_naive_watermark() -> None:
    with pytest.raises(InvalidRequestError, match="timezone-aware"):
        Cursor(watermark=datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        Cursor.starting_at(datetime(2024, 1, 1))


GOOD: dict[str, Any] = {
    "v": 1,
    "watermark": "2024-01-01T00:00:00Z",
    "after_id": None,
    "boundary": [],
}


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ([], "JSON object"),
        ("{}", "JSON object"),
        ({**GOOD, "v": 2}, "unsupported cursor format"),
        ({k: v for k, v in GOOD.items() if k != "v"}, "unsupported cursor format"),
        ({**GOOD, "watermark": None}, "watermark must be a string"),
        ({**GOOD, "watermark": "soon"}, "unreadable"),
        ({**GOOD, "watermark": "2024-01-01T00:00:00"}, "no time zone"),
        ({**GOOD, "after_id": "5"}, "after_id"),
        ({**GOOD, "after_id": True}, "after_id"),
        ({**GOOD, "boundary": {}}, "boundary must be a list"),
        ({**GOOD, "boundary": [[1, "2024-01-01 00:00:00"]]}, r"boundary\[0\]"),
        ({**GOOD, "boundary": [["1", "2024-01-01 00:00:00", "d"]]}, "id must be an integer"),
        ({**GOOD, "boundary": [[1, "2024-01-01 00:00:00", 5]]}, "must be strings"),
        ({**GOOD, "boundary": [[1, "2024-13-01 00:00:00", "d"]]}, "unreadable"),
    ],
)
def test_corrupt_cursor_is_refused_with_reason(obj: object, reason: str) -> None:
    with pytest.raises(CorruptCursorError, match=reason):
        Cursor.from_json(obj)


# -------------------------------------------------------------------------------------------
# select
# -------------------------------------------------------------------------------------------


def test_same_second_second_version_is_delivered_and_first_not_repeated() -> None:
    t = z(2024, 7, 1, 16)
    start = Cursor.starting_at(t)
    first = select(start, [at(t, 1, "v1")], cap=None, cycle_started_at=t, safety=ZERO)
    assert ids(first) == [1]
    # the same invoice changes again within the same second: same `updated`, new content
    second = select(first.cursor_after, [at(t, 1, "v2")], cap=None, cycle_started_at=t, safety=ZERO)
    assert [c.digest for c in second.emitted] == ["v2"]
    third = select(
        second.cursor_after,
        [at(t, 1, "v2")],
        cap=None,
        cycle_started_at=t + timedelta(seconds=30),
        safety=ZERO,
    )
    assert third.emitted == []


def test_update_in_same_second_as_watermark_seen_later_is_delivered() -> None:
    t = z(2024, 7, 1, 16)
    c1 = select(
        Cursor.starting_at(t - timedelta(hours=1)),
        [at(t, 1)],
        cap=None,
        cycle_started_at=t,
        safety=ZERO,
    )
    assert c1.cursor_after.watermark == t
    # invoice 2 was written in that same second but only became visible afterwards
    c2 = select(c1.cursor_after, [at(t, 1), at(t, 2)], cap=None, cycle_started_at=t, safety=ZERO)
    assert ids(c2) == [2]


def test_late_visible_update_within_safety_is_delivered() -> None:
    s1 = z(2024, 7, 1, 16)
    c1 = select(
        Cursor.starting_at(s1 - timedelta(hours=1)),
        [at(s1 - timedelta(seconds=5), 1)],
        cap=None,
        cycle_started_at=s1,
        safety=timedelta(minutes=2),
    )
    assert c1.cursor_after.watermark == s1 - timedelta(minutes=2)
    # invoice 2 was updated 20 s before cycle 1 but replication made it visible only now
    late = at(s1 - timedelta(seconds=20), 2)
    c2 = select(
        c1.cursor_after,
        [at(s1 - timedelta(seconds=5), 1), late],
        cap=None,
        cycle_started_at=s1 + timedelta(minutes=5),
        safety=timedelta(minutes=2),
    )
    assert ids(c2) == [2]


def test_items_around_eastern_midnight() -> None:
    # 03:59:30Z on June 1 = 23:59:30 EDT on May 31
    w = z(2024, 6, 1, 3, 59, 30)
    cursor = Cursor.starting_at(w)
    assert plan(cursor, ZERO) == date(2024, 5, 31)
    before = cand(1, "2024-05-31 23:59:29")
    just = cand(2, "2024-05-31 23:59:59")
    after = cand(3, "2024-06-01 00:00:00")
    sel = select(
        cursor, [after, before, just], cap=None, cycle_started_at=z(2024, 6, 1, 4, 5), safety=ZERO
    )
    assert ids(sel) == [2, 3]


def test_dst_fall_back_repeated_hour() -> None:
    # 2024-11-03: 01:00-01:59 EDT = 05:00-05:59Z, then 01:00-01:59 EST = 06:00-06:59Z
    first_pass = cand(1, "2024-11-03 01:50:00")  # written 05:50Z (EDT)
    c1 = select(
        Cursor.starting_at(z(2024, 11, 3, 5, 45)),
        [first_pass],
        cap=None,
        cycle_started_at=z(2024, 11, 3, 6, 5),  # 01:05 EST
        safety=ZERO,
    )
    assert ids(c1) == [1]
    # its latest reading (06:50Z) is after the new watermark: it must stay in the boundary
    assert c1.cursor_after.watermark == z(2024, 11, 3, 6, 5)
    assert first_pass.key in c1.cursor_after.boundary
    assert plan(c1.cursor_after, ZERO) == date(2024, 11, 3)

    second_pass = cand(2, "2024-11-03 01:10:00")  # written 06:10Z (EST): reads as 05:10Z
    unambiguous_old = cand(3, "2024-11-03 00:59:59")  # 04:59:59Z
    c2 = select(
        c1.cursor_after,
        [first_pass, second_pass, unambiguous_old],
        cap=None,
        cycle_started_at=z(2024, 11, 3, 6, 20),
        safety=ZERO,
    )
    assert ids(c2) == [2]  # delivered although it reads as 05:10Z < the 06:05Z watermark
    assert first_pass.key in c2.cursor_after.boundary
    assert second_pass.key not in c2.cursor_after.boundary  # 06:10Z < 06:20Z: cannot return
    # once the hour is over, the boundary empties
    c3 = select(
        c2.cursor_after,
        [first_pass, second_pass],
        cap=None,
        cycle_started_at=z(2024, 11, 3, 7, 30),
        safety=ZERO,
    )
    assert c3.emitted == [] and c3.cursor_after.boundary == ()


def test_cap_carries_the_rest_over_without_loss_or_repeat() -> None:
    base = z(2024, 7, 1, 12)
    listing = [at(base + timedelta(seconds=10 * i), 100 - i) for i in range(5)]
    cursor = Cursor.starting_at(base)
    now = base + timedelta(hours=1)
    seen: list[int] = []
    for _ in range(5):
        sel = select(cursor, listing, cap=2, cycle_started_at=now, safety=ZERO)
        seen += ids(sel)
        cursor = sel.cursor_after
        if not sel.has_more:
            break
    assert seen == [100, 99, 98, 97, 96]  # oldest change first
    assert cursor.watermark == now and cursor.boundary == ()


def test_cap_walks_through_a_crowded_old_second_with_a_tiny_boundary() -> None:
    t = z(2024, 7, 1, 12)
    listing = [at(t, i) for i in (5, 1, 4, 2, 3, 6, 7)]
    cursor = Cursor.starting_at(t)
    seen: list[int] = []
    for _ in range(10):
        sel = select(
            cursor,
            listing,
            cap=2,
            cycle_started_at=t + timedelta(minutes=10),
            safety=timedelta(minutes=5),
            boundary_limit=1,
        )
        seen += ids(sel)
        cursor = sel.cursor_after
        if sel.has_more:
            assert cursor.after_id == seen[-1] and cursor.watermark == t
            assert cursor.boundary == ()
        else:
            break
    assert seen == [1, 2, 3, 4, 5, 6, 7]


def test_cap_inside_the_safety_window_keeps_emitted_keys_in_boundary() -> None:
    now = z(2024, 7, 1, 12)
    t = now - timedelta(seconds=10)  # younger than safety: more may still appear in it
    listing = [at(t, i) for i in (1, 2, 3)]
    sel = select(
        Cursor.starting_at(t - timedelta(hours=1)),
        listing,
        cap=2,
        cycle_started_at=now,
        safety=timedelta(minutes=1),
    )
    assert ids(sel) == [1, 2] and sel.has_more
    assert sel.cursor_after.after_id is None
    assert sel.cursor_after.watermark == now - timedelta(minutes=1)
    assert {k[0] for k in sel.cursor_after.boundary} == {1, 2}
    nxt = select(
        sel.cursor_after, listing, cap=2, cycle_started_at=now, safety=timedelta(minutes=1)
    )
    assert ids(nxt) == [3] and not nxt.has_more


def test_boundary_is_bounded_and_overflow_only_redelivers() -> None:
    now = z(2024, 7, 1, 12)
    listing = [at(now - timedelta(seconds=i), i) for i in range(1, 11)]
    sel = select(
        Cursor.starting_at(now - timedelta(hours=1)),
        listing,
        cap=None,
        cycle_started_at=now,
        safety=timedelta(minutes=1),
        boundary_limit=3,
    )
    assert len(sel.emitted) == 10
    assert len(sel.cursor_after.boundary) == 3
    assert [k[0] for k in sel.cursor_after.boundary] == [3, 2, 1]  # the newest kept
    again = select(
        sel.cursor_after,
        listing,
        cap=None,
        cycle_started_at=now,
        safety=timedelta(minutes=1),
        boundary_limit=3,
    )
    assert sorted(ids(again)) == list(range(4, 11))  # re-delivered, nothing lost
    later = select(
        again.cursor_after,
        listing,
        cap=None,
        cycle_started_at=now + timedelta(minutes=2),
        safety=timedelta(minutes=1),
        boundary_limit=3,
    )
    assert later.cursor_after.watermark == now + timedelta(minutes=1)
    final = select(
        later.cursor_after,
        listing,
        cap=None,
        cycle_started_at=now + timedelta(minutes=2),
        safety=timedelta(minutes=1),
        boundary_limit=3,
    )
    assert final.emitted == []  # the watermark moved past them: no endless re-delivery


def test_unsettled_walk_keeps_the_watermark() -> None:
    w = z(2024, 7, 1, 12)
    now = w + timedelta(minutes=10)
    listing = [at(w + timedelta(minutes=1), 1), at(w + timedelta(minutes=2), 2)]
    sel = select(
        Cursor.starting_at(w), listing, cap=None, cycle_started_at=now, safety=ZERO, settled=False
    )
    assert ids(sel) == [1, 2]
    assert sel.cursor_after.watermark == w
    assert {k[0] for k in sel.cursor_after.boundary} == {1, 2}  # not delivered again
    nxt = select(sel.cursor_after, listing, cap=None, cycle_started_at=now, safety=ZERO)
    assert nxt.emitted == [] and nxt.cursor_after.watermark == now


def test_last_fetched_version_of_an_id_wins() -> None:
    now = z(2024, 7, 1, 12)
    old = at(now - timedelta(seconds=30), 1, "old")
    new = at(now - timedelta(seconds=1), 1, "new")
    sel = select(
        Cursor.starting_at(now - timedelta(hours=1)),
        [new, at(now, 2), old, new],
        cap=None,
        cycle_started_at=now,
        safety=ZERO,
    )
    assert [(c.id, c.digest) for c in sel.emitted] == [(1, "new"), (2, "d")]
    assert sel.fetched == 4


def test_deleted_flag_is_carried() -> None:
    now = z(2024, 7, 1, 12)
    gone = cand(1, format_accounting_datetime(now), deleted=True)
    sel = select(Cursor.starting_at(now), [gone], cap=None, cycle_started_at=now, safety=ZERO)
    assert sel.emitted[0].deleted


def test_watermark_never_moves_backwards_and_lag_is_reported() -> None:
    w = z(2024, 7, 1, 12)
    cursor = Cursor.starting_at(w)
    sel = select(cursor, [at(w, 1)], cap=None, cycle_started_at=w - timedelta(hours=2), safety=ZERO)
    assert sel.cursor_after.watermark == w
    assert sel.lag_seconds == -7200.0
    empty = select(cursor, [], cap=None, cycle_started_at=w + timedelta(seconds=90), safety=ZERO)
    assert empty.lag_seconds is None
    assert empty.cursor_after.watermark == w + timedelta(seconds=90)


def test_candidate_with_unreadable_updated() -> None:
    with pytest.raises(ResponseValidationError, match="record 4"):
        Candidate.build(4, "not a time", "d", None)


# -------------------------------------------------------------------------------------------
# activation ids, digests, models
# -------------------------------------------------------------------------------------------


def test_activation_id_is_deterministic() -> None:
    c = Cursor.starting_at(z(2024, 1, 1))
    keys = [(1, "2024-01-01 00:00:00", "ab"), (2, "2024-01-01 00:00:01", "cd")]
    a = activation_id("ACM:invoices", c, keys)
    assert a == activation_id("ACM:invoices", Cursor.from_json(c.to_json()), list(keys))
    assert len(a) == 32 and int(a, 16) >= 0
    assert a != activation_id("ACM:clients", c, keys)
    assert a != activation_id("ACM:invoices", Cursor.starting_at(z(2024, 1, 2)), keys)
    assert a != activation_id("ACM:invoices", c, keys[:1])


class _Model(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="allow")
    id: int | None = None
    updated: str | None = None
    amount: str = "0"


def test_describe_model_and_digest() -> None:
    m = _Model(id=5, updated="2024-01-01 00:00:00", amount="1.00", note="x")  # type: ignore[call-arg]
    item_id, wire, digest = describe_model(m)
    assert (item_id, wire) == (5, "2024-01-01 00:00:00")
    assert digest == wire_digest(m.model_dump(mode="json")) and len(digest) == 16
    assert describe_model(m.model_copy(update={"amount": "2.00"}))[2] != digest
    with pytest.raises(ResponseValidationError, match="no integer `id`"):
        describe_model(_Model(updated="2024-01-01 00:00:00"))
    with pytest.raises(ResponseValidationError, match="no `updated`"):
        describe_model(_Model(id=1))
    with pytest.raises(ResponseValidationError, match="pydantic model"):
        describe_model(object())


# -------------------------------------------------------------------------------------------
# argument checks and backoff
# -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [0, -1, 0.0, math.nan, math.inf, True, "5", None])
def test_interval_must_be_positive(bad: Any) -> None:
    with pytest.raises(InvalidRequestError, match="interval"):
        check_interval(bad)


@pytest.mark.parametrize("bad", [0, -3, 1.5, True, "2"])
def test_cap_must_be_none_or_positive_int(bad: Any) -> None:
    with pytest.raises(InvalidRequestError, match="cap"):
        check_cap(bad)


def test_good_arguments_pass() -> None:
    assert check_interval(1) == 1.0 and check_interval(0.5) == 0.5
    assert check_cap(None) is None and check_cap(1) == 1
    assert check_boundary_limit(1) == 1
    assert check_duration(ZERO, field="safety") == ZERO
    with pytest.raises(InvalidRequestError, match="boundary_limit"):
        check_boundary_limit(0)
    with pytest.raises(InvalidRequestError, match="overlap"):
        check_duration(timedelta(seconds=-1), field="overlap")


@pytest.mark.parametrize("bad", [datetime(2024, 1, 1), "yesterday", timedelta(seconds=-1), 5, None])
def test_bad_start(bad: Any) -> None:
    with pytest.raises(InvalidRequestError, match="start"):
        check_start(bad)


def test_resolve_start() -> None:
    now = z(2024, 7, 1, 12)
    assert resolve_start("now", now) == now
    assert resolve_start(timedelta(days=2), now) == z(2024, 6, 29, 12)
    est = timezone(timedelta(hours=-5))
    assert resolve_start(datetime(2024, 1, 1, tzinfo=est), now) == z(2024, 1, 1, 5)


def test_backoff_delay() -> None:
    assert backoff_delay(1, 0.0) == 1.0
    assert backoff_delay(1, 0.999999) == pytest.approx(2.0, abs=1e-5)
    assert backoff_delay(4, 1.0) == 16.0
    assert backoff_delay(30, 1.0, maximum=60.0) == 60.0
    assert backoff_delay(30, 0.0, maximum=60.0) == 30.0
    assert backoff_delay(1, 0.5, retry_after=120.0, maximum=60.0) == 120.0  # asked for: honoured
