"""Run the bad-input fuzz suite at scale and print its counts (for the closing note).

    python scripts/fuzz_report.py                 # every sweep + 200 hypothesis cases per method
    python scripts/fuzz_report.py --examples 1000 --json

The harness is ``tests/fuzz_inputs_support.py`` (the same one ``tests/test_fuzz_inputs.py``
runs with bounded counts). Columns: cases, typed errors (``InvalidRequestError`` naming the
parameter or option, zero requests), successes (every request sent was valid, no header the
SDK owns overridden), untyped errors (anything
else, or a valid value refused: the target is 0), requests with bad data and sandbox internal
errors (the targets are 0). Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import fuzz_inputs_support as fz  # noqa: E402  (tests/ is put on the path above)
from freshbooks_sdk.integration import catalog  # noqa: E402
from freshbooks_sdk.sandbox import Sandbox  # noqa: E402
from freshbooks_sdk.sandbox.seed import APP_SCOPES  # noqa: E402


def _hypothesis(examples: int, body: Any) -> None:
    run = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )(given(data=st.data())(body))
    run()


def sync_methods(world: fz.World, examples: int, methods: tuple[fz.Method, ...]) -> fz.Tally:
    tally = fz.Tally()
    for method in methods:
        for param in method.params:
            for value in fz.SPECIAL:
                fz.run_method_case(world, method, param, value, tally)
        if not method.params:
            fz.record(
                tally,
                method.label,
                "-",
                None,
                world.recorder,
                len(world.recorder.sent),
                _no_args(world, method),
                server_faults=world.faults,
            )
    for method in methods:
        if method.params:
            _hypothesis(examples, _method_body(world, method, tally, fz.run_method_case))
    return tally


def _no_args(world: fz.World, method: fz.Method) -> Any:
    return lambda: method.call(world.fb, {})


def webhook_helpers(examples: int) -> fz.Tally:
    tally = fz.Tally()
    for call in fz.WEBHOOK_CALLS:
        for param in call.params:
            for value in fz.SPECIAL:
                fz.run_webhook_case(call, param, value, tally)

    def body(data: st.DataObject) -> None:
        call = data.draw(st.sampled_from(fz.WEBHOOK_CALLS))
        param = data.draw(st.sampled_from(call.params))
        fz.run_webhook_case(call, param, data.draw(fz.hostile | st.binary(max_size=64)), tally)

    _hypothesis(examples, body)
    return tally


def _method_body(world: fz.World, method: fz.Method, tally: fz.Tally, run: Any) -> Any:
    def body(data: st.DataObject) -> None:
        param = data.draw(st.sampled_from(method.params))
        run(world, method, param, data.draw(fz.hostile), tally)

    return body


def valid_values(world: fz.World, examples: int) -> fz.Tally:
    """Valid values must be accepted: a refusal here counts as untyped (a false refusal)."""
    tally = fz.Tally()
    for method in fz.METHODS:
        if fz.valid_params(method):
            _hypothesis(examples, _valid_body(world, method, tally))
    return tally


def _valid_body(world: fz.World, method: fz.Method, tally: fz.Tally) -> Any:
    def body(data: st.DataObject) -> None:
        param = data.draw(st.sampled_from(fz.valid_params(method)))
        value = data.draw(fz.valid_strategy(method, param))
        if fz.run_method_case(world, method, param, value, tally) == "typed":
            tally.typed -= 1
            tally.untyped += 1
            tally.failures.append(f"{method.label}({param}={value!r:.80}): valid value refused")

    return body


def constructors(world: fz.World, examples: int) -> fz.Tally:
    tally = fz.Tally()
    for param in fz.CONSTRUCTOR_PARAMS:
        for value in fz.SPECIAL:
            fz.run_constructor_case(world, param, value, tally)

    def body(data: st.DataObject) -> None:
        param = data.draw(st.sampled_from(fz.CONSTRUCTOR_PARAMS))
        fz.run_constructor_case(world, param, data.draw(fz.hostile), tally)

    _hypothesis(examples, body)
    return tally


def async_methods(world: fz.World, examples: int) -> fz.Tally:
    """The async twin of every method: the full sweep and hypothesis runs."""
    tally = fz.Tally()
    for method in fz.ASYNC_METHODS:
        for param in method.params:
            for value in fz.SPECIAL:
                fz.run_async_case(world, method, param, value, tally)
        if method.params:
            _hypothesis(examples, _method_body(world, method, tally, fz.run_async_case))
    return tally


def catalog_entries(world: fz.World, examples: int) -> fz.Tally:
    tally = fz.Tally()
    for name in catalog:
        for value in fz.SPECIAL:
            fz.run_catalog_case(world, name, None, value, tally)
        for param in fz.catalog_params(name):
            for value in fz.SPECIAL:
                fz.run_catalog_case(world, name, param, value, tally)

        _hypothesis(examples, _catalog_body(world, name, tally))
    return tally


def _catalog_body(world: fz.World, name: str, tally: fz.Tally) -> Any:
    def body(data: st.DataObject) -> None:
        param = data.draw(st.sampled_from(fz.catalog_params(name)))
        fz.run_catalog_case(world, name, param, data.draw(fz.hostile), tally)

    return body


def cli_runs(examples: int) -> fz.Tally:
    tally = fz.Tally()
    sb = Sandbox(seed=0)
    home = tempfile.mkdtemp(prefix="fuzz-cli-")
    with sb.serve() as base_url:
        env = {
            "FRESHBOOKS_ACCESS_TOKEN": sb.issue_token(scopes=APP_SCOPES),
            "FRESHBOOKS_ACCOUNT_ID": sb.account_ids[0],
            "FRESHBOOKS_BASE_URL": base_url,
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, "config"),
            "FRESHBOOKS_CURSOR_DB": os.path.join(home, "cursors.db"),
            "PATH": os.environ.get("PATH", ""),
        }
        for template in fz.CLI_TEMPLATES:
            for value in fz.CLI_VALUES:
                argv = [value if part == "{}" else part for part in template]
                fz.run_cli_case(argv, env, sb, tally)

        def body(data: st.DataObject) -> None:
            template = data.draw(st.sampled_from(fz.CLI_TEMPLATES))
            value = data.draw(st.sampled_from(fz.CLI_VALUES) | st.text(max_size=30))
            argv = [value if part == "{}" else part for part in template]
            fz.run_cli_case(argv, env, sb, tally)

        _hypothesis(examples, body)
    return tally


def _option_values(key: str) -> list[Any]:
    return [*fz.OPTION_VALUES[key], *fz.SPECIAL]


def _option_strategy(key: str) -> Any:
    return (
        fz.hostile
        | st.sampled_from(fz.OPTION_VALUES[key])
        | st.dictionaries(st.text(max_size=12), fz.hostile, max_size=3)
    )


def call_options(world: fz.World, examples: int) -> fz.Tally:
    """Every ``CallOptions`` key on every public sync method (and the streamed PDF)."""
    tally = fz.Tally()
    methods = (*fz.OPTION_METHODS, *fz.STREAM_METHODS)
    for method in methods:
        for key in fz.OPTION_KEYS:
            for value in _option_values(key):
                fz.run_option_case(world, method, key, value, tally)

    def body(data: st.DataObject) -> None:
        method = data.draw(st.sampled_from(methods))
        key = data.draw(st.sampled_from(fz.OPTION_KEYS))
        fz.run_option_case(world, method, key, data.draw(_option_strategy(key)), tally)

    _hypothesis(examples, body)
    return tally


def valid_options(world: fz.World) -> fz.Tally:
    """Valid options must be accepted (a refusal counts as untyped) and every request valid."""
    tally = fz.Tally()
    options = {
        "timeout": 5.0,
        "max_retries": 0,
        "extra_headers": {"X-Fuzz-Probe": "p1"},
        "extra_query": {"search[fuzz_probe]": "q 2"},
    }
    for method in (*fz.OPTION_METHODS, *fz.STREAM_METHODS, *fz.RAW_METHODS):
        before = len(world.recorder.sent)
        kwargs = {**method.base(world), **options}
        outcome = fz.record(
            tally,
            method.label,
            "options",
            options,
            world.recorder,
            before,
            lambda m=method, k=kwargs: m.call(world.fb, k),
            check=fz._check_options,
        )
        if outcome == "typed":
            tally.typed -= 1
            tally.untyped += 1
            tally.failures.append(f"{method.label}(**valid options): refused")
    return tally


def raw_twins(world: fz.World, examples: int) -> fz.Tally:
    """``<resource>.with_raw_response.<method>``: own parameters and every option key."""
    tally = fz.Tally()
    for method in fz.RAW_METHODS:
        for param in method.params:
            for value in fz.SPECIAL:
                fz.run_method_case(world, method, param, value, tally)
        for key in fz.OPTION_KEYS:
            for value in fz.OPTION_VALUES[key]:
                fz.run_option_case(world, method, key, value, tally)

    def body(data: st.DataObject) -> None:
        method = data.draw(st.sampled_from(fz.RAW_METHODS))
        if data.draw(st.booleans()) and method.params:
            param = data.draw(st.sampled_from(method.params))
            fz.run_method_case(world, method, param, data.draw(fz.hostile), tally)
        else:
            key = data.draw(st.sampled_from(fz.OPTION_KEYS))
            fz.run_option_case(world, method, key, data.draw(_option_strategy(key)), tally)

    _hypothesis(examples, body)
    return tally


def with_options(world: fz.World, examples: int) -> fz.Tally:
    """``fb.with_options(...)`` and ``afb.with_options(...)``: every argument."""
    tally = fz.Tally()
    for param in fz.WITH_OPTIONS_PARAMS:
        for value in [*fz.WITH_OPTIONS_EXTRA[param], *fz.SPECIAL]:
            fz.run_with_options_case(world, param, value, tally)
            fz.run_async_with_options_case(world, param, value, tally)

    def body(data: st.DataObject) -> None:
        param = data.draw(st.sampled_from(fz.WITH_OPTIONS_PARAMS))
        value = data.draw(fz.hostile | st.sampled_from(fz.WITH_OPTIONS_EXTRA[param]))
        fz.run_with_options_case(world, param, value, tally)

    _hypothesis(examples, body)
    return tally


def async_options(world: fz.World, examples: int) -> fz.Tally:
    """Every option key on the async sample (the checks are shared with the sync shell)."""
    tally = fz.Tally()
    sample = [m for m in fz.ASYNC_METHODS if m.label in fz.ASYNC_SAMPLE]
    for method in sample:
        for key in fz.OPTION_KEYS:
            for value in _option_values(key):
                fz.run_async_option_case(world, method, key, value, tally)

    def body(data: st.DataObject) -> None:
        method = data.draw(st.sampled_from(sample))
        key = data.draw(st.sampled_from(fz.OPTION_KEYS))
        fz.run_async_option_case(world, method, key, data.draw(_option_strategy(key)), tally)

    _hypothesis(examples, body)
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--examples", type=int, default=200, help="hypothesis cases per method (default 200)"
    )
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = parser.parse_args(argv)
    # A hostile `store="x"` is a valid SQLite path: those files go to a scratch folder.
    os.chdir(tempfile.mkdtemp(prefix="fuzz-inputs-"))
    world = fz.make_world()
    rows: dict[str, dict[str, int]] = {}
    failures: list[str] = []
    started = time.perf_counter()
    issue10 = fz._ISSUE10_METHODS
    issue13 = fz._ISSUE13_METHODS
    for label, run in (
        (
            f"{len(issue10)} sync methods of issue 10",
            lambda: sync_methods(world, args.examples, issue10),
        ),
        (
            f"{len(issue13)} sync methods of issue 13 (request, pdf, time entries, projects, "
            "payments, taxes, items, callbacks, poller.wake)",
            lambda: sync_methods(world, args.examples, issue13),
        ),
        ("valid values (never refused)", lambda: valid_values(world, args.examples // 2)),
        ("FreshBooks constructor", lambda: constructors(world, args.examples * 4)),
        (
            f"async twins (all {len(fz.ASYNC_METHODS)} methods)",
            lambda: async_methods(world, args.examples // 4),
        ),
        (
            f"webhook helpers ({len(fz.WEBHOOK_CALLS)} entry points)",
            lambda: webhook_helpers(args.examples * 2),
        ),
        (
            "integration catalog (6 actions + trigger)",
            lambda: catalog_entries(world, args.examples),
        ),
        ("CLI", lambda: cli_runs(max(20, args.examples // 4))),
        (
            f"per-call options ({len(fz.OPTION_KEYS)} keys x {len(fz.OPTION_METHODS)} methods "
            "+ streamed pdf)",
            lambda: call_options(world, args.examples * 4),
        ),
        ("valid per-call options (never refused)", lambda: valid_options(world)),
        (
            f"with_raw_response twins ({len(fz.RAW_METHODS)} methods)",
            lambda: raw_twins(world, args.examples * 2),
        ),
        (
            f"with_options ({len(fz.WITH_OPTIONS_PARAMS)} arguments, sync + async)",
            lambda: with_options(world, args.examples),
        ),
        (
            f"async per-call options ({len(fz.ASYNC_SAMPLE)} sampled methods)",
            lambda: async_options(world, args.examples),
        ),
    ):
        tally = run()
        rows[label] = tally.as_dict()
        failures.extend(tally.failures)
    total = fz.Tally()
    for row in rows.values():
        for key, attr in (
            ("cases", "cases"),
            ("typed_errors", "typed"),
            ("successes", "ok"),
            ("untyped_errors", "untyped"),
            ("requests_sent", "requests"),
            ("requests_with_bad_data", "bad_requests"),
            ("sandbox_internal_errors", "server_faults"),
        ):
            setattr(total, attr, getattr(total, attr) + row[key])
    rows["total"] = total.as_dict()
    elapsed = time.perf_counter() - started
    if args.json:
        print(json.dumps({"rows": rows, "seconds": round(elapsed, 1), "failures": failures[:50]}))
    else:
        columns = list(rows["total"])
        print(f"| entry points | {' | '.join(columns)} |")
        print("|---|" + "---:|" * len(columns))
        for label, row in rows.items():
            print(f"| {label} | {' | '.join(str(row[c]) for c in columns)} |")
        print(f"\n{elapsed:.1f} s")
        for line in failures[:50]:
            print("FAIL", line)
    world.loop.close()
    return 1 if total.untyped or total.bad_requests or total.server_faults else 0


if __name__ == "__main__":
    raise SystemExit(main())
