"""Bad input, everywhere: every public entry point answers a hostile argument with an
``InvalidRequestError`` naming it before any request, or sends only valid requests.

The harness is in ``tests/fuzz_inputs_support.py`` (``scripts/fuzz_report.py`` runs it at a
larger scale and prints the counts). Here: a deterministic sweep of every (method, parameter)
with a fixed list of hostile values, bounded hypothesis runs on top, the constructors, a sample
of async methods, the integration catalog and the CLI, and one regression test per example of
issue 10.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz_inputs_support as fz
from freshbooks_sdk import FreshBooks
from freshbooks_sdk._core import inputs, query
from freshbooks_sdk._core.money_input import to_decimal
from freshbooks_sdk.errors import InvalidRequestError
from freshbooks_sdk.integration import catalog
from freshbooks_sdk.sandbox import Sandbox
from freshbooks_sdk.sandbox.seed import APP_SCOPES

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


@pytest.fixture(scope="module", autouse=True)
def _in_a_scratch_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A hostile ``store="x"`` is a valid SQLite path: keep those files out of the project."""
    here = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("fuzz-cwd"))
    try:
        yield
    finally:
        os.chdir(here)


@pytest.fixture(scope="module")
def world() -> Iterator[fz.World]:
    w = fz.make_world()
    yield w
    w.loop.close()
    assert w.sandbox.internal_errors == []


def _check(tally: fz.Tally) -> None:
    fz.TALLY.add(tally)
    assert tally.untyped == tally.bad_requests == tally.server_faults == 0, "\n".join(
        tally.failures[:20]
    )


def _ids(method: fz.Method) -> str:
    return method.label


# -- every public sync method --------------------------------------------------------------------


# extra=/fields= values are sent on purpose (the escape hatch for what the fragment does not model);
# the harness checks every request it sees itself (strict JSON, safe headers and URL).
@pytest.mark.spec_exempt
@pytest.mark.parametrize("method", fz.METHODS, ids=_ids)
def test_every_parameter_with_every_hostile_value(world: fz.World, method: fz.Method) -> None:
    tally = fz.Tally()
    for param in method.params:
        for value in fz.SPECIAL:
            fz.run_method_case(world, method, param, value, tally)
    if not method.params:  # identity.businesses takes nothing: it must still just work
        fz.record(
            tally,
            method.label,
            "-",
            None,
            world.recorder,
            len(world.recorder.sent),
            lambda: method.call(world.fb, {}),
        )
    assert tally.cases >= max(1, len(method.params) * len(fz.SPECIAL))
    _check(tally)


FUZZED = [m for m in fz.METHODS if m.params]


@pytest.mark.spec_exempt  # as above: extra=, fields= and request(json=) send unmodelled data
@pytest.mark.spec_exempt  # extra=/fields= send unmodelled fields on purpose (harness checks)
@pytest.mark.parametrize("method", FUZZED, ids=_ids)
@FUZZ
@given(data=st.data())
def test_hypothesis_hostile_values(world: fz.World, method: fz.Method, data: st.DataObject) -> None:
    param = data.draw(st.sampled_from(method.params), label="param")
    value = data.draw(fz.hostile, label="value")
    tally = fz.Tally()
    fz.run_method_case(world, method, param, value, tally)
    _check(tally)


VALIDATED = [m for m in fz.METHODS if fz.valid_params(m)]


@pytest.mark.spec_exempt  # client.request(params=...) reaches beyond the fragment by design
@pytest.mark.parametrize("method", VALIDATED, ids=_ids)
@settings(FUZZ, max_examples=15)
@given(data=st.data())
def test_valid_values_are_never_refused(
    world: fz.World, method: fz.Method, data: st.DataObject
) -> None:
    """The other side of the checks: a valid value is sent (and every request is valid)."""
    param = data.draw(st.sampled_from(fz.valid_params(method)), label="param")
    value = data.draw(fz.valid_strategy(method, param), label="value")
    tally = fz.Tally()
    outcome = fz.run_method_case(world, method, param, value, tally)
    _check(tally)
    assert outcome == "ok", (method.label, param, value)


# -- constructors -----------------------------------------------------------------------------


@pytest.mark.parametrize("param", fz.CONSTRUCTOR_PARAMS)
def test_constructor_argument_with_every_hostile_value(world: fz.World, param: str) -> None:
    tally = fz.Tally()
    for value in fz.SPECIAL:
        fz.run_constructor_case(world, param, value, tally)
    _check(tally)


@FUZZ
@given(param=st.sampled_from(fz.CONSTRUCTOR_PARAMS), value=fz.hostile)
def test_constructor_hypothesis(world: fz.World, param: str, value: Any) -> None:
    tally = fz.Tally()
    fz.run_constructor_case(world, param, value, tally)
    _check(tally)


