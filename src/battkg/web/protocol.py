"""The HTTP parser of `battkg serve`: uvicorn's httptools protocol with a bound on a request head.

uvicorn's h11 parser is pure Python; with httptools (llhttp, in C) a small request costs
about 0.25 ms of CPU less and about 1 ms less of wall time on the project's 2 cores
(bench/serve_bench.py, issue 16). But uvicorn's httptools protocol keeps a request's URL
and headers without any limit, where h11 stops at `h11_max_incomplete_event_size`: this
subclass counts the bytes of each request head and, past `MAX_HEAD_BYTES`, answers a
bare 400 and closes the connection, as uvicorn does with h11 past its limit. The limit
is large enough that a long GET reaches the app, which answers 414 with the fix
(security.py: past 64 KiB). httptools cannot split a URL longer than 65,535 bytes (its
offsets are 16-bit): such a URL is split from its first 65,535 bytes and the app is
given its whole path and query string, so that it still answers 414.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .security import H11_MAX_EVENT_BYTES

#: the most bytes of request line and headers one request may send (what h11 was allowed)
MAX_HEAD_BYTES = H11_MAX_EVENT_BYTES
#: the longest URL httptools.parse_url splits
PARSED_URL_BYTES = 65_535
HEAD_TOO_LARGE = f"Request line and headers are over {MAX_HEAD_BYTES // (1024 * 1024)} MiB."


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reading_head = True
        self._head_bytes = 0

    def data_received(self, data: bytes) -> None:
        if self._reading_head:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self.send_400_response(HEAD_TOO_LARGE)
                return
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._reading_head, self._head_bytes = False, 0
        url: bytes = self.url
        if len(url) <= PARSED_URL_BYTES:
            super().on_headers_complete()
            return
        self.url = url[:PARSED_URL_BYTES]
        super().on_headers_complete()
        path, _, query = url.partition(b"?")
        self.scope["raw_path"] = self.root_path.encode("ascii") + path
        self.scope["query_string"] = query

    def on_message_complete(self) -> None:
        self._reading_head = True  # the next bytes are the next request's head
        super().on_message_complete()
