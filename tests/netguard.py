"""A socket guard: every attempt to reach a non-local address is recorded and refused.

mtrepair promises to work offline (README, "Guarantees"). This module is the
proof: :func:`install` patches the ``socket`` module so that connecting,
sending a datagram or resolving a name anywhere but this machine raises
:class:`NetworkBlocked` (a ``RuntimeError``, so an ``except OSError`` offline
fallback cannot swallow it) and appends one JSON line per attempt to a log file.
Unix sockets and loopback stay open: multiprocessing pools and the Dask
LocalCluster of ``tests/test_scale.py`` talk over them.

It has no dependencies outside the standard library, because ``tests/conftest.py``
also copies it next to a ``sitecustomize.py`` on ``PYTHONPATH``, so that every
Python subprocess the suite starts (the ``mtrepair`` CLI, pool workers, Dask
workers) installs the same guard before running any code of its own.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import traceback
from collections.abc import Callable
from typing import Any

LOG_ENV = "MTREPAIR_NETGUARD_LOG"
MODULE_NAME = "_mtrepair_netguard"  # the name of this file's copy on a subprocess's PYTHONPATH

_INET = (socket.AF_INET, socket.AF_INET6)
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
_originals: dict[str, Any] = {}
attempts: list[dict[str, Any]] = []  # this process's attempts, newest last


class NetworkBlocked(RuntimeError):
    """Raised instead of reaching the network."""


def is_local_host(host: object) -> bool:
    """True for loopback and wildcard addresses and the names that mean this machine."""
    if host is None:
        return True  # getaddrinfo(None, port): the local wildcard or loopback address
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip().strip("[]").split("%", 1)[0].rstrip(".").lower()
    if name in ("", *_LOCAL_NAMES) or name.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return False  # a name to resolve: DNS is the network
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_unspecified


def _address_is_local(family: int, address: object) -> bool:
    if family not in _INET:
        return True  # AF_UNIX, AF_NETLINK, socketpair(): never leave the machine
    host = address[0] if isinstance(address, tuple) and address else address
    return is_local_host(host)


def _record(what: str, target: object) -> NetworkBlocked:
    stack = "".join(traceback.format_stack(limit=12)[:-2])
    attempt = {"pid": os.getpid(), "call": what, "target": repr(target), "stack": stack}
    attempts.append(attempt)
    log = os.environ.get(LOG_ENV)
    if log:
        # One short write in append mode: lines from several processes do not interleave.
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(attempt) + "\n")
    return NetworkBlocked(f"network access blocked by the test suite: {what}({target!r})")


def _guard_method(name: str, address_at: int) -> Callable[..., Any]:
    original = getattr(socket.socket, name)

    def guarded(self: socket.socket, *args: Any) -> Any:
        address = args[address_at] if len(args) > address_at else None
        if address is not None and not _address_is_local(self.family, address):
            raise _record(f"socket.{name}", address)
        return original(self, *args)

    guarded.__name__ = name
    guarded.__wrapped__ = original  # type: ignore[attr-defined]
    return guarded


def _guard_resolver(name: str) -> Callable[..., Any]:
    original = getattr(socket, name)

    def guarded(host: object, *args: Any, **kwargs: Any) -> Any:
        if not is_local_host(host):
            raise _record(f"socket.{name}", host)
        return original(host, *args, **kwargs)

    guarded.__name__ = name
    guarded.__wrapped__ = original  # type: ignore[attr-defined]
    return guarded


# socket.sendto(data, address) or sendto(data, flags, address): the address is last;
# sendmsg(buffers, ancdata, flags, address): the fourth argument.
_METHODS = {"connect": 0, "connect_ex": 0, "sendmsg": 3}
_RESOLVERS = ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr")


def _sendto(self: socket.socket, data: Any, *rest: Any) -> Any:
    address = rest[-1] if rest else None
    if address is not None and not _address_is_local(self.family, address):
        raise _record("socket.sendto", address)
    return _originals["sendto"](self, data, *rest)


def installed() -> bool:
    return bool(_originals)


def install() -> None:
    """Patch the socket module (idempotent). ``socket.create_connection`` and
    everything built on it (urllib, requests, huggingface_hub, asyncio) go through
    ``getaddrinfo`` and ``socket.connect`` and are covered by them."""
    if _originals:
        return
    for name, at in _METHODS.items():
        _originals[name] = getattr(socket.socket, name)
        setattr(socket.socket, name, _guard_method(name, at))
    _originals["sendto"] = socket.socket.sendto
    socket.socket.sendto = _sendto  # type: ignore[method-assign]
    for name in _RESOLVERS:
        _originals[name] = getattr(socket, name)
        setattr(socket, name, _guard_resolver(name))


def uninstall() -> None:
    """Undo :func:`install`."""
    for name, original in _originals.items():
        setattr(socket if name in _RESOLVERS else socket.socket, name, original)
    _originals.clear()
