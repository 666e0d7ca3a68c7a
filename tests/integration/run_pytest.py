"""Runs the boto3 suite with a given Python interpreter, or skips (exit 77) when it cannot.

    run_pytest.py --python INTERPRETER [--min-boto3 1.34] [--max-boto3 1.34.90] -- PYTEST_ARGS...

Skips when the interpreter is missing, has no boto3, or its boto3 is outside the range. pytest
may come from the interpreter itself or, for an interpreter of the same Python minor version as
the system one, from the system's pytest (the packages are pure Python); when neither exists the
run is skipped. Meant to be wrapped by sluice_server.py, which supplies SLUICE_ENDPOINT.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
SYSTEM_PYTHON = "/usr/bin/python3"
# pytest and what it imports, as the system's python3-pytest package lays them out.
PYTEST_PARTS = ["pytest", "_pytest", "pluggy", "iniconfig", "packaging", "attr", "attrs", "py.py", "py",
                "exceptiongroup", "tomli"]


def probe(python, code):
    try:
        out = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def version_tuple(text):
    parts = []
    for p in text.split(".")[:3]:
        digits = "".join(ch for ch in p if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def system_pytest_dir(python, workdir):
    """A directory holding links to the system's pytest packages, or None when unusable."""
    mine = probe(python, "import sys; print('%d.%d' % sys.version_info[:2])")
    system = probe(SYSTEM_PYTHON, "import sys, os, pytest; print('%d.%d' % sys.version_info[:2]); "
                                  "print(os.path.dirname(os.path.dirname(pytest.__file__)))")
    if not mine or not system:
        return None
    system_version, site = system.splitlines()
    if system_version != mine:
        return None
    shim = os.path.join(workdir, "pytest-shim")
    os.makedirs(shim, exist_ok=True)
    for name in PYTEST_PARTS:
        src = os.path.join(site, name)
        if os.path.exists(src):
            os.symlink(src, os.path.join(shim, name))
    for entry in os.listdir(site):  # distribution metadata, for version lookups
        if entry.split("-")[0] in ("pytest", "pluggy", "iniconfig", "packaging", "attrs") and \
                entry.endswith((".dist-info", ".egg-info")):
            os.symlink(os.path.join(site, entry), os.path.join(shim, entry))
    return shim


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", required=True)
    parser.add_argument("--min-boto3", default="0")
    parser.add_argument("--max-boto3", default=None, help="exclusive upper bound")
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER)
    opts = parser.parse_args()
    args = opts.pytest_args[1:] if opts.pytest_args[:1] == ["--"] else opts.pytest_args

    python = shutil.which(opts.python) or (opts.python if os.path.exists(opts.python) else None)
    if python is None:
        print("SKIP: interpreter %s not found" % opts.python)
        return SKIP
    version = probe(python, "import boto3; print(boto3.__version__)")
    if version is None:
        print("SKIP: %s has no boto3" % python)
        return SKIP
    if version_tuple(version) < version_tuple(opts.min_boto3) or \
            (opts.max_boto3 and version_tuple(version) >= version_tuple(opts.max_boto3)):
        print("SKIP: %s has boto3 %s, outside [%s, %s)" % (python, version, opts.min_boto3, opts.max_boto3 or "-"))
        return SKIP

    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="sluice-pytest-") as workdir:
        if probe(python, "import pytest") is None:
            shim = system_pytest_dir(python, workdir)
            if shim is None:
                print("SKIP: %s has no pytest, and the system's cannot be borrowed" % python)
                return SKIP
            env["PYTHONPATH"] = shim + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
            print("using the system's pytest with %s" % python)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        cmd = [python, "-m", "pytest", "-p", "no:cacheprovider", "-rfEs", "--color=no"] + args
        print(" ".join(cmd), flush=True)
        return subprocess.call(cmd, env=env)


if __name__ == "__main__":
    sys.exit(main())