def test_async_constructor_checks_the_same(world: fz.World) -> None:
    from freshbooks_sdk import AsyncFreshBooks

    for kwargs, field in [
        ({"access_token": "t\r\nX: 1"}, "access_token"),
        ({"access_token": "tök"}, "access_token"),
        ({"access_token": "t", "base_url": "ftp://x"}, "base_url"),
        ({"access_token": "t", "timeout": float("nan")}, "timeout"),
        ({"access_token": "t", "max_retries": 10**5000}, "max_retries"),
        ({"access_token": "t", "http_client": object()}, "http_client"),
    ]:
        with pytest.raises(InvalidRequestError) as info:
            AsyncFreshBooks(**kwargs)
        assert info.value.field == field


# -- coverage: a public method without a fuzz entry fails here ------------------------------------


def test_every_public_method_has_a_fuzz_entry() -> None:
    labels = fz.discover_public_methods()
    assert len(labels) >= 55 and "client.request" in labels and "invoices.pdf" in labels
    assert fz.coverage_gaps() == []
    assert fz.webhook_coverage_gaps() == []
    assert {m.label for m in fz.ASYNC_METHODS} >= set(labels)


def test_a_new_public_method_is_reported_as_not_fuzzed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The discovery is real: a method added to a resource (or a new parameter) shows up."""
    from freshbooks_sdk import webhooks
    from freshbooks_sdk._sync.resources.taxes import TaxesResource

    monkeypatch.setattr(TaxesResource, "archive", lambda self, tax_id: None, raising=False)
    assert fz.coverage_gaps() == ["taxes.archive: no fuzz entry"]
    original = TaxesResource.get

    def get(self: Any, tax_id: int, *, include: tuple[str, ...] = ()) -> Any:
        return original(self, tax_id)

    monkeypatch.setattr(TaxesResource, "get", get)
    assert "taxes.get: parameters not fuzzed: ['include']" in fz.coverage_gaps()
    monkeypatch.setattr(webhooks, "__all__", [*webhooks.__all__, "replay"], raising=True)
    monkeypatch.setattr(webhooks, "replay", lambda body: None, raising=False)
    assert fz.webhook_coverage_gaps() == ["webhooks.replay: no fuzz entry"]


# -- webhooks: fail closed and typed, never an untyped exception --------------------------------


@pytest.mark.parametrize("call", fz.WEBHOOK_CALLS, ids=lambda c: c.label)
def test_webhook_helper_with_every_hostile_value(call: fz.WebhookCall) -> None:
    tally = fz.Tally()
    for param in call.params:
        for value in fz.SPECIAL:
            fz.run_webhook_case(call, param, value, tally)
    assert tally.cases == len(call.params) * len(fz.SPECIAL)
    _check(tally)


@settings(FUZZ, max_examples=60)
@given(data=st.data())
def test_webhook_hypothesis(data: st.DataObject) -> None:
    call = data.draw(st.sampled_from(fz.WEBHOOK_CALLS), label="call")
    param = data.draw(st.sampled_from(call.params), label="param")
    value = data.draw(fz.hostile | st.binary(max_size=64), label="value")
    tally = fz.Tally()
    fz.run_webhook_case(call, param, value, tally)
    _check(tally)


def test_webhook_helpers_refuse_bad_arguments_by_name() -> None:
    from freshbooks_sdk import webhooks

    for call, field in [
        (lambda: webhooks.PollHint("s3cret", account_id=10**5000), "account_id"),
        (lambda: webhooks.PollHint("s3cret").attach(object(), "invoice"), "poller"),
        (lambda: webhooks.PollHint("s3cret").attach(fz._Waker(), ["invoice"]), "resource"),
        (lambda: webhooks.signature_message([("name", 1)]), "fields"),
        (lambda: webhooks.signature_message([["a"]] * 2), "fields"),
        (
            lambda: webhooks.verify_event(b"x=1", "c2ln", "s3cret", account_id=fz._Weird()),
            "account_id",
        ),
    ]:
        with pytest.raises(InvalidRequestError) as info:
            call()
        assert info.value.field == field
    with pytest.raises(webhooks.WebhookVerificationError, match="fail closed"):
        webhooks.verify_event(b"x=1", "c2ln", "\ud800")


# -- async methods (the same checks run in both shells) -----------------------------------------

ASYNC_METHODS = [m for m in fz.ASYNC_METHODS if m.label in fz.ASYNC_SAMPLE]
ASYNC_OTHERS = [m for m in fz.ASYNC_METHODS if m.label not in fz.ASYNC_SAMPLE]


@pytest.mark.spec_exempt  # extra=/fields= send unmodelled fields on purpose (harness checks)
@pytest.mark.parametrize("method", ASYNC_METHODS, ids=_ids)
def test_async_sample_with_every_hostile_value(world: fz.World, method: fz.Method) -> None:
    tally = fz.Tally()
    values = fz.SPECIAL[::2]  # half the list: the checks are shared with the sync shell
    for param in method.params:
        for value in values:
            fz.run_async_case(world, method, param, value, tally)
    _check(tally)


@pytest.mark.spec_exempt  # extra=/fields= send unmodelled fields on purpose (harness checks)
@pytest.mark.parametrize("method", ASYNC_METHODS, ids=_ids)
@settings(FUZZ, max_examples=10)
@given(data=st.data())
def test_async_hypothesis(world: fz.World, method: fz.Method, data: st.DataObject) -> None:
    tally = fz.Tally()
    param = data.draw(st.sampled_from(method.params))
    fz.run_async_case(world, method, param, data.draw(fz.hostile), tally)
    _check(tally)


@pytest.mark.spec_exempt  # raw request(json=...) sends unmodelled bodies on purpose
def test_async_twin_of_every_other_method(world: fz.World) -> None:
    """Every other async method (pollers and bound resources too), with a spread of the
    hostile values."""
    tally = fz.Tally()
    for method in ASYNC_OTHERS:
        for param in method.params:
            for value in fz.SPECIAL[::7]:
                fz.run_async_case(world, method, param, value, tally)
    assert tally.cases > 1000
    _check(tally)


# -- the integration catalog ------------------------------------------------------------------


@pytest.mark.parametrize("name", list(catalog))
def test_catalog_entry_never_answers_internal_error(world: fz.World, name: str) -> None:
    tally = fz.Tally()
    for value in fz.SPECIAL:
        fz.run_catalog_case(world, name, None, value, tally)
    for param in fz.catalog_params(name):
        for value in fz.SPECIAL:
            fz.run_catalog_case(world, name, param, value, tally)
    _check(tally)


@settings(FUZZ, max_examples=40)
@given(data=st.data())
def test_catalog_hypothesis(world: fz.World, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(list(catalog)))
    param = data.draw(st.sampled_from(fz.catalog_params(name)))
    tally = fz.Tally()
    fz.run_catalog_case(world, name, param, data.draw(fz.hostile), tally)
    _check(tally)


def test_trigger_examples_from_the_issue(world: fz.World) -> None:
    trigger = catalog["freshbooks/invoice-updated"]
    sent = len(world.recorder.sent)
    for data in (
        {"start": "9999-12-31T23:59:59-14:00"},
        {"start": "0001-01-01T00:00:00+14:00"},
        "x",
        ["start"],
        {"interval": float("nan")},
        {"cap": 10**5000},
        {"cursor": "[" * 5000},
    ):
        result = trigger.run(world.fb, data)  # type: ignore[arg-type]  # hostile on purpose
        assert not result.ok and result.error is not None
        assert result.error["type"] in ("invalid_input", "cursor_error"), result.error
    assert len(world.recorder.sent) == sent
    bad_start = trigger.run(world.fb, {"start": "9999-12-31T23:59:59-14:00"}).error
    assert bad_start is not None and bad_start["fields"][0]["field"] == "start"


# -- the CLI -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Sandbox, dict[str, str]]]:
    sb = Sandbox(seed=0)
    home = tmp_path_factory.mktemp("cli-home")
    with sb.serve() as base_url:
        env = {
            "FRESHBOOKS_ACCESS_TOKEN": sb.issue_token(scopes=APP_SCOPES),
            "FRESHBOOKS_ACCOUNT_ID": sb.account_ids[0],
            "FRESHBOOKS_BASE_URL": base_url,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "FRESHBOOKS_CURSOR_DB": str(home / "cursors.db"),
            "PATH": os.environ.get("PATH", ""),
        }
        yield sb, env
    assert sb.internal_errors == []


def _argv(template: tuple[str, ...], value: str) -> list[str]:
    return [value if part == "{}" else part for part in template]


def test_cli_issue_examples_exit_2_without_traceback(
    served: tuple[Sandbox, dict[str, str]],
) -> None:
    sb, env = served
    tally = fz.Tally()
    cases = [
        ["clients", "list", "--email", "a@b.com\r\nBcc: x@y.z"],
        ["clients", "list", "--updated-since", "0001-01-01T00:00:00+14:00"],
        [
            "invoices",
            "create",
            "--client-id",
            "1",
            "--currency",
            "USD",
            "--line",
            "n",
            "1",
            "1e999999",
        ],
        [
            "expenses",
            "create",
            "--amount",
            "NaN",
            "--category-id",
            "1",
            "--date",
            "2024-05-01",
            "--currency",
            "USD",
        ],
        ["poll", "invoices", "--once", "--start", "9999-12-31T23:59:59-14:00"],
        ["action", "freshbooks/invoice-updated", "--input", '"x"'],
        ["action", "freshbooks/create-client", "--input", "[" * 5000],
        ["action", "freshbooks/create-client", "--input", '{"fname": NaN}'],
        ["clients", "create", "--fname", "\udcff"],
    ]
    for argv in cases:
        outcome = fz.run_cli_case(argv, env, sb, tally)
        assert outcome.code == 2, (argv[:4], outcome.err[-300:])
        assert outcome.err.startswith("freshbooks: invalid input")
        assert outcome.err.count("\n") == 1  # one line, no traceback
        if argv[0] != "action":  # the line names the option that gave the bad value
            assert outcome.err.startswith("freshbooks: invalid input: --"), outcome.err
    for name, bad in [
        ("FRESHBOOKS_ACCESS_TOKEN", "t\r\nX-Injected: 1"),
        ("FRESHBOOKS_ACCESS_TOKEN", "tök"),
        ("FRESHBOOKS_BASE_URL", "ftp://example.com"),
        ("FRESHBOOKS_ACCOUNT_ID", "../x"),
        ("FRESHBOOKS_CURRENCY", "dollars"),
    ]:
        outcome = fz.run_cli_case(["clients", "list"], {**env, name: bad}, sb, tally)
        assert outcome.code == 2, (name, outcome.err[-300:])
        assert name in outcome.err, outcome.err
        assert bad not in outcome.err or name != "FRESHBOOKS_ACCESS_TOKEN"
    _check(tally)


@settings(FUZZ, max_examples=30)
@given(
    template=st.sampled_from(fz.CLI_TEMPLATES),
    value=st.sampled_from(fz.CLI_VALUES) | st.text(max_size=20),
)
def test_cli_hypothesis(
    served: tuple[Sandbox, dict[str, str]], template: tuple[str, ...], value: str
) -> None:
    sb, env = served
    tally = fz.Tally()
    fz.run_cli_case(_argv(template, value), env, sb, tally)
    _check(tally)


# -- the examples of issue 10, one by one -------------------------------------------------------


def _refused(world: fz.World, call: Any, field: str) -> InvalidRequestError:
    sent = len(world.recorder.sent)
    with pytest.raises(InvalidRequestError) as info:
        result = call()
        if hasattr(result, "__iter__") and not isinstance(result, (str, bytes, dict)):
            list(result)
    assert len(world.recorder.sent) == sent, "a request was sent"
    assert info.value.field is not None and info.value.field.split(".")[0] == field, (
        info.value.field,
        str(info.value),
    )
    assert len(str(info.value)) < 1000
    return info.value


def test_issue_examples_refused_naming_the_field(world: fz.World) -> None:
    fb, w = world.fb, world
    line = {"name": "x", "unit_cost": "1.00"}
    plus14 = timezone(timedelta(hours=14))
    _refused(w, lambda: fb.clients.list(include=None), "include")
    _refused(w, lambda: fb.clients.list(include="outstanding_balance"), "include")
    _refused(w, lambda: fb.invoices.list(include="lines"), "include")
    _refused(
        w, lambda: fb.invoices.create(customer_id=w.client_id, lines=[line], extra=[1]), "extra"
    )
    _refused(w, lambda: fb.invoices.list(vis_state="x"), "vis_state")
    _refused(w, lambda: fb.clients.get(10**5000), "client_id")
    _refused(w, lambda: fb.clients.get(2**63), "client_id")
    _refused(
        w,
        lambda: fb.invoices.create(customer_id=w.client_id, lines=[line], po_number=b"x"),
        "po_number",
    )
    _refused(w, lambda: fb.clients.list(email="A" * 2_000_000), "email")
    _refused(w, lambda: fb.clients.list(organization_like="\ud800"), "organization_like")
    _refused(
        w, lambda: fb.invoices.list(updated_since=datetime(1, 1, 1, tzinfo=plus14)), "updated_since"
    )
    deep: Any = "x"
    for _ in range(5000):
        deep = {"a": deep}
    _refused(w, lambda: fb.clients.create(fname="A", extra={"note": deep}), "extra")
    _refused(w, lambda: fb.invoices.update(w.invoice_id, notes=float("nan")), "notes")
    _refused(w, lambda: fb.invoices.update(w.invoice_id, fields={"notes": float("nan")}), "fields")
    _refused(
        w,
        lambda: fb.invoices.create(customer_id=w.client_id, lines=[line], due_offset_days=-5),
        "due_offset_days",
    )
    _refused(w, lambda: fb.clients.list(email=object()), "email")
    _refused(w, lambda: fb.clients.create(email="a@b.com\r\nBcc: x@y.z"), "email")
    _refused(w, lambda: fb.invoices.send(w.invoice_id, to=["a@b.com\r\nBcc: x@y.z"]), "to")
    _refused(
        w,
        lambda: fb.expenses.create(
            amount=Decimal("1e999999"), category_id=w.category_id, date=date(2024, 5, 1)
        ),
        "amount",
    )
    _refused(
        w,
        lambda: fb.invoices.create(
            customer_id=w.client_id, lines=[{**line, "type": 1, "expenseid": "../x"}]
        ),
        "lines",
    )
    _refused(w, lambda: fb.invoices.send(w.invoice_id, include_pdf="no"), "include_pdf")
    _refused(w, lambda: fb.clients.list(email_like="@example.com"), "email_like")
    fresh = w.client(access_token=w.token, account_id=w.account_id)  # nothing cached yet
    _refused(w, lambda: fresh.identity.me(refresh="no"), "refresh")
    _refused(w, lambda: fresh.identity.staff_id("../x"), "account_id")
    with pytest.raises(InvalidRequestError) as info:
        FreshBooks(access_token="tök", account_id="ACM123")
    assert info.value.field == "access_token" and "tök" not in str(info.value)


def test_valid_calls_still_send_the_documented_client_filters(world: fz.World) -> None:
    fb = world.fb
    sent = len(world.recorder.sent)
    list(
        fb.clients.list(
            organization_like="Acme",
            fname_like="Ad",
            phone_like="555",
            user_ids=[world.client_id],
            has_outstanding=True,
            include=["outstanding_balance"],
            max_items=1,
        )
    )
    (request,) = world.recorder.sent[sent:]
    assert "search%5Borganization_like%5D=Acme" in request.url
    assert "search%5Buserids%5D%5B%5D=" in request.url
    assert "search%5Bhas_outstanding%5D=true" in request.url
    assert "include%5B%5D=outstanding_balance" in request.url
    assert fz.request_problems(request) == []
    with pytest.raises(InvalidRequestError, match="opposite"):
        fb.clients.list(has_overdue=False)


def test_balance_filters_select_clients_with_such_a_balance() -> None:
    sb = Sandbox(seed=0)
    with FreshBooks(
        access_token=sb.issue_token(),
        account_id=sb.account_ids[0],
        http_client=httpx.Client(transport=sb.transport()),
        default_currency="USD",
    ) as fb:
        owing = fb.clients.create(organization="Owing Ltd")
        idle = fb.clients.create(organization="Idle Ltd")
        draft = fb.invoices.create(
            customer_id=owing.id, lines=[{"name": "x", "unit_cost": "10.00"}]
        )
        drafts = {c.id for c in fb.clients.list(has_draft=True)}
        assert owing.id in drafts and idle.id not in drafts
        assert owing.id not in {c.id for c in fb.clients.list(has_outstanding=True)}
        fb.invoices.mark_as_sent(draft.id)
        outstanding = {c.id for c in fb.clients.list(has_outstanding=True)}
        assert owing.id in outstanding and idle.id not in outstanding
        assert [c.id for c in fb.clients.list(has_credit=True)] == []


# -- the pure checks ---------------------------------------------------------------------------


def test_describe_is_short_and_never_raises() -> None:
    assert inputs.describe(10**5000).startswith("an int of")
    assert len(inputs.describe("x" * 10_000)) < 80
    assert inputs.describe(fz._Weird()) == "a _Weird"
    assert inputs.describe(b"abc").startswith("a bytes")


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("12.50", True),
        (Decimal("999999999999999.9999999999"), True),
        ("1.50000000000000000000", True),  # trailing zeros are not digits FreshBooks stores
        (Decimal("1e15"), False),
        ("0.00000000001", False),
        (Decimal("0E-999999"), True),
        ("1" * 100, False),
        (float("inf"), False),
        (True, False),
    ],
)
def test_decimals_are_bounded_like_freshbooks(value: Any, ok: bool) -> None:
    if ok:
        assert len(str(to_decimal(value, field="amount"))) < 40
    else:
        with pytest.raises(InvalidRequestError):
            to_decimal(value, field="amount")


def test_text_checks() -> None:
    assert inputs.check_long_text("a\nb\tc", field="notes") == "a\nb\tc"
    for bad in ("a\r\nb", "nul\x00", "\u2028"):
        with pytest.raises(InvalidRequestError):
            inputs.check_text(bad, field="fname")
    with pytest.raises(InvalidRequestError, match="control"):
        inputs.check_long_text("bell\x07", field="notes")
    assert type(inputs.check_text(fz._BadStr("plain"), field="fname")) is str


def test_query_encoding_refuses_what_it_cannot_render() -> None:
    for bad in (object(), b"x", float("nan"), "x\r\n", "\ud800", 2**64):
        with pytest.raises(InvalidRequestError):
            query.build_query(search={"email": bad})
    with pytest.raises(InvalidRequestError):
        query.build_query(search={"bad key]": "x"})


def test_base_url_and_token_checks() -> None:
    assert inputs.check_base_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"
    for bad in ("ftp://x", "https://", "https://u:p@x", "https://x/?q=1", "https://x y", "é"):
        with pytest.raises(InvalidRequestError) as info:
            inputs.check_base_url(bad)
        assert info.value.field == "base_url"
    for token in ("", " ", "a b", "a\nb", "é", "x" * 5000):
        with pytest.raises(InvalidRequestError):
            inputs.check_access_token(token)


# -- per-call options, with_options(...), with_raw_response / with_streaming_response -----------

OPTION_TARGETS = [*fz.OPTION_METHODS, *fz.STREAM_METHODS]


@pytest.mark.spec_exempt  # extra_query reaches beyond the fragment by design
@pytest.mark.parametrize("method", OPTION_TARGETS, ids=_ids)
def test_every_call_option_of_every_method(world: fz.World, method: fz.Method) -> None:
    """Each ``CallOptions`` key with its hostile values (and a sample of ``SPECIAL``): refused
    naming the option before any request, or sent with every request valid (no header the SDK
    owns overridden, no CR/LF or non-ASCII header, a bounded URL and header block)."""
    tally = fz.Tally()
    for key in fz.OPTION_KEYS:
        for value in [*fz.OPTION_VALUES[key], *fz.SPECIAL[::5]]:
            fz.run_option_case(world, method, key, value, tally)
    assert tally.cases == sum(len(v) + len(fz.SPECIAL[::5]) for v in fz.OPTION_VALUES.values())
    assert tally.typed > tally.cases // 2 and tally.ok > 0  # both sides are exercised
    _check(tally)


@pytest.mark.spec_exempt  # as above, and request(json=...) sends unmodelled bodies
@pytest.mark.parametrize("method", fz.RAW_METHODS, ids=_ids)
def test_raw_response_twins_check_the_same(world: fz.World, method: fz.Method) -> None:
    """``<resource>.with_raw_response.<method>``: the same arguments, the same checks."""
    tally = fz.Tally()
    for key in fz.OPTION_KEYS:
        for value in fz.OPTION_VALUES[key][::3]:
            fz.run_option_case(world, method, key, value, tally)
    for param in method.params:
        for value in fz.SPECIAL[::4]:
            fz.run_method_case(world, method, param, value, tally)
    _check(tally)


@pytest.mark.spec_exempt
@settings(FUZZ, max_examples=60)
@given(data=st.data())
def test_options_hypothesis(world: fz.World, data: st.DataObject) -> None:
    method = data.draw(st.sampled_from([*OPTION_TARGETS, *fz.RAW_METHODS]), label="method")
    key = data.draw(st.sampled_from(fz.OPTION_KEYS), label="key")
    value = data.draw(
        fz.hostile
        | st.sampled_from(fz.OPTION_VALUES[key])
        | st.dictionaries(st.text(max_size=12), fz.hostile, max_size=3),
        label="value",
    )
    tally = fz.Tally()
    fz.run_option_case(world, method, key, value, tally)
    _check(tally)


@pytest.mark.parametrize("param", fz.WITH_OPTIONS_PARAMS)
def test_with_options_argument_with_every_hostile_value(world: fz.World, param: str) -> None:
    tally = fz.Tally()
    for value in [*fz.WITH_OPTIONS_EXTRA[param], *fz.SPECIAL]:
        fz.run_with_options_case(world, param, value, tally)
    for value in fz.WITH_OPTIONS_EXTRA[param]:
        fz.run_async_with_options_case(world, param, value, tally)
    assert tally.ok > 0 and tally.typed > 0
    _check(tally)


@pytest.mark.spec_exempt
@pytest.mark.parametrize("method", ASYNC_METHODS, ids=_ids)
def test_async_sample_call_options(world: fz.World, method: fz.Method) -> None:
    tally = fz.Tally()
    for key in fz.OPTION_KEYS:
        for value in fz.OPTION_VALUES[key][::2]:
            fz.run_async_option_case(world, method, key, value, tally)
    assert tally.typed > 0 and tally.ok > 0
    _check(tally)


@pytest.mark.spec_exempt  # the probe query parameter is not in the fragment, on purpose
@pytest.mark.parametrize("method", [*OPTION_TARGETS, *fz.RAW_METHODS], ids=_ids)
def test_valid_options_are_sent(world: fz.World, method: fz.Method) -> None:
    """The other side: valid options are accepted and reach the wire on the call's request."""
    tally = fz.Tally()
    before = len(world.recorder.sent)
    options = {
        "timeout": 5.0,
        "max_retries": 0,
        "extra_headers": {"X-Fuzz-Probe": "p1"},
        "extra_query": {"search[fuzz_probe]": "q 2"},
    }
    outcome = fz.record(
        tally,
        method.label,
        "options",
        options,
        world.recorder,
        before,
        lambda: method.call(world.fb, {**method.base(world), **options}),
        check=fz._check_options,
    )
    _check(tally)
    assert outcome == "ok"
    sent = world.recorder.sent[before:]
    if not sent:  # identity.* answers from the users/me it already read (nothing to send)
        assert method.label.startswith("identity."), method.label
        return
    last = sent[-1]
    assert (b"x-fuzz-probe", b"p1") in [(n.lower(), v) for n, v in last.headers]
    assert "search%5Bfuzz_probe%5D=q+2" in last.url or "search[fuzz_probe]=q" in last.url


