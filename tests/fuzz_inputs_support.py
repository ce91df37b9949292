"""Bad-input fuzzing shared by ``tests/test_fuzz_inputs.py`` and ``scripts/fuzz_report.py``.

Every public entry point (sync methods, the constructors, a sample of async methods, the
integration catalog and the CLI) gets hostile values per parameter through a client whose
transport records every request and answers from the in-process sandbox. Each case ends as:

* ``typed``: ``InvalidRequestError`` naming the parameter, with zero requests sent;
* ``ok``: success (or a typed API answer such as ``NotFoundError``) where every request sent
  was valid: strict JSON body (no NaN), ASCII-safe URL and headers without CR/LF, well-formed
  query values;
* ``untyped``: any other exception, an ``InvalidRequestError`` not naming the parameter, or one
  raised after a request was sent (a failure of the property).

``Tally`` counts cases, typed errors, untyped errors and requests with bad data.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import re
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from itertools import islice
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from hypothesis import strategies as st

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk._core.options import PROTECTED_HEADERS, CallOptions
from freshbooks_sdk.errors import FreshBooksError, InvalidRequestError
from freshbooks_sdk.sandbox import Sandbox
from freshbooks_sdk.sandbox.seed import APP_SCOPES

# -- recording transports ----------------------------------------------------------------------


@dataclass
class Sent:
    """One request as it left the client."""

    method: str
    url: str
    raw_url: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes


class Recorder:
    """Keeps every request a client sends (shared by the sync and async transports)."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []

    def note(self, request: httpx.Request, body: bytes) -> None:
        self.sent.append(
            Sent(
                request.method,
                str(request.url),
                request.url.raw_path,
                list(request.headers.raw),
                body,
            )
        )


class RecordingTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, recorder: Recorder) -> None:
        self.inner = inner
        self.recorder = recorder

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.recorder.note(request, request.read())
        return self.inner.handle_request(request)


class AsyncRecordingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, recorder: Recorder) -> None:
        self.inner = inner
        self.recorder = recorder

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.recorder.note(request, await request.aread())
        return await self.inner.handle_async_request(request)


# -- what a valid request looks like -------------------------------------------------------------

# FreshBooks query names: ``search[x]``, ``search[x][]``, ``include[]``, ``page`` and the plain
# snake_case filters of the time-tracking and project APIs (``started_from``, ``billable``).
_QUERY_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}(\[[a-z0-9_]{1,64}\])?(\[\])?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def request_problems(sent: Sent) -> list[str]:
    """Why ``sent`` is not a valid FreshBooks request (empty when it is)."""
    problems: list[str] = []
    try:
        sent.raw_url.decode("ascii")
        sent.url.encode("ascii")
    except UnicodeError:
        problems.append("URL is not ASCII")
    if any(c in sent.url for c in "\r\n\x00 "):
        problems.append("URL holds CR/LF/NUL/space")
    if len(sent.url) > 8192:
        problems.append("URL longer than 8 KiB")
    for name, value in sent.headers:
        if any(b in name + value for b in (b"\r", b"\n", b"\x00")):
            problems.append(f"header {name!r} holds CR/LF/NUL")
        try:
            (name + value).decode("ascii")
        except UnicodeDecodeError:
            problems.append(f"header {name!r} is not ASCII")
    for key, value in parse_qsl(urlsplit(sent.url).query, keep_blank_values=True):
        if not _QUERY_NAME.fullmatch(key):
            problems.append(f"query name {key!r}")
        if _CONTROL.search(value) or len(value) > 1000 or value == "":
            problems.append(f"query value for {key!r} is malformed")
        if key == "include[]" and len(value) == 1:
            problems.append("include split into letters")
    if sent.body:
        try:
            json.loads(sent.body.decode("utf-8"), parse_constant=_reject_constant)
        except ValueError as exc:
            problems.append(f"body is not strict JSON: {exc}")
        if len(sent.body) > 1_000_000:
            problems.append("body larger than 1 MB")
    return problems


# -- hostile values ------------------------------------------------------------------------------

_DEEP_LIST: Any = []
_DEEP_DICT: Any = {}
for _ in range(5000):
    _DEEP_LIST = [_DEEP_LIST]
    _DEEP_DICT = {"a": _DEEP_DICT}


class _Weird:
    def __str__(self) -> str:
        return "weird@example.com"

    def __repr__(self) -> str:
        raise RuntimeError("repr refuses")


class _BadStr(str):
    def __str__(self) -> str:
        return "\r\nX-Injected: 1"


class _EvilInt(int):
    def __str__(self) -> str:
        return "1\r\nX-Injected: 1"

    __repr__ = __str__

    def __int__(self) -> int:
        return -1


UTC14 = timezone(timedelta(hours=14))
UTC_14 = timezone(timedelta(hours=-14))
SPECIAL: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    2**63,
    2**64 + 1,
    10**5000,
    -(10**30),
    float("nan"),
    float("inf"),
    -0.0,
    1.5,
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("Infinity"),
    Decimal("1e999999"),
    Decimal("-1e-999999"),
    Decimal("0E-999999"),
    "1e999999",
    "NaN",
    b"x",
    bytearray(b"abc"),
    "",
    " ",
    "x",
    "lines",
    "../x",
    "a@b.com\r\nBcc: evil@x.com",
    "line\nbreak",
    "nul\x00byte",
    "\ud800",
    "a\udfffb@c.d",
    "é@ü.com",
    "A" * 2_000_000,
    "9" * 5000,
    _BadStr("ok@example.com"),
    _EvilInt(7),
    _Weird(),
    object(),
    [1],
    [None],
    ["lines", "lines"],
    {"x": 1},
    {"vis_state": 1},
    {1: "int key"},
    {"a": float("nan")},
    {"a": {"b": b"x"}},
    _DEEP_LIST,
    _DEEP_DICT,
    (),
    set(),
    iter([1, 2]),
    datetime(1, 1, 1, tzinfo=UTC14),
    datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC_14),
    datetime(2024, 5, 1, 12, 0),
    datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc),
    date(1, 1, 1),
    date(9999, 12, 31),
    timedelta(days=999_999_999),
    timedelta(seconds=-1),
]
special = st.sampled_from(SPECIAL)

_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.text(alphabet=string.ascii_letters + "@.\r\n\x00-_", max_size=20),
    st.binary(max_size=8),
    st.dates(),
    st.datetimes(timezones=st.timezones() | st.just(UTC14) | st.just(UTC_14)),
    st.timedeltas(),
)
hostile: st.SearchStrategy[Any] = st.one_of(
    special,
    _scalar,
    st.lists(_scalar, max_size=4),
    st.dictionaries(st.text(max_size=12) | st.integers(), _scalar, max_size=4),
    st.recursive(_scalar, lambda kids: st.lists(kids, max_size=3), max_leaves=8),
)


# -- the outcome of one case ----------------------------------------------------------------------


