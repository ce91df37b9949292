"""``poll invoices``: the ``freshbooks/invoice-updated`` trigger in a loop."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from freshbooks_sdk.cli.commands.resources import _compact
from freshbooks_sdk.cli.connection import _config_path, open_client
from freshbooks_sdk.cli.errors import EXIT_OK, CliError
from freshbooks_sdk.cli.output import INVOICE_COLUMNS, Console, _plural


def _poll_params(args: argparse.Namespace) -> dict[str, Any]:
    return _compact(
        {
            "start": args.start,
            "interval": args.interval,
            "cap": args.cap,
            "include_deleted": args.include_deleted,
        }
    )


def _show_activation(console: Console, activation: Any, cursor: Any) -> None:
    if activation is None:
        console.line(f"No invoice updated (cursor at {cursor['watermark']}).")
        return
    more = " (more to come)" if activation["has_more"] else ""
    console.line(
        f"Activation {activation['id'][:12]}: "
        f"{_plural(activation['count'], 'invoice')} updated{more}"
    )
    console.table(INVOICE_COLUMNS, activation["items"])


def cmd_poll(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    from freshbooks_sdk.integration import INVOICE_UPDATED, render_activation

    params = _poll_params(args)
    try:
        INVOICE_UPDATED.parse(params)
    except Exception as exc:
        raise CliError.of(exc) from None
    given = args.cursor_db or env.get("FRESHBOOKS_CURSOR_DB")
    store = Path(given).expanduser() if given else _config_path(args, env).parent / "cursors.db"
    store.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open_client(args, env, console) as fb:
        try:
            poller = INVOICE_UPDATED.poller(fb, params, store=str(store))
            if args.once:
                activation = poller.poll_once()
                rendered = render_activation(activation)
                if console.json:
                    console.document({"activation": rendered, "cursor": activation.cursor_after})
                else:
                    _show_activation(console, rendered, activation.cursor_after)
                activation.ack()
                return EXIT_OK
            if not console.json:
                console.note(
                    f"polling invoices of {fb.account_id} every {args.interval:g} s "
                    f"(cursor in {store}); Ctrl+C to stop"
                )
            for activation in poller:
                rendered = render_activation(activation)
                if console.json:
                    console.out.write(json.dumps(rendered, ensure_ascii=False) + "\n")
                else:
                    _show_activation(console, rendered, activation.cursor_after)
                console.out.flush()
        except CliError:
            raise
        except Exception as exc:
            raise CliError.of(exc) from None
    return EXIT_OK  # pragma: no cover - the loop only ends by an exception
