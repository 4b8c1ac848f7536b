"""uvicorn, told to end the live streams as soon as it starts shutting down.

On a shutdown uvicorn stops accepting, waits for every open response to finish, and only
then tells the app to stop (the lifespan's shutdown, which stops the stream hub). A live
stream never finishes by itself, so without this a restart would wait out uvicorn's grace
period, or forever without one. Ending the streams first lets each browser's EventSource
reconnect, to another process or to this one once it is back.
"""

from __future__ import annotations

import socket

import uvicorn
from fastapi import FastAPI

from tickerwire.web.stream_hub import StreamHub


class PortalServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self.app = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        hub: StreamHub | None = getattr(self.app.state, "stream_hub", None)
        if hub is not None:
            await hub.close()
        await super().shutdown(sockets)
