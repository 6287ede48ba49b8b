"""``python -m tests.browser.serve_at --port N``: the app of ``openskies serve`` (the same
composition root and settings), its clock started at ``START`` so the browser tests run on
a known day whatever the machine's calendar says."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

import uvicorn

from openskies.bootstrap import build_app, read_settings
from openskies.services.clock import StartedClock

START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
"""The server's time when it starts: mid-year, far from the turn of a quota year."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = build_app(read_settings(), clock=StartedClock(START))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="info")


if __name__ == "__main__":
    main()
