"""What a Python test may do when something it needs is missing (see tests/unavailable.cmake).

Under CI (environment variable CI set, as .ci/run does) a missing tool, module or file is a failure: CI must
run every test. Elsewhere the test prints one "SEMVEC-SKIP: ..." line, which scripts/test.sh counts and lists.
"""
import os
import sys


def in_ci():
    """True when the CI environment variable is set to something other than 0/false/no."""
    return os.environ.get("CI", "") not in ("", "0", "false", "FALSE", "no")


def unavailable(reason):
    """Reports that part of a test cannot run: raises under CI, else prints the SEMVEC-SKIP line."""
    if in_ci():
        raise RuntimeError("cannot run under CI: %s (scripts/setup.sh installs it)" % reason)
    print("SEMVEC-SKIP: %s" % reason, file=sys.stderr, flush=True)
