"""Free local ports for throwaway brokers, databases and services that never meet an outgoing connection.

A port the kernel hands out for `bind(0)` lies in the ephemeral range, which the kernel also hands to
outgoing connections: between choosing such a port and the server binding it, a client socket may take it
(a broker then fails with "Address already in use"; Kafka's controller port, the next one up, is never
reserved at all). Ports are therefore chosen below the ephemeral range, at random, and checked free.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

_LOWEST = 20000
_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def _ephemeral_start() -> int:
    try:
        return int(_RANGE_FILE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int = 1) -> int:
    """The first of `count` consecutive ports on 127.0.0.1 that are free now and outside the ephemeral
    range. Raises RuntimeError when none is found after many tries."""
    highest = max(_LOWEST + 1000, _ephemeral_start()) - count
    for _ in range(1000):
        first = random.randrange(_LOWEST, highest)
        if all(_bindable(port) for port in range(first, first + count)):
            return first
    raise RuntimeError(f"no {count} free consecutive ports between {_LOWEST} and {highest + count}")
