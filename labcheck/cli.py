"""``labcheck`` command line. The grading commands arrive with the grader itself."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from labcheck import __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="labcheck", description="Grade the Serverless Lab.")
    parser.add_argument("--version", action="version", version=f"labcheck {__version__}")
    parser.parse_args(argv)
    parser.print_help()
    return 0
