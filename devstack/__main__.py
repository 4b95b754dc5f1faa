"""python -m devstack up|down|demo: `make up` starts the local system and leaves it running, `make down`
stops it, `make demo` runs the demo on a system of its own under var/demo and stops it.

The commands live here, apart from stack.py, so that the stack never imports the demo that runs on it."""

from __future__ import annotations

import argparse
import shutil
import sys

from devstack.stack import REPO, SERVICES, Stack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    parser.add_argument("command", choices=["up", "down", "demo"])
    args = parser.parse_args(argv)
    if args.command == "up":
        stack = Stack(var_dir=REPO / "var")
        stack.up()
        sys.stdout.write(
            "stack is up: "
            + ", ".join(f"{name} {stack.target(name)}" for name in SERVICES)
            + f", kafka {stack.kafka_bootstrap}; logs in var/logs; `make down` stops it\n"
            + "`source .venv/bin/activate` puts propertytax on your PATH\n"
        )
        return 0
    if args.command == "down":
        stopped = Stack(var_dir=REPO / "var").down()
        sys.stdout.write(
            f"services stopped: {', '.join(stopped)}\n" if stopped else "no service was running\n"
        )
        return 0
    # Imported only here: up and down need neither the generated gRPC modules nor the services' code.
    from devstack.demo import run_demo

    demo_dir = REPO / "var" / "demo"
    shutil.rmtree(demo_dir, ignore_errors=True)
    stack = Stack.isolated(demo_dir)
    try:
        stack.up()
        return run_demo(stack)
    finally:
        stack.down()


if __name__ == "__main__":
    raise SystemExit(main())
