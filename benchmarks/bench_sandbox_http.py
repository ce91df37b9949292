"""The HTTP sandbox under load: ``python -m benchmarks.bench_sandbox_http [--clients 128]``.

Starts ``freshbooks sandbox serve --port 0`` in another process (so the server never shares the
clients' CPU time), then measures, in the same run:

1. the baseline: one client, sequential keep-alive requests (p50, p99, requests/s);
2. ``--clients`` clients at once (keep-alive connections all opened in the same instant, by a
   light asyncio client so that the server is what is measured): errors, p50, p99, requests/s;
3. the same while ``--idle`` connections dangle with half-sent request heads (slowloris).

Each figure under load is also given as a ratio to the baseline (p50 and p99 slowdown,
throughput gain). Nothing is asserted: a goal missed is reported, not raised. The goal for the
fleet is 0 errors at 128 clients; latency ratios are shown for comparison across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = "/accounting/account/ACM123/users/clients"


@dataclass
class Figures:
    label: str
    requests: int
    errors: int
    p50_ms: float
    p99_ms: float
    per_second: float


def _figures(label: str, latencies: list[float], errors: int, wall: float) -> Figures:
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return Figures(
        label,
        len(latencies),
        errors,
        round(cuts[49] * 1000, 2),
        round(cuts[98] * 1000, 2),
        round(len(latencies) / wall, 1),
    )


def start_server() -> tuple[subprocess.Popen[str], str, str]:
    """``freshbooks sandbox serve --port 0`` in a child process -> (process, url, token)."""
    command = [sys.executable, "-m", "freshbooks_sdk.cli", "sandbox", "serve", "--port", "0"]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": ""}
    )
    assert proc.stdout is not None
    url = token = ""
    for line in proc.stdout:
        if "base URL:" in line:
            url = line.split()[-1]
        if "access token:" in line:
            token = line.split()[-1]
        if line.startswith("Press Ctrl+C"):
            break
    if not url or not token:
        proc.kill()
        raise SystemExit("the sandbox server did not start")
    return proc, url, token


async def _client(
    host: str,
    port: int,
    request: bytes,
    rounds: int,
    start: asyncio.Event,
    latencies: list[float],
    errors: list[str],
) -> None:
    await start.wait()
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError as exc:
        errors.extend([repr(exc)] * rounds)
        return
    try:
        for _ in range(rounds):
            began = time.perf_counter()
            try:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                await reader.readexactly(length)
                if not head.startswith(b"HTTP/1.1 200 "):
                    errors.append(head.split(b"\r\n", 1)[0].decode())
            except (OSError, asyncio.IncompleteReadError, StopIteration) as exc:
                errors.append(repr(exc))
                return
            latencies.append(time.perf_counter() - began)
    finally:
        writer.close()


def run_clients(url: str, token: str, clients: int, rounds: int) -> Figures:
    """``clients`` keep-alive connections opened in the same instant, ``rounds`` requests each
    (a light asyncio client, so that the server, not the client, is what is measured)."""
    host, port = url.rsplit("/", 1)[-1].rsplit(":", 1)
    request = (
        f"GET {CLIENTS}?per_page=5 HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {token}\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    errors: list[str] = []

    async def go() -> float:
        start = asyncio.Event()
        tasks = [
            asyncio.create_task(_client(host, int(port), request, rounds, start, latencies, errors))
            for _ in range(clients)
        ]
        await asyncio.sleep(0)
        began = time.perf_counter()
        start.set()
        await asyncio.gather(*tasks)
        return time.perf_counter() - began

    wall = asyncio.run(go())
    for why in sorted(set(errors)):
        print(f"error x{errors.count(why)}: {why}", file=sys.stderr)
    return _figures(f"{clients} clients x {rounds}", latencies, len(errors), wall)


def dangle(url: str, count: int) -> list[socket.socket]:
    host, port = url.rsplit("/", 1)[-1].rsplit(":", 1)
    held = []
    for _ in range(count):
        conn = socket.create_connection((host, int(port)))
        conn.sendall(b"GET /auth/api/v1/users/me HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        held.append(conn)
    return held


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_sandbox_http")
    parser.add_argument("--clients", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=10, help="requests per client")
    parser.add_argument("--idle", type=int, default=200, help="half-sent connections")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    proc, url, token = start_server()
    try:
        httpx.get(f"{url}/auth/api/v1/users/me")  # warm up
        base = run_clients(url, token, 1, 500)
        base.label = "baseline: 1 client, sequential"
        load = run_clients(url, token, args.clients, args.rounds)
        held = dangle(url, args.idle)
        try:
            slow = run_clients(url, token, args.clients, args.rounds)
            slow.label += f" + {args.idle} half-sent"
        finally:
            for conn in held:
                conn.close()
    finally:
        proc.terminate()
        proc.wait(10)
    rows = [base, load, slow]
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
        return 0
    print(f"{'':40} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}")
    for r in rows:
        print(
            f"{r.label:40} {r.requests:8} {r.errors:6} {r.p50_ms:8.2f} {r.p99_ms:8.2f} "
            f"{r.per_second:8.1f}"
        )
    for r in rows[1:]:
        print(
            f"{r.label}: p50 x{r.p50_ms / base.p50_ms:.1f}, p99 x{r.p99_ms / base.p99_ms:.1f}, "
            f"throughput x{r.per_second / base.per_second:.2f} of the baseline; "
            f"errors {r.errors} (goal 0)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
