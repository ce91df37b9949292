"""FreshBooks time in the models: Eastern accounting timestamps, UTC exceptions, ISO Z, dates."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from freshbooks_sdk.models import (
    Client,
    EasternDateTime,
    ExpenseCategoryListResponse,
    IdentityRole,
    InvoiceLine,
    IsoDateTime,
    LenientDate,
    UTCSqlDateTime,
)

UTC = timezone.utc


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


class Stamped(BaseModel):
    updated: EasternDateTime
    signup_date: UTCSqlDateTime | None = None
    confirmed_at: IsoDateTime | None = None


def client_body(**fields: object) -> dict[str, object]:
    body: dict[str, object] = {"id": 1, "updated": "2021-04-16 10:31:58", "vis_state": 0}
    body.update(fields)
    return body


# --- Eastern -> UTC -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wire", "instant"),
    [
        ("2021-04-16 10:31:58", utc(2021, 4, 16, 14, 31, 58)),  # EDT, UTC-4
        ("2021-06-28 14:05:15", utc(2021, 6, 28, 18, 5, 15)),  # EDT (PY SDK test)
        ("2020-11-16 21:27:03", utc(2020, 11, 17, 2, 27, 3)),  # EST, UTC-5
        ("2021-01-15 23:30:00", utc(2021, 1, 16, 4, 30, 0)),  # EST, crosses midnight UTC
        ("2024-12-31 19:00:00", utc(2025, 1, 1, 0, 0, 0)),  # crosses the year
    ],
)
def test_eastern_wall_clock_becomes_aware_utc(wire: str, instant: datetime) -> None:
    value = Stamped.model_validate({"updated": wire}).updated
    assert value == instant
    assert value.tzinfo is UTC
    assert value.utcoffset() == timedelta(0)


def test_dst_repeated_hour_reads_as_first_occurrence() -> None:
    # 2024-11-03 01:30 happens twice in New York; the string is read as the first (EDT) one.
    value = Stamped.model_validate({"updated": "2024-11-03 01:30:00"}).updated
    assert value == utc(2024, 11, 3, 5, 30)
    second = datetime(2024, 11, 3, 1, 30, tzinfo=ZoneInfo("America/New_York"), fold=1)
    assert value < second  # the earlier instant of the two


def test_dst_skipped_hour_uses_the_offset_before_the_jump() -> None:
    # 2024-03-10 02:30 does not exist in New York; read with EST (-5), i.e. 03:30 EDT.
    value = Stamped.model_validate({"updated": "2024-03-10 02:30:00"}).updated
    assert value == utc(2024, 3, 10, 7, 30)


def test_hour_after_fall_back_is_est() -> None:
    assert Stamped.model_validate({"updated": "2024-11-03 02:30:00"}).updated == utc(
        2024, 11, 3, 7, 30
    )


def test_fractional_seconds_are_kept() -> None:
    value = Stamped.model_validate({"updated": "2021-04-16 10:31:58.480684"}).updated
    assert value == utc(2021, 4, 16, 14, 31, 58, 480684)


def test_iso_value_with_t_in_an_eastern_field_is_read_as_iso() -> None:
    assert Stamped.model_validate({"updated": "2021-10-17T05:48:42Z"}).updated == utc(
        2021, 10, 17, 5, 48, 42
    )
    assert Stamped.model_validate({"updated": "2021-10-17T05:48:42-04:00"}).updated == utc(
        2021, 10, 17, 9, 48, 42
    )


def test_eastern_from_json_bytes() -> None:
    value = Stamped.model_validate_json(b'{"updated": "2021-07-19 04:42:03"}').updated
    assert value == utc(2021, 7, 19, 8, 42, 3)


# --- UTC exceptions and ISO -------------------------------------------------------------------


def test_signup_date_is_utc_and_updated_is_eastern_in_one_client() -> None:
    # PY fixture create_client_response: the same instant written two ways.
    client = Client.model_validate(
        client_body(signup_date="2020-11-17 02:27:03", updated="2020-11-16 21:27:03")
    )
    assert client.signup_date == utc(2020, 11, 17, 2, 27, 3)
    assert client.updated == client.signup_date


def test_iso_z_is_utc() -> None:
    role = IdentityRole.model_validate({"created_at": "2018-08-15T17:57:02Z"})
    assert role.created_at == utc(2018, 8, 15, 17, 57, 2)
    assert role.created_at is not None and role.created_at.tzinfo is UTC


def test_iso_with_offset_is_converted_to_utc() -> None:
    value = Stamped.model_validate(
        {"updated": "2021-01-01 00:00:00", "confirmed_at": "2017-05-23T01:57:24-04:00"}
    ).confirmed_at
    assert value == utc(2017, 5, 23, 5, 57, 24)


# --- back to the wire -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wire",
    [
        "2021-04-16 10:31:58",  # EDT
        "2020-11-16 21:27:03",  # EST
        "2024-11-03 01:30:00",  # repeated hour (first occurrence)
        "2024-03-10 01:59:59",  # just before the jump
        "2024-03-10 03:00:00",  # just after the jump
    ],
)
def test_eastern_round_trips_to_the_same_wire_string(wire: str) -> None:
    model = Stamped.model_validate({"updated": wire})
    assert model.model_dump(mode="json")["updated"] == wire
    assert json.loads(model.model_dump_json())["updated"] == wire


def test_each_family_serializes_in_its_own_format() -> None:
    model = Stamped.model_validate(
        {
            "updated": "2020-11-16 21:27:03",
            "signup_date": "2020-11-17 02:27:03",
            "confirmed_at": "2017-05-23T05:57:24Z",
        }
    )
    assert model.model_dump(mode="json") == {
        "updated": "2020-11-16 21:27:03",
        "signup_date": "2020-11-17 02:27:03",
        "confirmed_at": "2017-05-23T05:57:24Z",
    }


def test_python_dump_keeps_aware_datetimes() -> None:
    model = Stamped.model_validate({"updated": "2021-04-16 10:31:58"})
    assert model.model_dump()["updated"] == utc(2021, 4, 16, 14, 31, 58)


def test_aware_datetime_input_is_converted_to_utc_and_written_as_eastern() -> None:
    toronto = datetime(2021, 4, 16, 10, 31, 58, tzinfo=ZoneInfo("America/Toronto"))
    model = Stamped(updated=toronto)
    assert model.updated == utc(2021, 4, 16, 14, 31, 58)
    assert model.updated.tzinfo is UTC
    assert model.model_dump(mode="json")["updated"] == "2021-04-16 10:31:58"


def test_utc_instant_written_as_eastern_wall_clock() -> None:
    model = Stamped(updated=utc(2021, 1, 16, 4, 30))
    assert model.model_dump(mode="json")["updated"] == "2021-01-15 23:30:00"


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        "2021-04-16",
        "16/04/2021 10:31:58",
        "2021-13-01 00:00:00",
        "2019-09-13 08:16:74",
        "yesterday",
        "",
        "2021-04-16 10:31",
        "2020-11-219T13:22:04",
    ],
)
def test_unparseable_timestamp_names_field_and_value(bad: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Stamped.model_validate({"updated": bad})
    err = exc.value.errors()[0]
    assert err["loc"] == ("updated",)
    assert err["input"] == bad
    assert repr(bad) in str(exc.value)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValidationError, match="timezone-aware"):
        Stamped(updated=datetime(2021, 4, 16, 10, 31, 58))


@pytest.mark.parametrize("bad", [1618583518, None, 1.5, b"2021-04-16 10:31:58"])
def test_non_string_timestamp_is_refused(bad: object) -> None:
    with pytest.raises(ValidationError) as exc:
        Stamped.model_validate({"updated": bad})
    assert exc.value.errors()[0]["loc"] == ("updated",)


def test_bad_timestamp_deep_in_an_envelope_names_the_full_path() -> None:
    body = {
        "response": {
            "result": {
                "categories": [
                    {"id": 1, "created_at": "2022-08-16 14:11:07"},
                    {"id": 2, "created_at": "not a time"},
                ],
                "page": 1,
                "pages": 1,
                "per_page": 15,
                "total": 2,
            }
        }
    }
    with pytest.raises(ValidationError) as exc:
        ExpenseCategoryListResponse.model_validate_json(json.dumps(body))
    err = exc.value.errors()[0]
    assert err["loc"] == ("response", "result", "categories", 1, "created_at")
    assert err["input"] == "not a time"


# --- dates ---------------------------------------------------------------------------------------


def test_date_only_fields_are_dates() -> None:
    from freshbooks_sdk.models import Expense

    expense = Expense.model_validate(
        {
            "id": 1,
            "amount": {"amount": "1.00", "code": "USD"},
            "categoryid": 2,
            "date": "2021-07-19",
            "updated": "2021-07-19 04:42:03",
            "vis_state": 0,
        }
    )
    assert type(expense.date) is date
    assert expense.date == date(2021, 7, 19)
    assert expense.model_dump(mode="json")["date"] == "2021-07-19"


def test_lenient_line_date_keeps_the_written_date() -> None:
    line = InvoiceLine.model_validate({"lineid": 1, "date": "2019-11-25 15:43:26"})
    assert line.date == date(2019, 11, 25)
    assert InvoiceLine.model_validate({"lineid": 1, "date": "2019-11-25"}).date == date(
        2019, 11, 25
    )
    assert InvoiceLine.model_validate({"lineid": 1, "date": None}).date is None
    with pytest.raises(ValidationError) as exc:
        InvoiceLine.model_validate({"lineid": 1, "date": "25/11/2019"})
    assert exc.value.errors()[0]["loc"] == ("date",)


def test_lenient_date_type_adapter() -> None:
    ta: TypeAdapter[date] = TypeAdapter(LenientDate)
    assert ta.validate_python("2019-11-25T15:43:26Z") == date(2019, 11, 25)
    assert ta.dump_python(date(2019, 11, 25), mode="json") == "2019-11-25"
