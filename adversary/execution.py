"""Where evaluations run: in-process, in local worker processes, or on a Dask cluster.

Every executor maps a function over a batch and returns the results *in input order*, so a
search's outcome never depends on which worker finished first.
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Sequence


class SerialExecutor:
    workers = 1
    kind = "serial"

    def map(self, fn: Callable, items: Sequence, *args: Any) -> list:
        return [fn(x, *args) for x in items]

    def close(self) -> None:
        pass


class LocalExecutor:
    """A pool of ``workers`` processes (forkserver start: safe beside the progress thread)."""

    kind = "processes"

    def __init__(self, workers: int):
        self.workers = workers
        ctx = multiprocessing.get_context("forkserver")
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)

    def map(self, fn: Callable, items: Sequence, *args: Any) -> list:
        futs = [self._pool.submit(fn, x, *args) for x in items]
        return [f.result() for f in futs]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """Evaluations as Dask tasks on the cluster behind ``address`` (or a given ``Client``)."""

    kind = "dask"

    def __init__(self, address_or_client: Any):
        from dask.distributed import Client
        if isinstance(address_or_client, Client):
            self._client, self._own = address_or_client, False
        else:
            self._client, self._own = Client(address_or_client), True
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))

    def map(self, fn: Callable, items: Sequence, *args: Any) -> list:
        futs = [self._client.submit(fn, x, *args, pure=False) for x in items]
        return self._client.gather(futs)

    def close(self) -> None:
        if self._own:
            self._client.close()


def make_executor(workers: int = 1, scheduler: Any = None):
    """Dask when ``scheduler`` (address or Client) is given, else processes when
    ``workers > 1``, else in-process."""
    if scheduler is not None:
        return DaskExecutor(scheduler)
    if workers > 1:
        return LocalExecutor(workers)
    return SerialExecutor()
