"""The ``freshbooks`` program end to end: subprocesses against the sandbox served on loopback.

A handful of subprocesses (each one a real ``python -m freshbooks_sdk.cli`` run, credentials in
environment variables); the pure parts (tables, error lines, progress, the connection file) are
checked in-process.
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from freshbooks_sdk import cli
from freshbooks_sdk.sandbox import Sandbox


class Run:
    """A finished ``freshbooks`` subprocess."""

    def __init__(self, proc: subprocess.CompletedProcess[str]) -> None:
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self) -> Any:
        return json.loads(self.out)

    def __repr__(self) -> str:
        return f"Run(code={self.code}, out={self.out[:400]!r}, err={self.err[:400]!r})"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[tuple[Sandbox, str]]:
    sb = Sandbox(seed=0)
    with sb.serve() as base_url:
        yield sb, base_url
    assert not sb.internal_errors, sb.internal_errors


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The parent's environment without any FRESHBOOKS_* variable, HOME in a temp dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRESHBOOKS_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), PYTHONIOENCODING="utf-8")
    env.update(extra)
    return env


def fb(*args: str, env: dict[str, str], stdin: str | None = None) -> Run:
    proc = subprocess.run(
        [sys.executable, "-m", "freshbooks_sdk.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=60,
        check=False,
    )
    return Run(proc)


@pytest.fixture
def token_env(sandbox: tuple[Sandbox, str], home: Path) -> dict[str, str]:
    sb, base_url = sandbox
    return clean_env(
        home,
        FRESHBOOKS_ACCESS_TOKEN=sb.issue_token(),
        FRESHBOOKS_ACCOUNT_ID=sb.account_ids[0],
        FRESHBOOKS_BASE_URL=base_url,
    )


def one_line(text: str) -> str:
    lines = text.strip("\n").split("\n")
    assert len(lines) == 1, text
    assert lines[0].startswith("freshbooks: ")
    return lines[0]


# ---------------------------------------------------------------------------------------------
# Subprocesses against the served sandbox
# ---------------------------------------------------------------------------------------------


def test_client_invoice_send_list(token_env: dict[str, str], sandbox: tuple[Sandbox, str]) -> None:
    sb, _ = sandbox
    created = fb(
        "clients", "create", "--email", "ada@example.com", "--fname", "Ada", "--json", env=token_env
    )
    assert created.code == 0, created
    assert created.err == ""
    client_id = created.json()["id"]

    drafted = fb(
        "invoices",
        "create",
        "--client-id",
        str(client_id),
        "--currency",
        "USD",
        "--line",
        "Design",
        "3",
        "120.00",
        "--line",
        "Discount",
        "1",
        "-15.50",
        "--po-number",
        "PO-9",
        env=token_env,
    )
    assert drafted.code == 0, drafted
    assert "Drafted invoice" in drafted.out
    assert "344.50 USD" in drafted.out  # exact money: Decimal text + currency
    assert "-15.50 USD" in drafted.out and "360.00 USD" in drafted.out
    invoice_id = int(drafted.out.split("(id ", 1)[1].split(")", 1)[0])

    sent = fb(
        "invoices", "send", str(invoice_id), "--to", "ada@example.com", "--json", env=token_env
    )
    assert sent.code == 0, sent
    assert sent.json()["v3_status"] == "sent"
    assert sb.outbox[-1].recipients == ("ada@example.com",)

    listed = fb("invoices", "list", "--client-id", str(client_id), env=token_env)
    assert listed.code == 0, listed
    header, row, *rest = listed.out.splitlines()
    assert header.split()[:5] == ["ID", "NUMBER", "CLIENT", "STATUS", "AMOUNT"]
    assert row.split()[0] == str(invoice_id) and "sent" in row.split()
    assert rest[-1] == "1 invoice"


def test_not_found_exits_4_with_one_line(token_env: dict[str, str]) -> None:
    result = fb(
        "invoices",
        "create",
        "--client-id",
        "424242",
        "--currency",
        "USD",
        "--line",
        "Design",
        "1",
        "1.00",
        env=token_env,
    )
    assert result.code == 4, result
    assert result.out == ""
    line = one_line(result.err)
    assert "Client not found" in line and "client_id errno 1012" in line


def test_bad_input_exits_2_before_any_request(
    token_env: dict[str, str], sandbox: tuple[Sandbox, str]
) -> None:
    sb, _ = sandbox
    before = len(sb.request_log)
    result = fb(
        "expenses",
        "create",
        "--amount",
        "12,50",
        "--category-id",
        "4000001",
        "--date",
        "2024-03-01",
        env=token_env,
    )
    assert result.code == 2, result
    assert "amount" in one_line(result.err)
    assert len(sb.request_log) == before


def test_rate_limited_exits_5_with_the_wait(
    token_env: dict[str, str], sandbox: tuple[Sandbox, str]
) -> None:
    sb, _ = sandbox
    sb.set_rate_limit(sb.account_ids[0], 0, retry_after=120)
    try:
        result = fb("clients", "list", "--json", env=token_env)
    finally:
        sb.set_rate_limit(sb.account_ids[0], None)
    assert result.code == 5, result
    assert "retry after 120 s" in one_line(result.err)
    error = result.json()["error"]
    assert (error["type"], error["retryable"], error["retry_after"]) == (
        "rate_limited",
        True,
        120.0,
    )


def _invoice_ids(sb: Sandbox) -> set[int]:
    return set(sb.store(sb.account_ids[0]).invoices)


def test_create_that_may_have_applied_exits_6_with_a_warning(
    token_env: dict[str, str], sandbox: tuple[Sandbox, str]
) -> None:
    """A 500 on the invoice POST leaves its outcome unknown: exit 6 (never 5, "retry later"),
    the error line, and a warning line to check before retrying."""
    sb, _ = sandbox
    client = sb.create(sb.account_ids[0], "clients", {"fname": "Unsure"})
    args = ("invoices", "create", "--client-id", str(client["id"]), "--currency", "USD")
    args += ("--line", "Design", "1", "10.00")
    sb.inject_faults(1, "500", method="POST")
    try:
        result = fb(*args, "--json", env=token_env)
    finally:
        sb.clear_faults()
    assert result.code == 6, result
    error = result.json()["error"]
    assert (error["type"], error["retryable"], error["may_have_applied"]) == (
        "server_error",
        False,
        True,
    )
    first, warning = result.err.strip("\n").split("\n")
    assert first.startswith("freshbooks: ") and "HTTP 500" in first
    assert warning.startswith("freshbooks: warning: outcome unknown")
    assert f"`freshbooks invoices list --client-id {client['id']}`" in warning
    assert "before retrying" in warning

    sb.inject_faults(1, "500", method="POST")  # the same in the human form
    try:
        human = fb(*args, env=token_env)
    finally:
        sb.clear_faults()
    assert human.code == 6, human
    assert human.out == ""
    assert "may have been applied" in human.err and "check" in human.err


def test_send_dropped_after_sending_exits_6(
    token_env: dict[str, str], sandbox: tuple[Sandbox, str]
) -> None:
    """The email went out but the connection dropped before the answer: exit 6, not 5."""
    sb, _ = sandbox
    client = sb.create(sb.account_ids[0], "clients", {"fname": "Dropped"})
    invoice = sb.create(
        sb.account_ids[0],
        "invoices",
        {
            "customerid": client["id"],
            "create_date": "2024-03-01",
            "currency_code": "USD",
            "lines": [{"name": "x", "qty": "1", "unit_cost": {"amount": "5.00"}}],
        },
    )
    sent_before = len(sb.outbox)
    sb.inject_faults(1, "drop_after", method="PUT")
    try:
        result = fb("invoices", "send", str(invoice["id"]), "--to", "d@example.com", env=token_env)
    finally:
        sb.clear_faults()
    assert result.code == 6, result
    assert len(sb.outbox) == sent_before + 1  # it was sent: retrying on 5 would send it twice
    first, warning = result.err.strip("\n").split("\n")
    assert first.startswith("freshbooks: ")
    assert "may have been applied" in warning and f"invoice {invoice['id']}" in warning

    # The catalog action command reports it the same way.
    payload = json.dumps({"invoice_id": invoice["id"], "to": ["d@example.com"]})
    sb.inject_faults(1, "drop_after", method="PUT")
    try:
        action = fb("action", "send-invoice", "--input", payload, "--json", env=token_env)
    finally:
        sb.clear_faults()
    assert action.code == 6, action
    assert action.json()["error"]["may_have_applied"] is True
    assert "warning: outcome unknown" in action.err


def test_action_command_with_input_file(
    token_env: dict[str, str], sandbox: tuple[Sandbox, str], tmp_path: Path
) -> None:
    sb, _ = sandbox
    category = next(iter(sb.store(sb.account_ids[0]).categories.values()))
    payload = tmp_path / "expense.json"
    payload.write_text(
        json.dumps(
            {
                "amount": "12.50",
                "currency_code": "USD",
                "category_id": category.id,
                "date": "2024-03-01",
                "vendor": "Cafe",
            }
        )
    )
    result = fb(
        "action", "freshbooks/create-expense", "--input", f"@{payload}", "--json", env=token_env
    )
    assert result.code == 0, result
    doc = result.json()
    assert doc["ok"] is True and doc["error"] is None
    assert doc["output"]["amount"] == {"amount": "12.50", "code": "USD"}


def test_connect_saves_a_private_connection_used_later(
    sandbox: tuple[Sandbox, str], home: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    sb, base_url = sandbox
    app = {
        "FRESHBOOKS_CLIENT_ID": sb.client_id,
        "FRESHBOOKS_CLIENT_SECRET": sb.client_secret,
        "FRESHBOOKS_REDIRECT_URI": sb.redirect_uris[0],
        "FRESHBOOKS_BASE_URL": base_url,
    }
    # Step 1 (in-process: no request is sent): the authorization URL.
    for key, value in clean_env(home, **app).items():
        monkeypatch.setenv(key, value)
    assert cli.main(["connect", "--url-only"]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith(f"{base_url}/oauth/authorize?")
    # The user approves in the browser; FreshBooks redirects with the code.
    location = httpx.get(url, follow_redirects=False).headers["location"]
    code = httpx.URL(location).params["code"]

    config = home / "secret" / "connection.json"
    connected = fb(
        "connect",
        "--code",
        code,
        "--config",
        str(config),
        "--account-id",
        sb.account_ids[1],
        env=clean_env(home, **app),
    )
    assert connected.code == 0, connected
    assert "Connected to" in connected.out and sb.account_ids[1] in connected.out
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    saved = json.loads(config.read_text())
    assert saved["account_id"] == sb.account_ids[1]
    assert "token" not in saved  # the token lives in the private token store
    stored = cli.open_token_store(cli.token_store_path(config)).load(saved["token_key"])
    assert stored is not None
    assert stored.access_token not in connected.out + connected.err

    listed = fb("businesses", "--json", env=clean_env(home, FRESHBOOKS_CONFIG=str(config)))
    assert listed.code == 0, listed
    doc = listed.json()
    assert doc["account_id"] == sb.account_ids[1]
    assert {b["account_id"] for b in doc["businesses"]} == set(sb.account_ids)


def test_poll_once_with_a_cursor_db(
    token_env: dict[str, str], sandbox: tuple[Sandbox, str], tmp_path: Path
) -> None:
    sb, _ = sandbox
    client = sb.create(sb.account_ids[0], "clients", {"fname": "Polly"})
    invoice = sb.create(
        sb.account_ids[0],
        "invoices",
        {
            "customerid": client["id"],
            "create_date": "2024-03-01",
            "currency_code": "USD",
            "lines": [{"name": "x", "qty": "1", "unit_cost": {"amount": "9.99"}}],
        },
    )
    db = tmp_path / "cursors.db"
    args = ("poll", "invoices", "--once", "--cursor-db", str(db), "--start", "backfill:1d")
    first = fb(*args, "--json", env=token_env)
    assert first.code == 0, first
    activation = first.json()["activation"]
    assert invoice["id"] in [item["id"] for item in activation["items"]]
    second = fb(*args, env=token_env)
    assert second.code == 0, second
    assert second.out.startswith("No invoice updated")


def test_poll_cursor_db_from_the_environment(
    token_env: dict[str, str], sandbox: tuple[Sandbox, str], tmp_path: Path
) -> None:
    """FRESHBOOKS_CURSOR_DB is where poll keeps its cursor (not beside the connection file);
    --cursor-db still wins over it."""
    config = tmp_path / "conf" / "connection.json"
    db = tmp_path / "env" / "cursors.db"
    env = {**token_env, "FRESHBOOKS_CONFIG": str(config), "FRESHBOOKS_CURSOR_DB": str(db)}
    result = fb("poll", "invoices", "--once", "--json", env=env)
    assert result.code == 0, result
    assert db.exists()
    assert not (config.parent / "cursors.db").exists()

    flag = tmp_path / "flag.db"
    result = fb("poll", "invoices", "--once", "--cursor-db", str(flag), env=env)
    assert result.code == 0, result
    assert flag.exists()


# ---------------------------------------------------------------------------------------------
# In-process: usage, help, missing connection, rendering
# ---------------------------------------------------------------------------------------------


def test_help_documents_exit_codes(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for line in (
        "2  usage error",
        "3  authentication",
        "4  FreshBooks refused",
        "5  retry later",
        "6  outcome unknown: the request may have been applied; check before retrying",
        "FRESHBOOKS_CURSOR_DB",
    ):
        assert line in out


def test_exit_status_prefers_outcome_unknown() -> None:
    error: Any = {
        "type": "connection_error",
        "message": "connection dropped",
        "fields": [],
        "retryable": False,
        "may_have_applied": True,
        "retry_after": None,
        "status_code": None,
    }
    assert cli.exit_status(error) == cli.EXIT_OUTCOME_UNKNOWN == 6
    assert cli.warning_line(error) is not None
    error["may_have_applied"] = False
    assert cli.exit_status(error) == 5
    assert cli.warning_line(error) is None


def test_usage_error_is_one_line_exit_2(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["invoices", "create", "--currency", "USD"])
    assert exit_info.value.code == 2
    assert "--client-id" in one_line(capsys.readouterr().err)


def test_not_connected_exits_3(home: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    for key in [k for k in os.environ if k.startswith("FRESHBOOKS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("FRESHBOOKS_CONFIG", str(home / "none.json"))
    assert cli.main(["clients", "list"]) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "freshbooks connect" in one_line(captured.err)


def test_action_list_and_schema(capsys: Any) -> None:
    assert cli.main(["action", "--list", "--json"]) == 0
    names = [row["name"] for row in json.loads(capsys.readouterr().out)]
    assert "freshbooks/invoice-updated" in names and len(names) == 7
    assert cli.main(["action", "create-client", "--schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert set(schema) == {"input", "output"}


def test_invalid_action_input_exits_2_without_connection(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("FRESHBOOKS_CONFIG", str(home / "none.json"))
    code = cli.main(
        ["action", "create-invoice", "--json", "--input", '{"client_id": 1, "lines": []}']
    )
    assert code == 2
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["ok"] is False and doc["error"]["fields"][0]["field"] == "lines"
    one_line(captured.err)


def test_table_and_money_rendering() -> None:
    rows = [
        {"id": 1, "invoice_number": "0001", "amount": {"amount": "7.601335", "code": "CAD"}},
        {"id": 22, "invoice_number": "0002", "amount": {"amount": "10.00", "code": "CAD"}},
    ]
    text = cli.table([*cli.INVOICE_COLUMNS[:2], cli.INVOICE_COLUMNS[4]], rows)
    assert text.splitlines() == [
        "ID  NUMBER  AMOUNT",
        "1   0001    7.601335 CAD",
        "22  0002    10.00 CAD",
    ]
    assert cli.money(None) == ""


def test_error_line_names_fields_and_wait() -> None:
    error: Any = {
        "type": "validation_failed",
        "message": "Client not found.",
        "fields": [
            {"field": "client_id", "message": "x", "errno": 1012, "wire_field": "customerid"}
        ],
        "retryable": False,
        "retry_after": None,
        "status_code": 422,
    }
    assert cli.error_line(error) == (
        "freshbooks: validation failed: Client not found. [client_id errno 1012] (HTTP 422)"
    )


def test_progress_only_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    request = httpx.Request("GET", "https://api.example/x?page=1&per_page=100")
    response = httpx.Response(200, request=request)
    quiet = io.StringIO()
    progress = cli.Progress(quiet, cli.output._stream_is_tty(quiet))
    progress.on_response(response)
    progress.done()
    assert quiet.getvalue() == ""
    tty = Tty()
    progress = cli.Progress(tty, cli.output._stream_is_tty(tty))
    progress.on_response(response)
    progress.on_response(response)
    progress.done()
    shown = tty.getvalue()
    assert "fetching page 1…" in shown and "fetching page 2…" in shown
    assert "fetching page 0" not in shown and "fetching page 3" not in shown
    assert shown.endswith("\x1b[2K")  # transient: the spinner line is erased at the end


def test_connection_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "a" / "connection.json"
    cli.save_private_json(path, {"token": {"access_token": "t"}})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    path.chmod(0o644)
    cli.save_private_json(path, {"token": {"access_token": "u"}})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cli.load_connection(path) == {"token": {"access_token": "u"}}
    assert cli.load_connection(tmp_path / "missing.json") is None


def test_saved_token_is_refreshed_and_persisted(
    sandbox: tuple[Sandbox, str], home: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """A saved token near expiry is refreshed (app credentials in the environment) and the new,
    rotated token is stored before use: a version-1 connection file (token inside) is migrated
    to the token store on first use and its token removed from the file."""
    sb, base_url = sandbox
    body = sb.issue_tokens()
    config = home / "connection.json"
    cli.save_private_json(
        config,
        {
            "version": 1,
            "base_url": base_url,
            "auth_base_url": base_url,
            "client_id": sb.client_id,
            "redirect_uri": sb.redirect_uris[0],
            "account_id": sb.account_ids[0],
            "token": {
                "access_token": body["access_token"],
                "refresh_token": body["refresh_token"],
                "expires_at": "2000-01-01T00:00:00Z",  # due: refreshed before the first call
            },
        },
    )
    env = clean_env(
        home,
        FRESHBOOKS_CONFIG=str(config),
        FRESHBOOKS_CLIENT_ID=sb.client_id,
        FRESHBOOKS_CLIENT_SECRET=sb.client_secret,
        FRESHBOOKS_REDIRECT_URI=sb.redirect_uris[0],
    )
    for key in [k for k in os.environ if k.startswith("FRESHBOOKS_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert cli.main(["clients", "list", "--json"]) == 0, capsys.readouterr().err
    saved = json.loads(config.read_text())
    assert "token" not in saved and saved["version"] == 2
    stored = cli.open_token_store(cli.token_store_path(config)).load(saved["token_key"])
    assert stored is not None
    assert stored.refresh_token != body["refresh_token"]
    assert stored.expires_at.year > 2001
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert stat.S_IMODE(cli.token_store_path(config).stat().st_mode) == 0o600


def test_interactive_connect_reads_the_pasted_redirect(
    sandbox: tuple[Sandbox, str], home: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    sb, base_url = sandbox
    env = clean_env(
        home,
        FRESHBOOKS_CLIENT_ID=sb.client_id,
        FRESHBOOKS_CLIENT_SECRET=sb.client_secret,
        FRESHBOOKS_REDIRECT_URI=sb.redirect_uris[0],
        FRESHBOOKS_BASE_URL=base_url,
        FRESHBOOKS_CONFIG=str(home / "c.json"),
    )
    for key in [k for k in os.environ if k.startswith("FRESHBOOKS_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    class Browser(io.StringIO):
        """stdin: 'approves' the URL printed on stderr and pastes the redirect."""

        def readline(self, *args: Any) -> str:
            url = capsys.readouterr().err.split("  ", 1)[1].split()[0]
            return httpx.get(url, follow_redirects=False).headers["location"] + "\n"

    monkeypatch.setattr(sys, "stdin", Browser())
    assert cli.main(["connect", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["account_id"] == sb.account_ids[0]
    assert json.loads((home / "c.json").read_text())["account_id"] == sb.account_ids[0]


def test_pasted_redirect_with_another_state_is_refused() -> None:
    with pytest.raises(cli.CliError) as info:
        cli.commands.connect._code_from_answer(
            "https://localhost/callback?code=abc&state=other", "mine"
        )
    assert info.value.code == 2
    assert (
        cli.commands.connect._code_from_answer("https://localhost/cb?code=abc&state=mine", "mine")
        == "abc"
    )
    assert cli.commands.connect._code_from_answer("abc", "mine") == "abc"


def test_sandbox_serve_and_demo_dispatch_every_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    import freshbooks_sdk.demo
    import freshbooks_sdk.sandbox

    seen: list[tuple[str, list[str]]] = []

    def fake_serve(argv: list[str]) -> int:
        seen.append(("serve", argv))
        return 0

    def fake_demo(argv: list[str]) -> int:
        seen.append(("demo", argv))
        return 0

    monkeypatch.setattr(freshbooks_sdk.sandbox, "main_serve", fake_serve)
    monkeypatch.setattr(freshbooks_sdk.demo, "main", fake_demo)
    assert cli.main(["sandbox", "serve", "--help"]) == 0
    assert cli.main(["sandbox", "serve", "--port", "0"]) == 0
    assert cli.main(["demo"]) == 0
    assert seen == [("serve", ["--help"]), ("serve", ["--port", "0"]), ("demo", [])]


def test_any_failure_is_one_line(home: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    """Even an error raised outside an action (the client refusing an account id that is not a
    plain FreshBooks id) ends as one stderr line and exit status 2, never a traceback."""
    monkeypatch.setenv("FRESHBOOKS_ACCESS_TOKEN", "token")
    monkeypatch.setenv("FRESHBOOKS_BASE_URL", "http://127.0.0.1:9")
    assert cli.main(["clients", "list", "--account-id", "../../etc"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--account-id (or FRESHBOOKS_ACCOUNT_ID) must be" in one_line(captured.err)


# ---------------------------------------------------------------------------------------------
# Start-up, help, listings and CLI wording
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def live(
    sandbox: tuple[Sandbox, str], home: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Sandbox, str]:
    """In-process runs against the served sandbox: a token in the environment, HOME in tmp."""
    sb, base_url = sandbox
    for key in [k for k in os.environ if k.startswith("FRESHBOOKS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("FRESHBOOKS_ACCESS_TOKEN", sb.issue_token())
    monkeypatch.setenv("FRESHBOOKS_ACCOUNT_ID", sb.account_ids[1])  # the other tests use [0]
    monkeypatch.setenv("FRESHBOOKS_BASE_URL", base_url)
    return sb, sb.account_ids[1]


def test_version(capsys: Any) -> None:
    import freshbooks_sdk

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith(f"freshbooks {freshbooks_sdk.__version__} (")


def test_demo_help_prints_help_and_runs_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    import freshbooks_sdk.demo

    def must_not_run(*args: Any, **kw: Any) -> int:
        raise AssertionError("the demo ran")

    monkeypatch.setattr(freshbooks_sdk.demo, "run", must_not_run)
    for argv, run in ((["demo", "--help"], cli.main), (["--help"], freshbooks_sdk.demo.main)):
        with pytest.raises(SystemExit) as exit_info:
            run(argv)
        assert exit_info.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith("usage: ") and "127.0.0.1" in out and "429" in out


def test_help_and_version_load_no_model_no_rich_no_httpx() -> None:
    """Start-up stays fast: `--help`/`--version` import neither pydantic (the models), rich nor
    httpx (timed as a ratio in benchmarks/bench_cli_startup.py, never here)."""
    code = (
        "import sys\n"
        "from freshbooks_sdk.cli import main\n"
        "for argv in (['--help'], ['--version'], ['invoices', 'create', '--help']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = ('pydantic', 'rich', 'httpx', 'freshbooks_sdk.models', "
        "'freshbooks_sdk.integration', 'freshbooks_sdk._sync')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)), file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == "[]"
    assert "usage: freshbooks" in proc.stdout


def test_leaf_help_is_short(capsys: Any) -> None:
    with pytest.raises(SystemExit):
        cli.main(["clients", "list", "--help"])
    out = capsys.readouterr().out
    assert "environment:" not in out and "FRESHBOOKS_CLIENT_SECRET" not in out
    assert "`freshbooks --help` explains" in out
    assert len(out.splitlines()) < 30
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "environment:" in capsys.readouterr().out  # the full story stays on the top level


def test_a_truncated_listing_says_how_many_there_are(
    live: tuple[Sandbox, str], capsys: Any
) -> None:
    sb, account = live
    for n in range(3):
        sb.create(account, "clients", {"email": f"hint{n}@example.com", "fname": f"H{n}"})
    total = len(sb.request_log)  # any value: only to see that --json does not re-list
    assert cli.main(["clients", "list", "--json"]) == 0
    every = json.loads(capsys.readouterr().out)
    assert every["count"] == every["total"] >= 3
    del total
    assert cli.main(["clients", "list", "--limit", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:2] == ["ID", "NAME"] and len(out) == 4
    n = every["total"]
    assert out[-1] == f"2 of {n} clients shown (--limit {n} to see them all)"
    assert cli.main(["clients", "list", "--limit", str(n)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"{n} clients"


def test_expense_categories_listing(live: tuple[Sandbox, str], capsys: Any) -> None:
    assert cli.main(["expenses", "categories", "--json"]) == 0
    every = json.loads(capsys.readouterr().out)
    assert every["count"] == every["total"] == len(every["items"]) > 3
    names = {c["id"]: c["category"] for c in every["items"]}
    assert cli.main(["expenses", "categories", "--limit", "3"]) == 0
    head, *rows, last = capsys.readouterr().out.splitlines()
    assert head.split()[:2] == ["ID", "NAME"] and len(rows) == 3
    first = every["items"][0]
    assert rows[0].startswith(f"{first['id']}  {names[first['id']]}")
    n = every["total"]
    assert last == f"3 of {n} categories shown (--limit {n} to see them all)"
    with pytest.raises(SystemExit):  # argparse: an int
        cli.main(["expenses", "categories", "--limit", "x"])
    assert "--limit" in one_line(capsys.readouterr().err)
    assert cli.main(["expenses", "categories", "--limit", "0"]) == 2
    assert "--limit" in one_line(capsys.readouterr().err)


def test_an_unknown_status_is_refused_naming_the_flag(
    live: tuple[Sandbox, str], capsys: Any
) -> None:
    sb, _ = live
    before = len(sb.request_log)
    assert cli.main(["invoices", "list", "--status", "payed"]) == 2
    err = one_line(capsys.readouterr().err)
    assert "--status" in err and "'paid'" in err  # the documented statuses are listed
    assert len(sb.request_log) == before  # refused before anything is sent
    assert cli.main(["invoices", "list", "--status", "paid"]) == 0
    assert capsys.readouterr().err == ""  # a known status: an empty listing is just empty


def test_errors_name_the_flag_not_the_parameter(live: tuple[Sandbox, str], capsys: Any) -> None:
    sb, _ = live
    before = len(sb.request_log)
    assert cli.main(["invoices", "create", "--client-id", "1", "--line", "a", "1", "2"]) == 2
    line = one_line(capsys.readouterr().err)
    assert "--currency is required (or set FRESHBOOKS_CURRENCY)" in line
    assert "currency_code" not in line and "default_currency" not in line
    assert cli.main(["clients", "create", "--email", "x@example.com", "--currency", "EURO"]) == 2
    line = one_line(capsys.readouterr().err)
    assert "--currency (or FRESHBOOKS_CURRENCY): must be a 3-letter ISO 4217 code" in line
    assert cli.main(["invoices", "create", "--client-id", "1", "--currency", "USD"]) == 2
    assert "--line is required" in one_line(capsys.readouterr().err)
    assert len(sb.request_log) == before  # all refused before any request


def test_a_refused_token_says_how_to_connect_again(
    sandbox: tuple[Sandbox, str], home: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    sb, base_url = sandbox
    for key in [k for k in os.environ if k.startswith("FRESHBOOKS_")]:
        monkeypatch.delenv(key)
    config = home / "connection.json"
    cli.save_private_json(
        config,
        {
            "base_url": base_url,
            "account_id": sb.account_ids[0],
            "token": {
                "access_token": "revoked-or-made-up",
                "refresh_token": "unused",
                "expires_at": "2999-01-01T00:00:00Z",
            },
        },
    )
    monkeypatch.setenv("FRESHBOOKS_CONFIG", str(config))
    assert cli.main(["clients", "list"]) == 3
    assert "run `freshbooks connect` to sign in again" in one_line(capsys.readouterr().err)
    monkeypatch.setenv("FRESHBOOKS_ACCESS_TOKEN", "made-up")
    monkeypatch.setenv("FRESHBOOKS_ACCOUNT_ID", sb.account_ids[0])
    monkeypatch.setenv("FRESHBOOKS_BASE_URL", base_url)
    assert cli.main(["clients", "list"]) == 3
    assert "check FRESHBOOKS_ACCESS_TOKEN" in one_line(capsys.readouterr().err)


def test_tables_on_a_terminal_fit_its_width(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("COLUMNS", "48")
    out = Tty()
    console = cli.Console(json=False, out=out, err=io.StringIO())
    rows = [{"id": 1, "fname": "Ada", "organization": "Analytical Engines " * 3, "email": "a@b.c"}]
    console.table(cli.CLIENT_COLUMNS[:4], rows)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    assert any("ORGANIZATION" in line for line in lines) and any("Ada" in line for line in lines)
    width = max(len(_strip_ansi(line)) for line in lines)
    assert width <= 48 and "…" in out.getvalue()


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


@pytest.mark.parametrize(
    "name",
    [
        "freshbooks_sdk.cli.errors",
        "freshbooks_sdk.cli.output",
        "freshbooks_sdk.cli.app",
        "freshbooks_sdk.cli.commands.resources",
        "freshbooks_sdk.integration.actions",
    ],
)
def test_usage_examples_in_docstrings(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0, result
