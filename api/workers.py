"""`guideqa serve --workers N`: N worker processes behind one listening socket.

The parent binds the socket, then uvicorn's supervisor starts the workers with the *spawn*
method (fresh interpreters) and restarts any that dies. Each worker gets the parent's exact
settings, pickled with its `WorkerConfig` (so `--host/--port`, `GUIDEQA_*` and auditing on for
serving all hold there, not only what the environment says), opens the index and loads the
models once, and reports back on a pipe: loaded (with a summary) or failed (with the message).
The parent prints the summary once and "GuideQA is listening" when every worker has loaded; a
worker that cannot start stops the whole server with its message, as one process would.

Nothing here ingests: workers only open the index (`guideqa serve` has never ingested at start-up;
`make run` runs `guideqa ingest` first). What opening may write is done under the data
directory's lock, as an ingest is: a new directory's manifest (so two workers never pick two
index ids) and a stale BM25 index's rebuild. Uploads through different workers are serialised by
the same lock.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from rag.errors import GuideQAError
from rag.settings import Settings

log = logging.getLogger(__name__)

spawn = multiprocessing.get_context("spawn")  # uvicorn starts its workers with spawn too


class WorkerConfig(uvicorn.Config):
    """A uvicorn config that builds GuideQA's app in the worker, from the parent's settings."""

    def __init__(self, settings: Settings, events: Any, **kwargs: Any) -> None:
        # the app is built in `load`; the import string only satisfies uvicorn's checks
        super().__init__("api.main:create_app", factory=True, **kwargs)
        self.guideqa_settings = settings
        # the write end of a pipe, pickled with this config to each worker: small messages, each
        # one write, so workers never interleave (a Queue would leave semaphores to the tracker)
        self.events = events

    def load(self) -> None:
        if self.loaded:
            return
        from api.main import build_answerer, create_app

        settings = self.guideqa_settings
        _thread_lock_for_progress_bars()
        try:
            answerer = build_answerer(settings)
            self.app = create_app(settings, answerer)
        except GuideQAError as exc:
            self.events.send(("failed", os.getpid(), str(exc)))
            sys.exit(STARTUP_FAILURE)  # the supervisor then stops instead of restarting it
        except Exception as exc:  # a bug: say so once, rather than restart a crashing worker forever
            log.exception("worker %s could not start", os.getpid())
            self.events.send(("failed", os.getpid(), f"a worker could not start: {type(exc).__name__}: {exc}"))
            sys.exit(STARTUP_FAILURE)
        self.factory = False
        data = answerer.index.data
        self.events.send(("loaded", os.getpid(),
                         f"{len(data.documents)} documents, {data.chunk_count()} chunks, embedder "
                         f"{answerer.index.embedder.name}, answers: {answerer.default_mode()}."))
        super().load()


def _thread_lock_for_progress_bars() -> None:
    """bm25s searches through a (silent) tqdm bar, and tqdm's first bar makes a multiprocessing
    lock, registered with the resource tracker the workers share with the parent; a worker stopped
    by the supervisor leaves it behind, and the tracker warns of a leaked semaphore at every
    shutdown. A worker's bars need only a thread lock."""
    try:
        from tqdm import tqdm
    except ImportError:  # not installed: nothing makes that lock
        return
    tqdm.set_lock(threading.RLock())


def serve_workers(settings: Settings, notes: list[str], listening: Callable[[str], str],
                  echo: Callable[[str], None]) -> None:
    """Serve with `settings.api.workers` processes until interrupted; raise GuideQAError when a
    worker cannot start."""
    workers = settings.api.workers
    events, writer = spawn.Pipe(duplex=False)
    config = WorkerConfig(settings, writer, host=settings.api.host, port=settings.api.port,
                          workers=workers, log_level="warning", access_log=False,
                          timeout_graceful_shutdown=5)
    echo(f"Loading the index and models in {workers} worker processes ...")
    sock = config.bind_socket()
    supervisor = Multiprocess(config, sockets=[sock])
    failure: list[str] = []
    watcher = threading.Thread(
        target=_watch, args=(events, workers, notes, listening, echo, supervisor, failure),
        name="guideqa-workers", daemon=True)
    watcher.start()
    try:
        supervisor.run()
    finally:
        sock.close()
    watcher.join(timeout=1)
    _drain(events, failure)
    events.close()
    writer.close()
    if failure:
        raise GuideQAError(failure[0])


def _watch(events: Any, workers: int, notes: list[str], listening: Callable[[str], str],
           echo: Callable[[str], None], supervisor: Multiprocess, failure: list[str]) -> None:
    """Print the summary once and announce when all workers have loaded; stop on a failure."""
    loaded: set[int] = set()
    announced = False
    while not supervisor.should_exit.is_set():
        try:
            if not events.poll(0.5):
                continue
            kind, pid, text = events.recv()
        except (EOFError, OSError):
            return
        if kind == "failed":
            failure.append(text)
            supervisor.should_exit.set()
            return
        if not loaded:
            for line in [text, *notes]:
                echo(line)
        loaded.add(pid)
        if announced:
            log.warning("worker %s restarted and loaded", pid)
        elif len(loaded) >= workers:
            announced = True
            echo(listening(f"{workers} worker processes, pids {', '.join(map(str, sorted(loaded)))}"))


def _drain(events: Any, failure: list[str]) -> None:
    """A failure reported while the supervisor was already stopping."""
    while not failure:
        try:
            if not events.poll(0.2):
                return
            kind, _pid, text = events.recv()
        except (EOFError, OSError):
            return
        if kind == "failed":
            failure.append(text)