@dataclass
class Tally:
    """Counts of the fuzz run (what the closing note reports)."""

    cases: int = 0
    typed: int = 0
    ok: int = 0
    untyped: int = 0
    bad_requests: int = 0
    requests: int = 0
    server_faults: int = 0  # the sandbox failed internally on a request the SDK let through
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "cases": self.cases,
            "typed_errors": self.typed,
            "successes": self.ok,
            "untyped_errors": self.untyped,
            "requests_sent": self.requests,
            "requests_with_bad_data": self.bad_requests,
            "sandbox_internal_errors": self.server_faults,
        }

    def add(self, other: Tally) -> None:
        for name in (
            "cases",
            "typed",
            "ok",
            "untyped",
            "bad_requests",
            "requests",
            "server_faults",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failures.extend(other.failures)


TALLY = Tally()
"""The process-wide tally (the test module and the report script read it)."""


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text[:80]


def names_param(exc: InvalidRequestError, param: str) -> bool:
    """Whether the error names ``param`` (its ``field`` path or, failing that, its message)."""
    fields = [exc.field or ""] + [d.field or "" for d in exc.errors]
    head = param.split(".")[0]
    return any(f == head or f.startswith((head + ".", head + "[")) for f in fields) or (
        head in str(exc)
    )


def record(
    tally: Tally,
    label: str,
    param: str,
    value: Any,
    recorder: Recorder,
    before: int,
    run: Callable[[], Any],
    *,
    also_named: tuple[str, ...] = (),
    server_faults: Callable[[], int] = lambda: 0,
    check: Callable[[Sent], list[str]] = request_problems,
    lookups_ok: Callable[[list[Sent]], bool] | None = None,
) -> str:
    """Run one case and count it; returns the outcome (``typed``, ``ok`` or ``untyped``).
    ``check`` says what is wrong with one request sent (``request_problems`` by default);
    ``lookups_ok`` says whether requests sent before a refusal were lookups the answer
    depends on (``users/me`` for an account id), not the call itself."""
    tally.cases += 1
    faults_before = server_faults()
    outcome = "ok"
    try:
        run()
    except InvalidRequestError as exc:
        sent_now = len(recorder.sent) - before
        if sent_now and not (lookups_ok is not None and lookups_ok(recorder.sent[before:])):
            outcome = "untyped"
            tally.failures.append(
                f"{label}({param}={_short(value)}): refused after {sent_now} request(s)"
            )
        elif not any(names_param(exc, p) for p in (param, *also_named)):
            outcome = "untyped"
            tally.failures.append(
                f"{label}({param}={_short(value)}): error names {exc.field!r}: {str(exc)[:120]}"
            )
        else:
            outcome = "typed"
    except FreshBooksError:
        outcome = "ok"  # a typed API answer (404, 422) to a request that was itself valid
    except Exception as exc:
        outcome = "untyped"
        tally.failures.append(
            f"{label}({param}={_short(value)}): {type(exc).__name__}: {str(exc)[:120]}"
        )
    new = recorder.sent[before:]
    tally.requests += len(new)
    for sent in new:
        problems = check(sent)
        if problems:
            tally.bad_requests += 1
            tally.failures.append(
                f"{label}({param}={_short(value)}) sent {sent.method} {sent.url[:100]}: {problems}"
            )
    faults = server_faults() - faults_before
    if faults:
        tally.server_faults += faults
        tally.failures.append(f"{label}({param}={_short(value)}): the sandbox failed internally")
    if outcome == "typed":
        tally.typed += 1
    elif outcome == "ok":
        tally.ok += 1
    else:
        tally.untyped += 1
    return outcome


# -- the world: a sandbox with one of everything ------------------------------------------------


@dataclass
class World:
    sandbox: Sandbox
    recorder: Recorder
    fb: FreshBooks
    token: str
    account_id: str
    client_id: int
    invoice_id: int
    expense_id: int
    category_id: int
    staff_id: int
    project_id: int = 0
    time_entry_id: int = 0
    payment_id: int = 0
    tax_id: int = 0
    item_id: int = 0
    callback_id: int = 0
    business_id: int = 0
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)

    def faults(self) -> int:
        """How many requests the sandbox failed on internally so far."""
        return len(self.sandbox.internal_errors)

    def client(self, **kwargs: Any) -> FreshBooks:
        transport = RecordingTransport(self.sandbox.transport(), self.recorder)
        return FreshBooks(
            http_client=httpx.Client(transport=transport), sleep=lambda s: None, **kwargs
        )

    def async_client(self) -> AsyncFreshBooks:
        transport = AsyncRecordingTransport(self.sandbox.async_transport(), self.recorder)

        async def no_sleep(seconds: float) -> None:
            return None

        return AsyncFreshBooks(
            access_token=self.token,
            account_id=self.account_id,
            http_client=httpx.AsyncClient(transport=transport),
            default_currency="USD",
            sleep=no_sleep,
        )


def make_world() -> World:
    import os

    if os.path.exists("pyproject.toml"):  # hostile store="x" values create SQLite files
        raise RuntimeError("run the fuzz harness from a scratch folder (os.chdir) first")
    sandbox = Sandbox(seed=0)
    recorder = Recorder()
    token = sandbox.issue_token(scopes=APP_SCOPES)  # staff needs user:teams:read too
    EXPECTED_AUTH.add(f"Bearer {token}")
    account = sandbox.account_ids[0]
    transport = RecordingTransport(sandbox.transport(), recorder)
    fb = FreshBooks(
        access_token=token,
        account_id=account,
        http_client=httpx.Client(transport=transport),
        default_currency="USD",
        sleep=lambda s: None,
    )
    client = fb.clients.create(email="fuzz@example.com", fname="Fuzz")
    invoice = fb.invoices.create(
        customer_id=client.id, lines=[{"name": "Design", "qty": "1", "unit_cost": "10.00"}]
    )
    category = next(iter(fb.expense_categories.list(max_items=1)))
    expense = fb.expenses.create(amount="5.00", category_id=category.id, date=date(2024, 5, 1))
    staff = next(iter(fb.staff.list(max_items=1)))
    project = fb.projects.create(title="Fuzz", client_id=client.id)
    entry = fb.time_entries.create(
        started_at=datetime(2024, 5, 1, 9, tzinfo=timezone.utc), duration=60, project_id=project.id
    )
    payment = fb.payments.create(invoice_id=invoice.id, amount="1.00", date=date(2024, 5, 2))
    tax = fb.taxes.create(name="GST", percent="5")
    item = fb.items.create(name="Widget", unit_cost="2.00")
    callback = fb.callbacks.create(event="invoice.create", uri="https://example.com/hook")
    return World(
        sandbox,
        recorder,
        fb,
        token,
        account,
        client.id,
        invoice.id,
        expense.id,
        category.id,
        staff.id,
        project_id=project.id,
        time_entry_id=entry.id,
        payment_id=payment.id,
        tax_id=tax.id,
        item_id=item.id,
        callback_id=callback.callbackid,
        business_id=fb.projects.business_id(),
    )


# -- the public surface: every method with valid arguments to start from ------------------------


@dataclass(frozen=True)
class Method:
    label: str
    call: Callable[[Any, Mapping[str, Any]], Any]  # (client, kwargs) -> result (consumed)
    base: Callable[[World], dict[str, Any]]
    params: tuple[str, ...]
    positional: str | None = None  # the first argument, passed positionally
    lookup_first: bool = False  # reads users/me before it can judge its arguments (raw identity)


def _consume(value: Any) -> Any:
    """Iterate a paginator a little (requests happen lazily) and return a plain value."""
    if hasattr(value, "__next__") or type(value).__name__.endswith("Paginator"):
        return list(islice(iter(value), 3))
    return value


def _invoke(
    resource: str, method: str, positional: str | None
) -> Callable[[Any, Mapping[str, Any]], Any]:
    def call(fb: Any, kwargs: Mapping[str, Any]) -> Any:
        args = dict(kwargs)
        target = getattr(getattr(fb, resource), method)
        if positional is not None:
            return _consume(target(args.pop(positional), **args))
        return _consume(target(**args))

    return call


def _safe_store(args: dict[str, Any]) -> dict[str, Any]:
    store = args.get("store")
    if isinstance(store, str) and store.startswith(("/", "~")):
        args["store"] = "./" + store  # a hostile path stays inside the scratch folder
    return args


def _poll(resource: str) -> Callable[[Any, Mapping[str, Any]], Any]:
    def call(fb: Any, kwargs: Mapping[str, Any]) -> Any:
        args = _safe_store({"store": None, **kwargs})
        poller = getattr(fb, resource).poll(**args)
        return poller.poll_once()

    return call


LIST_PARAMS = ("per_page", "max_items", "include", "updated_since", "vis_state")
POLL_PARAMS = (
    "start",
    "interval",
    "key",
    "cap",
    "include_deleted",
    "yield_empty",
    "per_page",
    "overlap",
    "safety",
    "store",
    "max_store_retries",
)

