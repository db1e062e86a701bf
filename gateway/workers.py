"""N worker processes on one port, connections dealt round robin (as Node's cluster module deals them).

uvicorn's ``--workers`` shares one listening socket and each worker accepts what it can, so the worker
that happens to be awake takes the connection. With keep-alive clients (the router's pool, the
benchmark's clients) that put all ten connections of a 10-client run on one worker of two in two trials
of three (counted with ``ss``), and 9/1 in the third: one core queued while the other idled.
``SO_REUSEPORT`` spreads by a hash of the addresses: 8/2, 7/3, 7/3, 6/4, 5/5 in five trials.

Here the parent process accepts and hands each connection to the next worker over a Unix socket
(``SCM_RIGHTS``); a worker serves what it is handed with uvicorn's protocol and app, exactly as it
would serve a connection it accepted itself. The parent does nothing else: a worker that dies ends the
whole server (an orchestrator restarts it), and SIGTERM/SIGINT stop the workers gracefully.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import signal
import socket
import sys
from types import FrameType
from typing import Any, Final

import uvicorn

logger = logging.getLogger("gateway.workers")
LIVENESS_CHECK_S: Final = 1.0  # how often the parent, between connections, looks for a dead worker
STOP_TIMEOUT_S: Final = 30.0


class _Stop(Exception):
    """Raised in the parent by SIGTERM/SIGINT to leave its accept loop."""


def _stop(signum: int, _frame: FrameType | None) -> None:
    raise _Stop(signal.Signals(signum).name)


def serve(app: str, *, host: str, port: int, workers: int, **options: Any) -> None:
    """Serve ``app`` (an import string; ``options`` go to ``uvicorn.Config``) from ``workers`` processes.
    Returns when stopped by a signal; exits with status 1 when a worker dies."""
    listener = socket.create_server((host, port), backlog=2048)
    context = multiprocessing.get_context("spawn")
    channels: list[socket.socket] = []
    processes: list[multiprocessing.process.BaseProcess] = []
    for _ in range(workers):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        worker = context.Process(target=_work, args=(theirs, app, options), daemon=False)
        worker.start()
        theirs.close()
        channels.append(ours)
        processes.append(worker)
    logger.info("serving on http://%s:%d with %d workers", host, port, workers)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    listener.settimeout(LIVENESS_CHECK_S)
    failed = False
    try:
        turn = 0
        while not failed:
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                failed = not all(p.is_alive() for p in processes)
                continue
            with connection:
                try:
                    socket.send_fds(channels[turn], [b"c"], [connection.fileno()])
                except OSError:  # the worker's end is gone: it died
                    failed = True
            turn = (turn + 1) % workers
    except _Stop as stop:
        logger.info("stopping %d workers (%s)", workers, stop)
    finally:
        listener.close()
        for channel in channels:
            channel.close()  # a worker reading its channel's end stops too
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        for process in processes:
            process.join(STOP_TIMEOUT_S)
            if process.is_alive():
                process.kill()
                process.join()
    if failed:
        logger.error("a worker died; stopping the others")
        sys.exit(1)


def _work(channel: socket.socket, app: str, options: dict[str, Any]) -> None:
    _HandedConnections(uvicorn.Config(app, **options), channel).run()


class _HandedConnections(uvicorn.Server):
    """A uvicorn server without a listening socket of its own: it serves the connections handed to it
    over ``channel``, with the protocol and app state uvicorn would have used for its own."""

    def __init__(self, config: uvicorn.Config, channel: socket.socket) -> None:
        super().__init__(config)
        self.channel = channel
        self.handed: set[asyncio.Task[Any]] = set()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])  # no listener: lifespan, app and state as usual
        loop = asyncio.get_running_loop()
        protocol = functools.partial(
            self.config.http_protocol_class,  # type: ignore[call-arg]
            config=self.config,
            server_state=self.server_state,
            app_state=self.lifespan.state,
        )
        self.channel.setblocking(False)
        loop.add_reader(self.channel.fileno(), self._take, loop, protocol)

    def _take(self, loop: asyncio.AbstractEventLoop, protocol: Any) -> None:
        while True:
            try:
                message, fds, _, _ = socket.recv_fds(self.channel, 1, 1)
            except BlockingIOError:
                return
            if not message:  # the parent closed its end: it is stopping (or gone)
                loop.remove_reader(self.channel.fileno())
                self.should_exit = True
                return
            for fd in fds:
                task = loop.create_task(loop.connect_accepted_socket(protocol, socket.socket(fileno=fd)))
                self.handed.add(task)
                task.add_done_callback(self.handed.discard)
