"""`battkg serve`'s HTTP parser (web/protocol.py): httptools, with h11's bound on a request head.

Against a real server under the memory cap of tests/live_server.py: a request head past
the bound is refused (400) and its connection closed, without the server holding it; the
bound counts each request of a keep-alive connection afresh; a long URL under the bound
still reaches the app, which answers 414.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from battkg.kg import KnowledgeGraph
from battkg.web.protocol import MAX_HEAD_BYTES
from tests.live_server import LiveServer, MemoryWatch

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def server(curated_kg: KnowledgeGraph) -> Iterator[LiveServer]:
    with LiveServer(curated_kg.settings.store) as live:
        yield live


def _reply(conn: socket.socket) -> bytes:
    """What the server sends until it closes the connection (or 30 s pass)."""
    reply = b""
    while chunk := conn.recv(65536):
        reply += chunk
    return reply


def test_a_request_head_past_the_bound_is_refused_and_not_kept(server: LiveServer) -> None:
    with (
        MemoryWatch(server) as memory,
        socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn,
    ):
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Flood: ")
        sent = 0
        try:
            while sent < 4 * MAX_HEAD_BYTES:  # a header that never ends
                conn.sendall(b"a" * 65536)
                sent += 65536
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused and closed while we were still sending
        reply = _reply(conn)
    assert reply.startswith(b"HTTP/1.1 400"), reply[:200]
    assert b"over 4 MiB" in reply
    assert memory.extra < 64 * 1024**2, f"the server held {memory.extra / 1024**2:.0f} MiB"
    assert httpx.get(server.url + "/health").status_code == 200 and server.alive()


def test_each_request_of_a_connection_has_the_whole_bound(server: LiveServer) -> None:
    """Requests whose heads add up past the bound on one keep-alive connection are served."""
    header = b"X-Note: " + b"n" * (MAX_HEAD_BYTES // 3) + b"\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
        for _ in range(4):
            conn.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + header + b"\r\n")
            reply = b""
            while b"\r\n\r\n" not in reply or not reply.endswith(b"}"):
                chunk = conn.recv(65536)
                assert chunk, reply[:200]
                reply += chunk
            assert reply.startswith(b"HTTP/1.1 200"), reply[:200]


def test_a_long_url_under_the_bound_reaches_the_app_and_gets_414(server: LiveServer) -> None:
    target = "/sparql?query=ASK%20%7B%7D%23" + "x" * (MAX_HEAD_BYTES // 2)
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
        conn.sendall(
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        reply = _reply(conn)
    assert reply.startswith(b"HTTP/1.1 414"), reply[:200]
    assert b"uri_too_long" in reply