_ISSUE10_METHODS: tuple[Method, ...] = (
    Method(
        "clients.list",
        _invoke("clients", "list", None),
        lambda w: {},
        (
            *LIST_PARAMS,
            "email",
            "fname_like",
            "lname_like",
            "organization_like",
            "address_like",
            "phone_like",
            "note_like",
            "user_ids",
            "has_credit",
            "has_draft",
            "has_outstanding",
            "has_overdue",
            "email_like",
        ),
    ),
    Method(
        "clients.get",
        _invoke("clients", "get", "client_id"),
        lambda w: {"client_id": w.client_id},
        ("client_id", "include"),
        "client_id",
    ),
    Method(
        "clients.create",
        _invoke("clients", "create", None),
        lambda w: {"fname": "Ada"},
        ("email", "fname", "lname", "organization", "address", "currency_code", "extra"),
    ),
    Method(
        "clients.update",
        _invoke("clients", "update", "client_id"),
        lambda w: {"client_id": w.client_id, "fname": "Ada"},
        (
            "client_id",
            "email",
            "fname",
            "lname",
            "organization",
            "address",
            "currency_code",
            "fields",
        ),
        "client_id",
    ),
    Method(
        "clients.delete",
        _invoke("clients", "delete", "client_id"),
        lambda w: {"client_id": 10**6},
        ("client_id",),
        "client_id",
    ),
    Method("clients.poll", _poll("clients"), lambda w: {}, POLL_PARAMS),
    Method(
        "invoices.list",
        _invoke("invoices", "list", None),
        lambda w: {},
        (*LIST_PARAMS, "customer_id", "v3_status", "date_from", "date_to", "include_lines"),
    ),
    Method(
        "invoices.get",
        _invoke("invoices", "get", "invoice_id"),
        lambda w: {"invoice_id": w.invoice_id},
        ("invoice_id", "include_lines"),
        "invoice_id",
    ),
    Method(
        "invoices.create",
        _invoke("invoices", "create", None),
        lambda w: {"customer_id": w.client_id, "lines": [{"name": "x", "unit_cost": "1.00"}]},
        (
            "customer_id",
            "lines",
            "currency_code",
            "create_date",
            "due_offset_days",
            "po_number",
            "notes",
            "terms",
            "invoice_number",
            "discount_percent",
            "language",
            "extra",
            "lines.0.name",
            "lines.0.qty",
            "lines.0.unit_cost",
            "lines.0.description",
            "lines.0.tax_percent1",
            "lines.0.expenseid",
            "lines.0.type",
        ),
    ),
    Method(
        "invoices.update",
        _invoke("invoices", "update", "invoice_id"),
        lambda w: {"invoice_id": w.invoice_id, "notes": "n"},
        (
            "invoice_id",
            "po_number",
            "notes",
            "terms",
            "due_offset_days",
            "create_date",
            "lines",
            "currency_code",
            "fields",
        ),
        "invoice_id",
    ),
    Method(
        "invoices.send",
        _invoke("invoices", "send", "invoice_id"),
        lambda w: {"invoice_id": w.invoice_id, "to": ["a@example.com"]},
        ("invoice_id", "to", "subject", "body", "include_pdf"),
        "invoice_id",
    ),
    Method(
        "invoices.mark_as_sent",
        _invoke("invoices", "mark_as_sent", "invoice_id"),
        lambda w: {"invoice_id": w.invoice_id},
        ("invoice_id",),
        "invoice_id",
    ),
    Method(
        "invoices.delete",
        _invoke("invoices", "delete", "invoice_id"),
        lambda w: {"invoice_id": 10**6},
        ("invoice_id",),
        "invoice_id",
    ),
    Method("invoices.poll", _poll("invoices"), lambda w: {}, POLL_PARAMS),
    Method(
        "expenses.list",
        _invoke("expenses", "list", None),
        lambda w: {},
        (*LIST_PARAMS, "client_id", "category_id", "date_from", "date_to"),
    ),
    Method(
        "expenses.get",
        _invoke("expenses", "get", "expense_id"),
        lambda w: {"expense_id": w.expense_id},
        ("expense_id", "include"),
        "expense_id",
    ),
    Method(
        "expenses.create",
        _invoke("expenses", "create", None),
        lambda w: {"amount": "5.00", "category_id": w.category_id, "date": date(2024, 5, 1)},
        (
            "amount",
            "category_id",
            "date",
            "currency_code",
            "vendor",
            "client_id",
            "project_id",
            "notes",
            "staff_id",
            "tax_name1",
            "tax_amount1",
            "tax_name2",
            "tax_amount2",
            "extra",
        ),
    ),
    Method(
        "expenses.update",
        _invoke("expenses", "update", "expense_id"),
        lambda w: {"expense_id": w.expense_id, "vendor": "v"},
        (
            "expense_id",
            "amount",
            "currency_code",
            "category_id",
            "date",
            "vendor",
            "client_id",
            "project_id",
            "notes",
            "fields",
        ),
        "expense_id",
    ),
    Method(
        "expenses.delete",
        _invoke("expenses", "delete", "expense_id"),
        lambda w: {"expense_id": 10**6},
        ("expense_id",),
        "expense_id",
    ),
    Method("expenses.poll", _poll("expenses"), lambda w: {}, POLL_PARAMS),
    Method(
        "expense_categories.list",
        _invoke("expense_categories", "list", None),
        lambda w: {},
        ("per_page", "max_items"),
    ),
    Method(
        "expense_categories.get",
        _invoke("expense_categories", "get", "category_id"),
        lambda w: {"category_id": w.category_id},
        ("category_id",),
        "category_id",
    ),
    Method("staff.list", _invoke("staff", "list", None), lambda w: {}, ("per_page", "max_items")),
    Method(
        "staff.get",
        _invoke("staff", "get", "staff_id"),
        lambda w: {"staff_id": w.staff_id},
        ("staff_id",),
        "staff_id",
    ),
    Method("identity.me", _invoke("identity", "me", None), lambda w: {}, ("refresh",)),
    Method("identity.businesses", _invoke("identity", "businesses", None), lambda w: {}, ()),
    Method(
        "identity.require_account",
        _invoke("identity", "require_account", None),
        lambda w: {},
        ("account_id",),
    ),
    Method(
        "identity.staff_id", _invoke("identity", "staff_id", None), lambda w: {}, ("account_id",)
    ),
)
"""The 28 public sync methods of issue 10 (parameters listed by hand)."""

_PROBE = FreshBooks(access_token="probe", account_id="ACM1")
"""A client never used to send: its resources are read for their method signatures."""


def _signature_params(label: str) -> tuple[str, ...]:
    """The parameters of a public method, read from its signature (``client.request`` too)."""
    resource, _, name = label.rpartition(".")
    owner = _PROBE if resource in ("", "client") else getattr(_PROBE, resource)
    fn = getattr(owner, name)
    return tuple(
        p.name
        for p in inspect.signature(fn).parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    )


def _auto(
    label: str,
    base: Callable[[World], dict[str, Any]],
    positional: str | None = None,
    *,
    call: Callable[[Any, Mapping[str, Any]], Any] | None = None,
    nested: tuple[str, ...] = (),
) -> Method:
    """A method whose fuzzed parameters are read from its signature (plus ``nested`` paths)."""
    resource, _, name = label.rpartition(".")
    return Method(
        label,
        call or _invoke(resource, name, positional),
        base,
        (*_signature_params(label), *nested),
        positional,
    )


def _invoke_client(name: str) -> Callable[[Any, Mapping[str, Any]], Any]:
    def call(fb: Any, kwargs: Mapping[str, Any]) -> Any:
        return getattr(fb, name)(**kwargs)

    return call


def _then_list(resource: str) -> Callable[[Any, Mapping[str, Any]], Any]:
    """``for_business(x)`` hands back a resource bound to ``x``: use it, so a bad id is seen."""

    def call(fb: Any, kwargs: Mapping[str, Any]) -> Any:
        bound = getattr(fb, resource).for_business(**kwargs)
        return _consume(bound.list(max_items=1))

    return call


def _poll_and_wake(resource: str) -> Callable[[Any, Mapping[str, Any]], Any]:
    """``poller.wake()`` between two cycles (what a webhook hint does)."""

    def call(fb: Any, kwargs: Mapping[str, Any]) -> Any:
        args = {"store": None, **kwargs}
        store = args["store"]
        if isinstance(store, str) and store.startswith(("/", "~")):
            args["store"] = "./" + store
        poller = getattr(fb, resource).poll(**args)
        poller.wake()
        poller.poll_once()
        poller.wake()
        return poller.poll_once()

    return call


