"""The README's first command: the demo runs the whole story against the sandbox on loopback."""

from __future__ import annotations

import io
import re

from freshbooks_sdk.demo import run
from freshbooks_sdk.sandbox import Sandbox


def test_demo_runs_end_to_end() -> None:
    out = io.StringIO()
    sandbox = Sandbox()
    assert run(out, sandbox=sandbox) == 0
    text = out.getvalue()
    assert re.search(r"listening on http://127\.0\.0\.1:\d+", text)
    assert "ACM123" in text and "BAY456" in text
    assert "3617.80 USD" in text  # 3 x 1200.10 + 250 x 0.07, exact
    assert "is now sent" in text
    assert re.search(r"cycle 2: .* \[\(\d+, 'paid'\)\]", text)
    assert "-> 429, waiting 1.0s" in text
    assert sandbox.client_secret not in text
    assert "access_token=" not in text and "refresh_token=" not in text