def test_option_coverage_follows_call_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new ``CallOptions`` key, raw method or ``with_options`` argument must get fuzz values."""
    from freshbooks_sdk._core.options import CallOptions
    from freshbooks_sdk._sync.resources.taxes import TaxesWithRawResponse

    assert fz.option_coverage_gaps() == []
    assert set(fz.OPTION_KEYS) == {"timeout", "max_retries", "extra_headers", "extra_query"}
    assert len(fz.OPTION_METHODS) >= 45 and len(fz.RAW_METHODS) >= 45
    monkeypatch.setattr(
        CallOptions, "__optional_keys__", CallOptions.__optional_keys__ | {"idempotency_key"}
    )
    monkeypatch.setattr(fz, "OPTION_KEYS", (*fz.OPTION_KEYS, "idempotency_key"))
    assert fz.option_coverage_gaps() == ["CallOptions['idempotency_key']: no fuzz values"]
    monkeypatch.undo()
    original = TaxesWithRawResponse.__init__

    def init(self: Any, taxes: Any) -> None:
        original(self, taxes)
        self.archive = lambda tax_id: None

    monkeypatch.setattr(TaxesWithRawResponse, "__init__", init)
    assert fz.option_coverage_gaps() == ["taxes.with_raw_response.archive: no fuzz entry"]


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"extra_headers": {"Content-Type": "text/plain"}}, "extra_headers[Content-Type]"),
        ({"extra_headers": {"Expect": "100-continue"}}, "extra_headers[Expect]"),
        ({"extra_headers": {"Keep-Alive": "timeout=5"}}, "extra_headers[Keep-Alive]"),
        ({"extra_headers": {f"X-B{i}": "v" * 8000 for i in range(3)}}, "extra_headers"),
        ({"extra_query": {"x": "line\nbreak"}}, "extra_query[x]"),
        ({"extra_query": {"x": ""}}, "extra_query[x]"),
        ({"extra_query": {"a b": "1"}}, "extra_query"),
        ({"extra_query": {"a=b&c": "1"}}, "extra_query"),
        ({"extra_query": {f"q{i}": "v" * 900 for i in range(6)}}, "extra_query"),
        ({"extra_query": {"q": "é" * 900}}, "extra_query"),
    ],
)
def test_option_defects_found_by_the_fuzz_are_refused(
    world: fz.World, options: dict[str, Any], field: str
) -> None:
    """What the option fuzz found (each sent, or an untyped ``httpx.InvalidURL``, before)."""
    before = len(world.recorder.sent)
    with pytest.raises(InvalidRequestError) as info:
        world.fb.expenses.create(
            amount="1.00", category_id=world.category_id, date=date(2024, 5, 1), **options
        )
    assert info.value.field == field
    assert len(world.recorder.sent) == before  # the staff id lookup is not sent either


def test_max_response_bytes_error_never_reprs_the_value(world: fz.World) -> None:
    with pytest.raises(InvalidRequestError) as info:
        world.fb.with_options(max_response_bytes=fz._DEEP_LIST)  # type: ignore[arg-type]  # hostile on purpose
    assert info.value.field == "max_response_bytes" and len(str(info.value)) < 200


def test_tally_of_this_run(world: fz.World) -> None:
    """The module's counts add up (the full table comes from ``scripts/fuzz_report.py``)."""
    totals = fz.TALLY.as_dict()
    assert totals["untyped_errors"] == 0 and totals["requests_with_bad_data"] == 0
    assert totals["sandbox_internal_errors"] == 0
    assert totals["cases"] == totals["typed_errors"] + totals["successes"]
    print("fuzz inputs:", json.dumps(totals))