_UTC_START = datetime(2024, 5, 1, 9, tzinfo=timezone.utc)
_RAW_PATH = "/accounting/account/{account_id}/users/clients"

_ISSUE13_METHODS: tuple[Method, ...] = (
    _auto(
        "client.request",
        lambda w: {"method": "POST", "path": _RAW_PATH, "json": {"client": {"fname": "Raw"}}},
        call=_invoke_client("request"),
    ),
    _auto("invoices.pdf", lambda w: {"invoice_id": w.invoice_id}, "invoice_id"),
    _auto("time_entries.list", lambda w: {}),
    _auto("time_entries.get", lambda w: {"time_entry_id": w.time_entry_id}, "time_entry_id"),
    _auto("time_entries.create", lambda w: {"started_at": _UTC_START, "duration": 60}),
    _auto(
        "time_entries.update",
        # two fields: one fuzzed to None still leaves an update to send
        lambda w: {"time_entry_id": w.time_entry_id, "note": "Fuzzed", "duration": 120},
        "time_entry_id",
    ),
    _auto("time_entries.delete", lambda w: {"time_entry_id": 10**6}, "time_entry_id"),
    _auto("time_entries.business_id", lambda w: {}),
    _auto(
        "time_entries.for_business",
        lambda w: {"business_id": w.business_id},
        call=_then_list("time_entries"),
    ),
    _auto("projects.list", lambda w: {}),
    _auto("projects.get", lambda w: {"project_id": w.project_id}, "project_id"),
    _auto("projects.create", lambda w: {"title": "Fuzz project"}),
    _auto(
        "projects.update",
        lambda w: {"project_id": w.project_id, "title": "Fuzzed", "description": "Fuzz"},
        "project_id",
    ),
    _auto("projects.delete", lambda w: {"project_id": 10**6}, "project_id"),
    _auto("projects.business_id", lambda w: {}),
    _auto(
        "projects.for_business",
        lambda w: {"business_id": w.business_id},
        call=_then_list("projects"),
    ),
    _auto("payments.list", lambda w: {}),
    _auto("payments.get", lambda w: {"payment_id": w.payment_id}, "payment_id"),
    _auto(
        "payments.create",
        lambda w: {"invoice_id": w.invoice_id, "amount": "0.01", "date": date(2024, 5, 2)},
    ),
    _auto("taxes.list", lambda w: {}),
    _auto("taxes.get", lambda w: {"tax_id": w.tax_id}, "tax_id"),
    _auto("taxes.create", lambda w: {"name": "VAT", "percent": "20"}),
    _auto("items.list", lambda w: {}),
    _auto("items.get", lambda w: {"item_id": w.item_id}, "item_id"),
    _auto("items.create", lambda w: {"name": "Gadget", "unit_cost": "3.00"}),
    _auto("callbacks.list", lambda w: {}),
    _auto("callbacks.get", lambda w: {"callback_id": w.callback_id}, "callback_id"),
    _auto(
        "callbacks.create",
        lambda w: {"event": "invoice.update", "uri": "https://example.com/fuzz"},
    ),
    _auto("callbacks.delete", lambda w: {"callback_id": 10**6}, "callback_id"),
    _auto(
        "callbacks.resend_verification",
        lambda w: {"callback_id": w.callback_id},
        "callback_id",
    ),
    _auto(
        "callbacks.verify",
        lambda w: {"callback_id": w.callback_id, "verifier": "not-the-code"},
        "callback_id",
    ),
    # wake() takes nothing: the poll arguments that shape a cycle are enough around it.
    Method(
        "invoices.poll+wake",
        _poll_and_wake("invoices"),
        lambda w: {},
        ("start", "interval", "cap", "yield_empty", "store"),
    ),
)
"""The surface of issue 13: parameters read from the signatures."""

METHODS: tuple[Method, ...] = _ISSUE10_METHODS + _ISSUE13_METHODS
"""Every public sync method (``coverage_gaps()`` proves none is missing)."""


def discover_public_methods() -> list[str]:
    """Every public method of every resource of a client, plus ``client.request``: found by
    walking the client, so a resource added later shows up here (and must get a fuzz entry)."""
    labels = ["client.request"]
    for attr, resource in vars(_PROBE).items():
        if attr.startswith("_") or not type(resource).__module__.startswith(
            "freshbooks_sdk._sync.resources"
        ):
            continue
        for name in dir(type(resource)):
            if not name.startswith("_") and callable(getattr(resource, name)):
                labels.append(f"{attr}.{name}")
    return sorted(labels)


def coverage_gaps() -> list[str]:
    """Public methods without a fuzz entry, and signature parameters no entry fuzzes."""
    by_label = {m.label: m for m in METHODS}
    gaps = []
    for label in discover_public_methods():
        method = by_label.get(label)
        if method is None:
            gaps.append(f"{label}: no fuzz entry")
            continue
        missing = set(_signature_params(label)) - set(method.params)
        if missing:
            gaps.append(f"{label}: parameters not fuzzed: {sorted(missing)}")
    return gaps + option_coverage_gaps()


ASYNC_SAMPLE = (
    "clients.list",
    "clients.create",
    "invoices.create",
    "invoices.send",
    "expenses.create",
    "invoices.update",
)


def with_value(base: Mapping[str, Any], param: str, value: Any) -> dict[str, Any]:
    """``base`` with ``param`` set to ``value`` (``lines.0.qty`` edits the first line)."""
    kwargs = dict(base)
    if param.startswith("lines.0."):
        line = dict(kwargs["lines"][0])
        line[param.removeprefix("lines.0.")] = value
        kwargs["lines"] = [line]
    else:
        kwargs[param] = value
    return kwargs


def _also(method: Method) -> tuple[str, ...]:
    # An update whose only field is set to None has nothing to send: "fields" is then named.
    return ("fields",) if method.label.endswith(".update") else ()


def only_identity_lookups(sent: list[Sent]) -> bool:
    """Whether every request was a ``GET users/me`` (the identity lookup)."""
    return all(s.method == "GET" and s.url.endswith("/auth/api/v1/users/me") for s in sent)


def run_method_case(
    world: World, method: Method, param: str, value: Any, tally: Tally = TALLY
) -> str:
    kwargs = with_value(method.base(world), param, value)
    before = len(world.recorder.sent)
    return record(
        tally,
        method.label,
        param,
        value,
        world.recorder,
        before,
        lambda: method.call(world.fb, kwargs),
        also_named=_also(method),
        server_faults=world.faults,
        lookups_ok=only_identity_lookups if method.lookup_first else None,
    )


def run_async_case(
    world: World,
    method: Method,
    param: str,
    value: Any,
    tally: Tally = TALLY,
    *,
    check: Callable[[Sent], list[str]] = request_problems,
) -> str:
    kwargs = with_value(method.base(world), param, value)
    resource, _, name = method.label.rpartition(".")
    afb = world.async_client()
    if resource == "identity":
        # As in the sync world: the client already knows its businesses (users/me), so a
        # well-formed account_id it does not have is refused without asking the server again.
        world.loop.run_until_complete(afb.identity.me())
    before = len(world.recorder.sent)

    async def go() -> Any:
        async with afb:
            args = dict(kwargs)
            owner = afb if resource == "client" else getattr(afb, resource)
            if name in ("poll", "poll+wake"):
                poller = owner.poll(**_safe_store({"store": None, **args}))
                if name == "poll+wake":
                    poller.wake()
                    await poller.poll_once()
                    poller.wake()
                return await poller.poll_once()
            if name == "for_business":
                bound = owner.for_business(**args)
                return [item async for item in islice_async(bound.list(max_items=1), 1)]
            target = getattr(owner, name)
            if method.positional is not None:
                result = target(args.pop(method.positional), **args)
            else:
                result = target(**args)
            if hasattr(result, "__aiter__"):
                return [item async for item in islice_async(result, 3)]
            return await result if inspect.isawaitable(result) else result

    return record(
        tally,
        f"async {method.label}",
        param,
        value,
        world.recorder,
        before,
        lambda: world.loop.run_until_complete(go()),
        also_named=_also(method),
        server_faults=world.faults,
        check=check,
    )


