"""A websocket whose client stops reading is dropped once 1 MiB waits unsent for it.

daphne hands every frame to Twisted, which buffers what the kernel will not take yet, without
limit: a socket that never reads (a stalled phone, a hostile client asking for replay after
replay) would grow the server's memory for as long as the room talks. Twisted tells a
transport's registered producer to pause once more than `bufferSize` bytes wait; this protocol
registers one that drops the connection instead. The client, when it reads again, reconnects
and fetches from the database what it missed (`?after_seq=`), as after any dropped connection.

`install()` (called by community/asgi.py, so it applies wherever daphne serves the app) makes
daphne build this protocol for every websocket.
"""

from __future__ import annotations

import logging

from daphne import ws_protocol
from twisted.internet.interfaces import IPushProducer
from zope.interface import implementer

logger = logging.getLogger(__name__)

WRITE_BUFFER_LIMIT = 1024 * 1024  # bytes waiting unsent for one client


@implementer(IPushProducer)
class _DropWhenFull:
    """Twisted's flow control, answered by closing the connection."""

    def __init__(self, protocol: LimitedWebSocketProtocol) -> None:
        self.protocol = protocol

    def pauseProducing(self) -> None:
        transport = self.protocol.transport
        logger.warning(
            "websocket %s dropped: over %s bytes waited unsent",
            getattr(self.protocol, "client_addr", None),
            WRITE_BUFFER_LIMIT,
        )
        if transport is not None:
            transport.abortConnection()

    def resumeProducing(self) -> None:
        pass

    def stopProducing(self) -> None:
        pass


class LimitedWebSocketProtocol(ws_protocol.WebSocketProtocol):
    def connectionMade(self) -> None:
        super().connectionMade()
        transport = self.transport
        if transport is None or not hasattr(transport, "registerProducer"):
            return
        # The HTTP channel that carried the upgrade is still registered; it has no more use
        # for this connection's flow control.
        if getattr(transport, "producer", None) is not None:
            transport.unregisterProducer()
        transport.bufferSize = WRITE_BUFFER_LIMIT
        transport.registerProducer(_DropWhenFull(self), True)


def install() -> None:
    ws_protocol.WebSocketFactory.protocol = LimitedWebSocketProtocol