# -- the sandbox: dates at the edge of datetime answer 4xx, never 500 ---------------------------

EDGE_DATES = (
    "9999-12-31",
    "9999-12-30",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01",
)


def test_sandbox_answers_edge_dates_with_a_4xx_when_the_sdk_is_bypassed() -> None:
    """Raw requests (no SDK checks in the way): a date near 9999 or year 1 with an offset is a
    FreshBooks-shaped 4xx (or accepted), never a 500 with the sandbox's exception."""
    sb = Sandbox(seed=0)
    token = sb.issue_token(scopes=APP_SCOPES)
    account = sb.account_ids[0]
    with httpx.Client(
        transport=sb.transport(),
        base_url="https://api.freshbooks.com",
        headers={"Authorization": f"Bearer {token}"},
    ) as http:
        me = http.get("/auth/api/v1/users/me").json()["response"]
        business = me["business_memberships"][0]["business"]["id"]
        acct = f"/accounting/account/{account}"
        client = http.post(f"{acct}/users/clients", json={"client": {"fname": "Edge"}})
        customer = client.json()["response"]["result"]["client"]["id"]
        line = {"name": "x", "qty": "1", "unit_cost": {"amount": "1.00"}}

        def invoice(day: str, offset: int) -> dict[str, Any]:
            fields = {"customerid": customer, "create_date": day, "due_offset_days": offset}
            return {"invoice": {**fields, "lines": [line]}}

        made = http.post(f"{acct}/invoices/invoices", json=invoice("2024-05-01", 30)).json()
        invoice_id = made["response"]["result"]["invoice"]["id"]
        answers: list[tuple[str, httpx.Response]] = []
        for day in EDGE_DATES:
            for offset in (0, 30, 36_500):
                answers.append(
                    (
                        f"create {day}+{offset}",
                        http.post(f"{acct}/invoices/invoices", json=invoice(day, offset)),
                    )
                )
            answers.append(
                (
                    f"update {day}",
                    http.put(
                        f"{acct}/invoices/invoices/{invoice_id}",
                        json={"invoice": {"create_date": day, "due_offset_days": 5}},
                    ),
                )
            )
            for name in ("started_from", "started_to", "updated_since"):
                answers.append(
                    (
                        f"time entries {name}={day}",
                        http.get(
                            f"/timetracking/business/{business}/time_entries", params={name: day}
                        ),
                    )
                )
            answers.append(
                (
                    f"projects updated_since={day}",
                    http.get(
                        f"/projects/business/{business}/projects", params={"updated_since": day}
                    ),
                )
            )
            entry = {"time_entry": {"started_at": day, "duration": 60, "is_logged": True}}
            answers.append(
                (
                    f"time entry at {day}",
                    http.post(f"/timetracking/business/{business}/time_entries", json=entry),
                )
            )
        # the invoice is still readable (a refused update left nothing half-applied)
        answers.append(("get invoice", http.get(f"{acct}/invoices/invoices/{invoice_id}")))
        answers.append(("list invoices", http.get(f"{acct}/invoices/invoices")))
    server_errors = [
        (what, r.status_code, r.text[:120]) for what, r in answers if r.status_code >= 500
    ]
    assert server_errors == [] and sb.internal_errors == []
    refused = {what: r for what, r in answers if 400 <= r.status_code < 500}
    assert "create 9999-12-31+30" in refused and "update 9999-12-30" in refused
    assert "time entries started_from=9999-12-31T23:59:59-14:00" in refused
    assert "time entry at 0001-01-01T00:00:00+14:00" in refused
    for what, response in refused.items():  # FreshBooks-shaped: a JSON error body naming the field
        body = response.json()
        assert "errors" in json.dumps(body) or "error" in body, (what, body)
    stored = answers[-2][1].json()["response"]["result"]["invoice"]
    assert stored["create_date"] == "0001-01-01"  # the last accepted update; no 9999 applied
    assert stored["due_date"] == "0001-01-06"