async def islice_async(iterable: Any, n: int) -> Any:
    count = 0
    async for item in iterable:
        if count >= n:
            break
        count += 1
        yield item


CONSTRUCTOR_PARAMS = (
    "access_token",
    "account_id",
    "base_url",
    "timeout",
    "max_retries",
    "max_retry_wait",
    "default_currency",
    "user_agent",
    "on_retry",
    "clock",
    "rng",
)


def run_constructor_case(world: World, param: str, value: Any, tally: Tally = TALLY) -> str:
    """Build a client with ``param`` hostile, then list clients with it (when it was accepted)."""
    kwargs: dict[str, Any] = {
        "access_token": world.token,
        "account_id": world.account_id,
        param: value,
    }
    before = len(world.recorder.sent)

    def go() -> None:
        fb = world.client(**kwargs)
        with fb:
            list(islice(iter(fb.clients.list(max_items=1)), 1))

    return record(
        tally, "FreshBooks", param, value, world.recorder, before, go, server_faults=world.faults
    )


def iter_method_params() -> Iterator[tuple[Method, str]]:
    for method in METHODS:
        for param in method.params:
            yield method, param


# -- the integration catalog and the CLI ----------------------------------------------------------

ACTION_BASES: dict[str, Callable[[World], dict[str, Any]]] = {
    "freshbooks/list-clients": lambda w: {"limit": 2},
    "freshbooks/create-client": lambda w: {"fname": "Ada"},
    "freshbooks/list-invoices": lambda w: {"limit": 2},
    "freshbooks/create-invoice": lambda w: {
        "client_id": w.client_id,
        "currency_code": "USD",
        "lines": [{"name": "x", "unit_cost": "1.00"}],
    },
    "freshbooks/send-invoice": lambda w: {"invoice_id": w.invoice_id, "method": "mark_as_sent"},
    "freshbooks/create-expense": lambda w: {
        "amount": "1.00",
        "currency_code": "USD",
        "category_id": w.category_id,
        "date": "2024-05-01",
    },
    "freshbooks/invoice-updated": lambda w: {"start": "backfill:1h"},
}


def catalog_params(name: str) -> tuple[str, ...]:
    from freshbooks_sdk.integration import catalog

    entry = catalog[name]
    names = tuple(entry.input_model.model_fields)
    return (*names, "cursor") if entry.kind == "trigger" else names


def run_catalog_case(
    world: World, name: str, param: str | None, value: Any, tally: Tally = TALLY
) -> str:
    """Run a catalog entry with ``param`` hostile (``param=None``: ``value`` is the whole input).

    An answer is fine unless it is an ``internal_error``; an ``invalid_input`` must come before
    any request.
    """
    from freshbooks_sdk.integration import catalog

    entry = catalog[name]
    data: Any = value if param is None else {**ACTION_BASES[name](world), param: value}
    before = len(world.recorder.sent)

    def go() -> None:
        result = entry.run(world.fb, data)
        if result.ok:
            json.dumps(result.to_dict(), allow_nan=False)
            return
        assert result.error is not None
        kind = result.error["type"]
        if kind == "internal_error":
            raise RuntimeError(f"internal_error: {result.error['message'][:160]}")
        if kind == "invalid_input":
            fields = [f["field"] for f in result.error["fields"] if f["field"]]
            raise InvalidRequestError(result.error["message"], field=fields[0] if fields else None)

    # A whole input that is wrong may be refused for any of its fields (a missing one).
    also = catalog_params(name) if param is None else ()
    return record(tally, name, param or "input", value, world.recorder, before, go, also_named=also)


CLI_TEMPLATES: tuple[tuple[str, ...], ...] = (
    ("clients", "list", "--email", "{}"),
    ("clients", "list", "--organization", "{}"),
    ("clients", "list", "--updated-since", "{}"),
    ("clients", "list", "--limit", "{}"),
    ("clients", "create", "--fname", "{}"),
    ("clients", "create", "--email", "{}"),
    ("invoices", "list", "--status", "{}"),
    ("invoices", "list", "--client-id", "{}"),
    ("invoices", "create", "--client-id", "1", "--currency", "USD", "--line", "n", "{}", "1"),
    ("invoices", "create", "--client-id", "1", "--currency", "USD", "--line", "n", "1", "{}"),
    ("invoices", "create", "--client-id", "1", "--currency", "{}", "--line", "n", "1", "1"),
    (
        "invoices",
        "create",
        "--client-id",
        "1",
        "--currency",
        "USD",
        "--line",
        "n",
        "1",
        "1",
        "--date",
        "{}",
    ),
    (
        "invoices",
        "create",
        "--client-id",
        "1",
        "--currency",
        "USD",
        "--line",
        "n",
        "1",
        "1",
        "--due-days",
        "{}",
    ),
    ("invoices", "send", "{}", "--mark-sent"),
    ("invoices", "send", "1", "--to", "{}"),
    (
        "expenses",
        "create",
        "--amount",
        "{}",
        "--category-id",
        "1",
        "--date",
        "2024-05-01",
        "--currency",
        "USD",
    ),
    (
        "expenses",
        "create",
        "--amount",
        "1",
        "--category-id",
        "1",
        "--date",
        "{}",
        "--currency",
        "USD",
    ),
    ("poll", "invoices", "--once", "--start", "{}"),
    ("poll", "invoices", "--once", "--interval", "{}"),
    ("poll", "invoices", "--once", "--cap", "{}"),
    ("action", "freshbooks/create-client", "--input", "{}"),
    ("action", "freshbooks/invoice-updated", "--input", "{}"),
)

CLI_VALUES: tuple[str, ...] = (
    "",
    "x",
    "-1",
    "0",
    "NaN",
    "nan",
    "inf",
    "1e999999",
    "9" * 5000,
    "a@b.com\r\nBcc: x@y.z",
    "\ud800",
    "\udcff@x.com",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "2024-02-30",
    "9999-99-99",
    '"x"',
    "[1]",
    '{"start": "9999-12-31T23:59:59-14:00"}',
    '{"fname": "\\ud800"}',
    '{"email": "a@b.c\\r\\n"}',
    '{"fname": 1e999}',
    "[" * 5000,
    "backfill:9999999d",
    "A" * 100_000,
)


@dataclass
class CliOutcome:
    code: int
    out: str
    err: str
    requests: int


def run_cli_case(
    argv: list[str], env: Mapping[str, str], sandbox: Sandbox, tally: Tally = TALLY
) -> CliOutcome:
    """Run ``freshbooks <argv>`` in-process; a traceback, an internal error, or an exit code
    other than 0/2/3/4/5 counts as untyped, and exit 2 after a request as a failure."""
    import contextlib
    import io
    import os

    from freshbooks_sdk import cli

    out, err = io.StringIO(), io.StringIO()
    before = len(sandbox.request_log)
    faults_before = len(sandbox.internal_errors)
    saved = dict(os.environ)
    tally.cases += 1
    try:
        os.environ.clear()
        os.environ.update(env)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(argv)
            except SystemExit as exc:  # argparse usage errors
                code = exc.code if isinstance(exc.code, int) else 2
    except Exception as exc:
        code = -1
        err.write(f"Traceback (raised): {type(exc).__name__}: {exc}")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    outcome = CliOutcome(code, out.getvalue(), err.getvalue(), len(sandbox.request_log) - before)
    tally.requests += outcome.requests
    label = f"cli {' '.join(a[:40] for a in argv)[:160]!r}"
    faults = len(sandbox.internal_errors) - faults_before
    if faults:
        tally.server_faults += faults
        tally.failures.append(f"{label}: the sandbox failed internally")
    if "Traceback" in outcome.err or "internal_error" in outcome.err + outcome.out:
        tally.untyped += 1
        tally.failures.append(f"{label}: exit {code}: {outcome.err[-300:]}")
    elif code not in (0, 2, 3, 4, 5):
        tally.untyped += 1
        tally.failures.append(f"{label}: exit {code}: {outcome.err[-300:]}")
    elif code == 2 and outcome.requests:
        tally.untyped += 1
        tally.failures.append(f"{label}: exit 2 after {outcome.requests} request(s)")
    elif code == 2:
        tally.typed += 1
    else:
        tally.ok += 1
    return outcome


