"""The Dask engine: evaluate the random streams of an analysis on a ``distributed`` cluster.

An analysis is split into blocks of runs that need nothing but the prepared model and their
range: the runs of an uncertainty analysis are drawn from their own seeded stream
(:func:`~indexlib.uncertainty.runs.unit_draws`), the runs of a Sobol' design are rows of a fixed
design. The model — panel, methodology and every precomputed variant — is sent to each worker
once (``Client.scatter(..., broadcast=True)``); a task returns the block's mergeable statistics,
and the client merges them exactly, in run order, as they arrive. At most a few tasks per worker
are outstanding at a time, so the client's memory holds a few blocks whatever the number of runs.

Requires the optional extra: ``pip install "indexlib[dask]"``.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from indicators.errors import IndexlibError

__all__ = ["DaskUnavailableError", "ENGINES", "evaluate_blocks", "map_blocks", "dask_client"]

#: The engines of ``engine=``: this process, or a Dask cluster.
ENGINES = ("local", "dask")

#: Outstanding tasks per worker: enough to keep every worker busy while the client merges.
TASKS_PER_WORKER = 2


class DaskUnavailableError(IndexlibError, ImportError):
    """``engine="dask"`` was requested but ``distributed`` is not installed."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise DaskUnavailableError('the Dask engine needs the optional extra: pip install "indexlib[dask]"') from None
    return distributed


@contextlib.contextmanager
def dask_client(scheduler: Any = None) -> Iterator[Any]:
    """A ``distributed.Client``: ``scheduler`` itself if it is one, else connected to the address
    ``scheduler``, else to a new ``LocalCluster`` (closed on exit)."""
    distributed = _distributed()
    if isinstance(scheduler, distributed.Client):
        yield scheduler
        return
    if scheduler is not None and not isinstance(scheduler, str):
        raise IndexlibError(f"scheduler must be an address such as 'tcp://host:8786' or a distributed.Client; "
                            f"got {type(scheduler).__name__}")
    try:
        client = (distributed.Client(scheduler) if scheduler is not None
                  else distributed.Client(distributed.LocalCluster(dashboard_address=None)))
    except OSError as exc:
        raise IndexlibError(f"cannot reach the Dask scheduler {scheduler!r}: {exc}") from None
    try:
        yield client
    finally:
        cluster = client.cluster if scheduler is None else None
        client.close()
        if cluster is not None:
            cluster.close()


def evaluate_blocks(function: Callable[..., Any], model: Any, ranges: list[tuple[int, int]], options: dict[str, Any],
                    *, engine: str = "local", scheduler: Any = None, scatter: dict[str, Any] | None = None
                    ) -> Iterator[Any]:
    """Yield ``function(model, start, stop, **options, **scatter)`` for every range, in order, on the
    ``engine`` (``"local"``: in this process; ``"dask"``: :func:`map_blocks`)."""
    if engine == "local":
        return (function(model, lo, hi, **options, **(scatter or {})) for lo, hi in ranges)
    if engine == "dask":
        return map_blocks(function, model, ranges, options, scheduler=scheduler, scatter=scatter)
    from indicators.errors import SpecificationError

    raise SpecificationError(f"unknown engine {engine!r}; engines: {', '.join(map(repr, ENGINES))}")


def map_blocks(function: Callable[..., Any], model: Any, ranges: list[tuple[int, int]], options: dict[str, Any],
               *, scheduler: Any = None, scatter: dict[str, Any] | None = None) -> Iterator[Any]:
    """Yield ``function(model, start, stop, **options, **scatter)`` for every range, in the order of
    ``ranges``, computed on a Dask cluster (see the module docstring). ``model`` and the values of
    ``scatter`` are sent to every worker once."""
    with dask_client(scheduler) as client:
        shared = client.scatter(model, broadcast=True, hash=False)
        options = {**options, **{k: client.scatter(v, broadcast=True, hash=False) for k, v in (scatter or {}).items()}}
        window = max(1, TASKS_PER_WORKER * max(len(client.scheduler_info().get("workers", {})), 1))
        pending: deque[Any] = deque()
        todo = iter(ranges)
        for start, stop in todo:
            pending.append(client.submit(function, shared, start, stop, pure=False, **options))
            if len(pending) >= window:
                break
        while pending:
            future = pending.popleft()
            result = future.result()
            future.release()
            for start, stop in todo:
                pending.append(client.submit(function, shared, start, stop, pure=False, **options))
                break
            yield result
