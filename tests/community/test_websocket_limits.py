"""community/websocket_limits.py: daphne builds websockets that are dropped, not buffered
without end, when their client stops reading. (tests/faults/test_slow_reader.py shows it with
a real daphne and a socket that never reads.)"""

from __future__ import annotations

from daphne import ws_protocol

import community.asgi  # noqa: F401  (installs the protocol, as daphne's import of it does)
from community.websocket_limits import (
    WRITE_BUFFER_LIMIT,
    LimitedWebSocketProtocol,
    _DropWhenFull,
)


class FakeTransport:
    """What the protocol uses of a Twisted TCP transport."""

    def __init__(self, producer=None) -> None:
        self.producer = producer
        self.streaming = None
        self.bufferSize = 2**16
        self.aborted = False

    def registerProducer(self, producer, streaming) -> None:
        if self.producer is not None:
            raise RuntimeError("a producer is already registered")
        self.producer, self.streaming = producer, streaming

    def unregisterProducer(self) -> None:
        self.producer = None

    def abortConnection(self) -> None:
        self.aborted = True


def test_daphne_builds_the_limited_protocol_for_every_websocket():
    assert ws_protocol.WebSocketFactory.protocol is LimitedWebSocketProtocol


def test_the_transport_pauses_at_one_mebibyte_and_a_pause_drops_the_connection(monkeypatch):
    monkeypatch.setattr(ws_protocol.WebSocketProtocol, "connectionMade", lambda self: None)
    protocol = LimitedWebSocketProtocol()
    protocol.transport = FakeTransport(producer=object())  # the HTTP channel of the upgrade

    protocol.connectionMade()

    transport = protocol.transport
    assert isinstance(transport.producer, _DropWhenFull) and transport.streaming is True
    assert transport.bufferSize == WRITE_BUFFER_LIMIT == 1024 * 1024
    transport.producer.resumeProducing()
    assert not transport.aborted
    transport.producer.pauseProducing()  # Twisted: more than bufferSize waits unsent
    assert transport.aborted