# -- valid values: never refused ----------------------------------------------------------------

_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"
    ),
    min_size=1,
    max_size=40,
).filter(lambda t: t.strip() != "")
_money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False).map(str)
_instant = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2199, 1, 1), timezones=st.timezones()
)
_email = st.emails().filter(lambda e: len(e) <= 254 and len(e.split("@")[0]) <= 64)

VALID: dict[str, st.SearchStrategy[Any]] = {
    "email": _email,
    "fname": _text,
    "lname": _text,
    "organization": _text,
    "fname_like": _text,
    "lname_like": _text,
    "organization_like": _text,
    "address_like": _text,
    "phone_like": _text,
    "note_like": _text,
    "po_number": _text,
    "invoice_number": _text,
    "vendor": _text,
    "subject": _text,
    "notes": st.text(  # multi-line text: newlines and tabs, no other control characters
        alphabet=st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\n\r\t"),
        max_size=200,
    )
    | _text,
    "terms": _text,
    "body": _text,
    "tax_name1": _text,
    "tax_name2": _text,
    "lines.0.name": _text,
    "lines.0.description": _text,
    "lines.0.qty": st.integers(0, 10**6) | st.decimals(0, 10**6, places=3).map(str),
    "lines.0.unit_cost": _money | st.integers(-(10**6), 10**6),
    "lines.0.tax_percent1": st.decimals(0, 100, places=2).map(str),
    "amount": _money,
    "tax_amount1": _money,
    "tax_amount2": _money,
    "discount_percent": st.integers(0, 100),
    "currency_code": st.sampled_from(["USD", "cad", "EUR", "GBP"]),
    "due_offset_days": st.integers(0, 3650),
    "create_date": st.dates(date(1900, 1, 1), date(2199, 12, 31)),
    "date": st.dates(date(1900, 1, 1), date(2199, 12, 31)),
    "date_from": st.dates(date(1900, 1, 1), date(2199, 12, 31)),
    "date_to": st.dates(date(1900, 1, 1), date(2199, 12, 31)),
    "updated_since": _instant,
    "per_page": st.integers(1, 100),
    "max_items": st.none() | st.integers(1, 10**6),
    "vis_state": st.none() | st.sampled_from([0, 1, 2]),
    "include_pdf": st.booleans(),
    "include_lines": st.booleans(),
    "has_outstanding": st.none() | st.just(True),
    "user_ids": st.lists(st.integers(1, 2**63 - 1), min_size=1, max_size=5),
    "v3_status": st.sampled_from(["draft", "sent", "viewed", "paid", "partial", "overdue"]),
    "to": st.lists(_email, min_size=1, max_size=3),
    "start": st.just("now") | st.timedeltas(timedelta(0), timedelta(days=400)) | _instant,
    "interval": st.floats(0.01, 86_400) | st.integers(1, 86_400),
    "cap": st.none() | st.integers(1, 10_000),
    "max_store_retries": st.integers(0, 1_000),
    "overlap": st.timedeltas(timedelta(0), timedelta(days=2)),
    "safety": st.timedeltas(timedelta(0), timedelta(days=2)),
    # the issue-13 surface
    "title": _text,
    "name": _text,
    "sku": _text,
    "number": _text,
    "note": st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\n\t"),
        max_size=200,
    ),
    "description": _text,
    "duration": st.integers(0, 10 * 365 * 24 * 3600),
    "started_at": _instant,
    "started_from": _instant,
    "started_to": _instant,
    "due_date": st.dates(date(1900, 1, 1), date(2199, 12, 31)),
    "percent": st.decimals(0, 100, places=3).map(str),
    "unit_cost": _money,
    "budget": st.integers(0, 10**6),
    "billable": st.none() | st.booleans(),
    "internal": st.none() | st.booleans(),
    "active": st.none() | st.booleans(),
    "complete": st.none() | st.booleans(),
    "event": st.sampled_from(["invoice", "invoice.create", "client.update", "payment.delete"]),
    "uri": st.from_regex(r"https://[a-z]{1,20}\.example\.com/[a-z0-9/]{0,30}", fullmatch=True),
    "max_bytes": st.integers(1, 2**31),
    "idempotent": st.none() | st.booleans(),
}
"""Valid values per parameter: each must be accepted (any API answer, but no refusal)."""

VALID_FOR: dict[tuple[str, str], st.SearchStrategy[Any]] = {
    ("payments.create", "amount"): st.decimals(
        min_value=Decimal("0.01"), max_value=10**6, places=2
    ).map(str),
    ("time_entries.list", "sort"): st.sampled_from(["started_at", "-duration", "id"]),
    ("projects.list", "sort"): st.sampled_from(["title", "-due_date", "updated_at"]),
    ("client.request", "params"): st.dictionaries(
        st.sampled_from(["search[email]", "search[fname_like]", "page", "per_page"]),
        st.integers(1, 100) | _text,
        max_size=3,
    ),
}
"""Per-method valid values where a name means something narrower (a payment is never zero)."""


def valid_strategy(method: Method, param: str) -> st.SearchStrategy[Any]:
    key = (method.label, param)
    return VALID_FOR[key] if key in VALID_FOR else VALID[param]


def valid_params(method: Method) -> tuple[str, ...]:
    return tuple(p for p in method.params if p in VALID or (method.label, p) in VALID_FOR)


# -- the async twins: every method (programmatic) ----------------------------------------------

ASYNC_METHODS: tuple[Method, ...] = METHODS
"""The async twin of every public method (``AsyncFreshBooks``; pollers driven with
``await poll_once()``, ``for_business`` through the bound resource's listing)."""


# -- webhooks: the receiving side (no request is ever sent) ------------------------------------

_WEBHOOK_BODY = (
    b"name=invoice.create&object_id=7&account_id=ACM123&business_id=1&identity_id=2&user_id=1"
)
_WEBHOOK_SECRET = "s3cret"


class _Waker:
    def __init__(self) -> None:
        self.woken = 0

    def wake(self) -> None:
        self.woken += 1


@dataclass(frozen=True)
class WebhookCall:
    label: str
    call: Callable[[Mapping[str, Any]], Any]
    base: Callable[[], dict[str, Any]]
    params: tuple[str, ...]


def _webhook_calls() -> tuple[WebhookCall, ...]:
    from freshbooks_sdk import webhooks as wh

    sig = wh.sign(_WEBHOOK_BODY, _WEBHOOK_SECRET)

    def hint(**kwargs: Any) -> Any:
        made = wh.PollHint(verifier=_WEBHOOK_SECRET, account_id="ACM123")
        made.attach(_Waker(), "invoice")
        return made

    return (
        WebhookCall(
            "webhooks.verify_event",
            lambda kw: wh.verify_event(**kw),
            lambda: {
                "body": _WEBHOOK_BODY,
                "signature": sig,
                "verifier": _WEBHOOK_SECRET,
                "account_id": "ACM123",
            },
            ("body", "signature", "verifier", "account_id"),
        ),
        WebhookCall(
            "webhooks.parse_verification",
            lambda kw: wh.parse_verification(**kw),
            lambda: {"body": b"verifier=abc123&object_id=80001"},
            ("body",),
        ),
        WebhookCall(
            "webhooks.sign",
            lambda kw: wh.sign(**kw),
            lambda: {"body": _WEBHOOK_BODY, "verifier": _WEBHOOK_SECRET},
            ("body", "verifier"),
        ),
        WebhookCall(
            "webhooks.signature_message",
            lambda kw: wh.signature_message(**kw),
            lambda: {"fields": {"name": "invoice.create", "object_id": "7"}},
            ("fields",),
        ),
        WebhookCall(
            "webhooks.PollHint",
            lambda kw: wh.PollHint(**kw),
            lambda: {"verifier": _WEBHOOK_SECRET, "account_id": "ACM123"},
            ("verifier", "account_id"),
        ),
        WebhookCall(
            "webhooks.PollHint.attach",
            lambda kw: hint().attach(**kw),
            lambda: {"poller": _Waker(), "resource": "invoice"},
            ("poller", "resource"),
        ),
        WebhookCall(
            "webhooks.PollHint.deliver",
            lambda kw: hint().deliver(**kw),
            lambda: {"body": _WEBHOOK_BODY, "signature": sig},
            ("body", "signature"),
        ),
    )