_form_text = st.text(max_size=24) | st.sampled_from(["²", "٣", "9" * 19, "9" * 20, "-1", "0", " 7"])


@settings(FUZZ, max_examples=80)
@given(
    fields=st.dictionaries(
        st.sampled_from(["name", "object_id", "account_id", "business_id", "user_id", "x"]),
        _form_text,
        max_size=6,
    )
)
def test_a_correctly_signed_hostile_event_is_read_or_refused_typed(fields: dict[str, str]) -> None:
    """The signature matches, the fields are hostile: an event or ``WebhookVerificationError``."""
    from urllib.parse import urlencode

    from freshbooks_sdk import webhooks

    body = urlencode({"name": "invoice.create", "object_id": "7", **fields}).encode()
    try:
        signature = webhooks.sign(body, "s3cret")
    except webhooks.WebhookVerificationError:
        return  # not a form the helpers read (e.g. a lone surrogate): refused, typed
    try:
        event = webhooks.verify_event(body, signature, "s3cret")
    except webhooks.WebhookVerificationError:
        return
    assert 1 <= event.object_id <= 2**63 - 1 or event.object_id == 0
    assert event.fields["object_id"].isascii()
    for stamp in (event.business_id, event.user_id):
        assert stamp is None or 0 <= stamp <= 2**63 - 1