WEBHOOK_CALLS = _webhook_calls()


def webhook_coverage_gaps() -> list[str]:
    """Public webhook helpers (functions, classes and their public methods) without an entry,
    or with a signature parameter no entry fuzzes."""
    from freshbooks_sdk import webhooks as wh

    by_label = {c.label: c for c in WEBHOOK_CALLS}
    targets: dict[str, Callable[..., Any]] = {}
    for name in wh.__all__:
        obj = getattr(wh, name)
        if inspect.isfunction(obj):
            targets[f"webhooks.{name}"] = obj
        elif inspect.isclass(obj) and not issubclass(obj, BaseException):
            if attrs_has(obj):
                continue  # a result type (WebhookEvent, VerificationRequest): built by the SDK
            targets[f"webhooks.{name}"] = obj
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and inspect.isfunction(member):
                    targets[f"webhooks.{name}.{attr}"] = member
    gaps = []
    for label, target in sorted(targets.items()):
        entry = by_label.get(label)
        if entry is None:
            gaps.append(f"{label}: no fuzz entry")
            continue
        names = {
            p.name
            for p in inspect.signature(target).parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        }
        missing = names - set(entry.params)
        if missing:
            gaps.append(f"{label}: parameters not fuzzed: {sorted(missing)}")
    return gaps


def attrs_has(cls: type) -> bool:
    import attrs

    return attrs.has(cls)


_NO_REQUESTS = Recorder()


def run_webhook_case(call: WebhookCall, param: str, value: Any, tally: Tally = TALLY) -> str:
    """A hostile value for one webhook helper: ``InvalidRequestError`` naming it, or the typed
    fail-closed ``WebhookVerificationError``, or success; anything else is untyped."""
    from freshbooks_sdk.webhooks import WebhookVerificationError

    kwargs = {**call.base(), param: value}

    def go() -> None:
        try:
            call.call(kwargs)
        except WebhookVerificationError as exc:  # fail closed, typed: counted as a refusal
            raise InvalidRequestError(str(exc)[:200], field=param) from exc

    return record(tally, call.label, param, value, _NO_REQUESTS, 0, go)


# -- per-call options, with_options(...) and with_raw_response.<method>(...) ------------------------

OPTION_KEYS: tuple[str, ...] = tuple(
    sorted(CallOptions.__required_keys__ | CallOptions.__optional_keys__)
)
"""The keys of ``CallOptions`` (read from the TypedDict: a new option must get fuzz values)."""

_HEADER_FLOOD = {f"X-H{i}": "v" for i in range(65)}
_BIG_HEADERS = {f"X-B{i}": "v" * 8000 for i in range(40)}  # 320 KB of header block
_BIG_QUERY = {f"q{i}": "v" * 2000 for i in range(60)}  # a 120 KB URL
_WIDE_QUERY = {f"q{i}": "é" * 250 for i in range(60)}  # 60 x 250 x 6 = 90 KB percent-encoded


class _CountingMapping(Mapping[str, Any]):
    """A mapping whose values change between two reads (a check must read it once)."""

    def __init__(self) -> None:
        self.reads = 0

    def __getitem__(self, key: str) -> Any:
        self.reads += 1
        return "ok" if self.reads <= 1 else "x\r\nX-Injected: 1"

    def __iter__(self) -> Iterator[str]:
        return iter(["X-Flip"])

    def __len__(self) -> int:
        return 1


OPTION_VALUES: dict[str, list[Any]] = {
    "timeout": [
        0,
        -1,
        1e-9,
        1e308,
        86_401,
        10**400,
        "5",
        b"5",
        httpx.Timeout(None),
        httpx.Timeout(5.0, read=-1.0),
        httpx.Timeout(5.0, connect=float("inf")),
        httpx.Timeout(5.0, pool=None),
        httpx.Timeout(5.0, write=float("nan")),
        _EvilInt(7),
        0.5,
        30,
        httpx.Timeout(3.0),
    ],
    "max_retries": [-1, 21, 10**100, 1.0, "3", b"3", Decimal(2), 0, 2, 20],
    "extra_headers": [
        {"Authorization": "Bearer stolen"},
        {"authorization": "x"},
        {"HOST": "evil.example.com"},
        {"Content-Length": "0"},
        {"Transfer-Encoding": "chunked"},
        {"Connection": "close"},
        {"Accept-Encoding": "identity"},
        {"Proxy-Authorization": "Basic eA=="},
        {"TE": "trailers"},
        {"Upgrade": "h2c"},
        {"Content-Type": "text/plain"},
        {"Cookie": "session=stolen"},
        {"Expect": "100-continue"},
        {"Keep-Alive": "timeout=5"},
        {"Trailer": "X-A"},
        {"X-A": "1\r\nX-B: 2"},
        {"X-A": "\n"},
        {"X-A": "nul\x00"},
        {"X-A": "é"},
        {"X-A": "\ud800"},
        {"X-A": "\u2028"},
        {"X A": "1"},
        {"": "1"},
        {"X-A\r\n": "1"},
        {"X-A:": "1"},
        {"X-A": 1},
        {"X-A": b"1"},
        {"X-A": None},
        {b"X-A": "1"},
        {1: "x"},
        {"X-A": "1", "x-a": "2"},
        {"X-A": " padded\t"},
        {"X-A": "v" * 9000},
        _HEADER_FLOOD,
        _BIG_HEADERS,
        _CountingMapping(),
        {"X-A": _BadStr("ok")},
        [("X-A", "1")],
        "X-A: 1",
        {},
        {"X-Trace": "abc"},
        {"User-Agent": "mine/1.0"},
        {"X-Empty": ""},
    ],
    "extra_query": [
        {"page": 2},
        {"per_page": 10**6},
        {"x": True},
        {"x": None},
        {"x": 1.5},
        {"x": [1]},
        {"x": {"a": 1}},
        {"x": "a\x00b"},
        {"x": "\ud800"},
        {"\ud800": "x"},
        {"": "x"},
        {1: "x"},
        {"x": 10**30},
        {"x": 2**63},
        {"x": "line\nbreak"},
        {"x": "\r\n"},
        {"x": "tab\there"},
        {"x": "\u2028"},
        {"x": ""},
        {"a b": "1"},
        {"a\nb": "1"},
        {"a=b&c": "1"},
        {"x": "é"},
        {"x": _EvilInt(7)},
        {"x": _BadStr("y")},
        {"x": "v" * 3000},
        {"x": "9" * 5000},
        {f"q{i}": "1" for i in range(65)},
        _BIG_QUERY,
        _WIDE_QUERY,
        [("x", "1")],
        "x=1",
        {},
        {"search[email]": "fuzz@example.com"},
        {"sort": "create_date_desc"},
        {"x": -5},
        {"include[]": "lines"},
    ],
}
"""Hostile (and a few valid) values per ``CallOptions`` key; ``SPECIAL`` is added on top."""

_NEVER_SENT = frozenset(
    {b"te", b"upgrade", b"expect", b"keep-alive", b"trailer", b"proxy-authorization"}
)
"""Hop-by-hop or protocol-changing headers the SDK never sends (``extra_headers`` may not)."""
EXPECTED_AUTH: set[str] = set()
"""The ``Authorization`` values a fuzzed request may carry (set by ``make_world``)."""


def option_problems(sent: Sent) -> list[str]:
    """What an ``extra_headers`` value may not have done to a request: override a header the
    SDK owns (or send it twice), send a protocol-changing one, or blow up the header block."""
    problems: list[str] = []
    counts: dict[bytes, int] = {}
    size = 0
    for name, value in sent.headers:
        lowered = name.lower()
        counts[lowered] = counts.get(lowered, 0) + 1
        size += len(name) + len(value) + 4
        text = value.decode("latin-1")
        if lowered == b"authorization" and EXPECTED_AUTH and text not in EXPECTED_AUTH:
            problems.append("Authorization overridden")
        if lowered == b"host" and text != urlsplit(sent.url).netloc:
            problems.append("Host overridden")
        if lowered == b"content-type" and sent.body and "json" not in text:
            problems.append("Content-Type of a JSON body overridden")
        if lowered in _NEVER_SENT:
            problems.append(f"{name!r} sent")
    for name, count in counts.items():
        if count > 1 and (name.decode("latin-1") in PROTECTED_HEADERS or name == b"content-type"):
            problems.append(f"{name!r} sent {count} times")
    if size > 16_384:
        problems.append(f"header block of {size} bytes (over 16 KiB)")
    return problems


def _check_options(sent: Sent) -> list[str]:
    return request_problems(sent) + option_problems(sent)


def option_also(key: str) -> tuple[str, ...]:
    return (key,)


def run_option_case(
    world: World, method: Method, key: str, value: Any, tally: Tally = TALLY
) -> str:
    """``method`` called with its valid arguments and the per-call option ``key=value``."""
    kwargs = {**method.base(world), key: value}
    before = len(world.recorder.sent)
    return record(
        tally,
        method.label,
        key,
        value,
        world.recorder,
        before,
        lambda: method.call(world.fb, kwargs),
        server_faults=world.faults,
        check=_check_options,
    )


def _takes_options(label: str) -> bool:
    """Whether the public method's signature ends in ``**options: Unpack[CallOptions]``."""
    resource, _, name = label.rpartition(".")
    owner = _PROBE if resource in ("", "client") else getattr(_PROBE, resource)
    if not hasattr(owner, name):  # a composite entry such as "invoices.poll+wake"
        return False
    return any(
        p.kind == p.VAR_KEYWORD and "CallOptions" in str(p.annotation)
        for p in inspect.signature(getattr(owner, name)).parameters.values()
    )


OPTION_METHODS: tuple[Method, ...] = tuple(m for m in METHODS if _takes_options(m.label))
"""The public sync methods taking ``**options`` (each is fuzzed with every option key)."""


# ``with_raw_response.<method>`` (same arguments, a RawResponse back) and the streamed PDF.


def _invoke_raw(resource: str, method: str, positional: str | None) -> Callable[[Any, Any], Any]:
    def call(fb: Any, kwargs: Mapping[str, Any]) -> Any:
        args = dict(kwargs)
        owner = fb if resource == "client" else getattr(fb, resource)
        target = getattr(owner.with_raw_response, method)
        result = target(args.pop(positional), **args) if positional else target(**args)
        if hasattr(result, "__next__") or type(result).__name__.endswith("Paginator"):
            return _consume(result)
        result.parse()  # the raw response must still parse (typed errors only)
        return result

    return call


def _raw_twin(method: Method) -> Method:
    resource, _, name = method.label.rpartition(".")
    return Method(
        f"{resource}.with_raw_response.{name}",
        _invoke_raw(resource, name, method.positional),
        method.base,
        method.params,
        method.positional,
        lookup_first=resource == "identity",  # the raw answer is users/me itself
    )


def discover_raw_methods() -> list[str]:
    """Every ``<resource>.with_raw_response.<method>`` (and the client's own), walked."""

    def fresh(owner: Any) -> Any:  # built anew: ``with_raw_response`` is cached per owner
        return type(owner.with_raw_response)(owner)

    labels = [f"client.with_raw_response.{n}" for n in vars(fresh(_PROBE))]
    for attr, resource in vars(_PROBE).items():
        if attr.startswith("_") or not hasattr(type(resource), "with_raw_response"):
            continue
        labels += [f"{attr}.with_raw_response.{n}" for n in vars(fresh(resource))]
    return sorted(labels)


RAW_METHODS: tuple[Method, ...] = tuple(
    _raw_twin(m)
    for m in METHODS
    if f"{m.label.rpartition('.')[0]}.with_raw_response.{m.label.rpartition('.')[2]}"
    in set(discover_raw_methods())
)
"""``with_raw_response`` twins of the public methods (their own parameters and the options)."""


def _stream_pdf(fb: Any, kwargs: Mapping[str, Any]) -> Any:
    args = dict(kwargs)
    with fb.invoices.with_streaming_response.pdf(args.pop("invoice_id"), **args) as response:
        return sum(len(chunk) for chunk in response.iter_bytes())


STREAM_METHODS: tuple[Method, ...] = (
    Method(
        "invoices.with_streaming_response.pdf",
        _stream_pdf,
        lambda w: {"invoice_id": w.invoice_id},
        tuple(
            p.name
            for p in inspect.signature(
                _PROBE.invoices.with_streaming_response.pdf
            ).parameters.values()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ),
        "invoice_id",
    ),
)


# ``fb.with_options(...)``: every argument, then a call through the copy.

WITH_OPTIONS_PARAMS: tuple[str, ...] = tuple(inspect.signature(_PROBE.with_options).parameters)
WITH_OPTIONS_EXTRA: dict[str, list[Any]] = {
    "timeout": OPTION_VALUES["timeout"],
    "max_retries": OPTION_VALUES["max_retries"],
    "extra_headers": OPTION_VALUES["extra_headers"],
    "max_retry_wait": [-1, float("nan"), 86_401, 10**400, "1", 0, 2.5],
    "deadline": [0, -1, 1e-9, float("inf"), 86_401, "1", 0.5, 60],
    "max_response_bytes": [0, -1, 2**70, 1.5, "1", 1, 10_000_000],
    "default_currency": ["usd", "US", "USDX", "\u00e9ur", "EUR", "CAD"],
    "account_id": ["../x", "a/b", "A" * 300, "ACM\r\n", "ZZZ999"],
    "on_retry": [1, "print", print, lambda event: None],
}


def run_with_options_case(world: World, param: str, value: Any, tally: Tally = TALLY) -> str:
    """``fb.with_options(param=value)``, then a list call (and a per-call header) through it."""
    before = len(world.recorder.sent)

    def go() -> None:
        copy = world.fb.with_options(**{param: value})
        list(islice(iter(copy.clients.list(max_items=1)), 1))
        copy.clients.get(world.client_id, extra_headers={"X-Per-Call": "1"})

    return record(
        tally,
        "with_options",
        param,
        value,
        world.recorder,
        before,
        go,
        server_faults=world.faults,
        check=_check_options,
    )


def run_async_option_case(
    world: World, method: Method, key: str, value: Any, tally: Tally = TALLY
) -> str:
    """The async twin of :func:`run_option_case` (``key`` joins the method's own arguments)."""
    return run_async_case(world, method, key, value, tally, check=_check_options)


def run_async_with_options_case(world: World, param: str, value: Any, tally: Tally = TALLY) -> str:
    afb = world.async_client()
    before = len(world.recorder.sent)

    async def go() -> None:
        async with afb:
            copy = afb.with_options(**{param: value})
            [item async for item in islice_async(copy.clients.list(max_items=1), 1)]
            raw = await copy.clients.with_raw_response.get(world.client_id)
            raw.parse()

    return record(
        tally,
        "async with_options",
        param,
        value,
        world.recorder,
        before,
        lambda: world.loop.run_until_complete(go()),
        server_faults=world.faults,
        check=_check_options,
    )


def option_coverage_gaps() -> list[str]:
    """Option keys without fuzz values, methods taking ``**options`` that the option sweep
    misses, raw methods without a twin, and ``with_options`` arguments without values."""
    gaps = [f"CallOptions[{k!r}]: no fuzz values" for k in OPTION_KEYS if k not in OPTION_VALUES]
    swept = {m.label for m in OPTION_METHODS}
    gaps += [
        f"{label}: takes **options but is not in the option sweep"
        for label in discover_public_methods()
        if _takes_options(label) and label not in swept
    ]
    twins = {m.label for m in RAW_METHODS}
    gaps += [f"{label}: no fuzz entry" for label in discover_raw_methods() if label not in twins]
    gaps += [
        f"with_options({p}=...): no fuzz values"
        for p in WITH_OPTIONS_PARAMS
        if p not in WITH_OPTIONS_EXTRA
    ]
    return gaps
