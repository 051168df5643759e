"""Millrace's fit worker: a Temporal worker on the fit task queue that fits models with fit.py.

Usage: python worker.py   (configured by the environment, like the Node worker)
  TEMPORAL_ADDRESS          host:port of the Temporal server (required)
  TEMPORAL_NAMESPACE        default "default"
  MILLRACE_TASK_QUEUE       the pipeline's queue; this worker polls "<queue>-fit" (default "millrace")
  MILLRACE_FIT_CONCURRENCY  fits run at once by this process (default: the number of cores)

One long-lived process with numpy, pandas, pyarrow, scikit-learn and skl2onnx imported and warmed up
once. Fits run in processes forked from it (nothing is imported again), one fit at a time each; an idle
one is kept for the next fit (a fresh process's first fit is slower: all its memory is new pages) and one
is forked ahead of time, so fits run truly in parallel and a fit can be stopped anywhere, even deep in C code: the worker kills
it when the run is cancelled, when the fit's heartbeat is lost, and when the worker stops; a fit whose
worker is SIGKILLed dies with it (PR_SET_PDEATHSIG on Linux, and a check of its parent everywhere).
A failed or stopped fit's folder is removed. The worker heartbeats every few seconds with the fit's
progress and its process id ({"message", "pid"}), so Temporal notices a dead worker within the step's
heartbeat timeout and retries the fit elsewhere. Start more of these processes, on this machine or
others that see the same data folder, to fit more models at once.

Activity "fitModel": takes the fit spec that workflows/steps/kit/train.ts builds (fit.py's spec plus a
"label" for log lines), writes model.onnx and meta.json into spec["out_dir"] and returns where they
are. Problems with the data or the spec fail the step without a retry (type "StepInputError").
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import signal
import sys
import threading
import time
import traceback
from datetime import timedelta
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# OpenMP (scikit-learn's k-means, LightGBM) deadlocks in a forked child once the parent has started its
# threads: the warm worker itself uses one OpenMP thread (set before any library loads it), and each
# forked fit gets the cores back (_fit_child).
_OMP_THREADS = os.environ.get("OMP_NUM_THREADS")
os.environ["OMP_NUM_THREADS"] = "1"

import fit as fitter  # noqa: E402  (fit.py beside this file)

HEARTBEAT_SECONDS = 2.0


def _log(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def preload() -> float:
    """Imports the fitting libraries and fits and exports one tiny model of each kind, so a process's
    first real fit does not pay for lazy imports and first-call set-up (seconds for a first logistic
    regression; LightGBM's ONNX converter imports onnxmltools)."""
    t0 = time.time()
    import numpy as np
    import pandas as pd
    import pyarrow.parquet  # noqa: F401
    import skl2onnx  # noqa: F401
    from sklearn.compose import ColumnTransformer
    from lightgbm import LGBMClassifier, LGBMRegressor
    from sklearn.cluster import KMeans
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    from median_imputer import MedianImputer

    X = pd.DataFrame({"f0": np.arange(12, dtype=np.float64), "f1": np.array(["a", "b", "c"] * 4, dtype=object)})
    meta = [{"input": "f0", "type": "number"}, {"input": "f1", "type": "string"}]
    for est, task, scale in (
        (RandomForestClassifier(n_estimators=2, random_state=0), "classification", False),
        (RandomForestRegressor(n_estimators=2, random_state=0), "regression", False),
        (LogisticRegression(max_iter=100), "classification", True),
        (LinearRegression(), "regression", True),
        (DecisionTreeClassifier(random_state=0), "classification", False),
        (DecisionTreeRegressor(random_state=0), "regression", False),
        (LGBMClassifier(n_estimators=2, min_child_samples=1, n_jobs=1, verbose=-1), "classification", False),
        (LGBMRegressor(n_estimators=2, min_child_samples=1, n_jobs=1, verbose=-1), "regression", False),
        (KMeans(n_clusters=2, n_init=1, random_state=0), "clustering", True),
    ):
        num = [("impute", MedianImputer(strategy="median"))] + ([("scale", StandardScaler())] if scale else [])
        pre = ColumnTransformer(
            [
                ("num", Pipeline(num), ["f0"]),
                ("txt", Pipeline([("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]), ["f1"]),
            ],
            sparse_threshold=0.0,
        )
        y = (
            np.array([0, 1, 2] * 4, dtype=np.int64)
            if task == "classification"
            else None if task == "clustering" else np.arange(12, dtype=np.float64)
        )
        pipe = Pipeline([("pre", pre), ("model", est)]).fit(X, y)
        fitter.export_onnx(pipe, est, meta, task)
    return time.time() - t0


def _set_parent_death_signal() -> None:
    """Linux: the kernel SIGKILLs this process when the thread that forked it dies, so a fit never
    outlives a worker that was SIGKILLed (elsewhere the child's own parent check below still stops it)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _watch_parent(parent: int) -> None:
    """Everywhere: a side thread ends the fit once its worker is gone (its parent pid changes)."""
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(1.0)


def _restore_openmp_threads() -> None:
    from threadpoolctl import threadpool_limits

    if _OMP_THREADS is None:
        os.environ.pop("OMP_NUM_THREADS", None)
    else:
        os.environ["OMP_NUM_THREADS"] = _OMP_THREADS
    try:
        threads = int(_OMP_THREADS) if _OMP_THREADS else int(default_concurrency())
    except ValueError:
        threads = int(default_concurrency())
    threadpool_limits(limits=max(1, threads), user_api="openmp")


def _keep_freed_memory() -> None:
    """glibc hands every array over 128 KiB back to the kernel when it is freed, so each fit of a process
    that stays for the next fit pays again for fresh zeroed pages (about 5 ms of a 50 ms fit on 80,000 rows).
    Arrays up to 32 MiB come from the heap instead, and up to 128 MiB of freed heap is kept for the next fit;
    bigger ones are mapped and unmapped as before."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
        libc.mallopt(M_MMAP_THRESHOLD, 32 << 20)
        libc.mallopt(M_TRIM_THRESHOLD, 128 << 20)
    except OSError:  # not glibc: the allocator's own defaults
        pass


def _close_inherited_pipes(keep: tuple) -> None:
    """In a fit process: the worker's ends of every fit process's pipes came along with the fork. Closed,
    so each pipe ends when the worker closes it (its own spec pipe included)."""
    for other in list(_children):
        for end in (other._conn, other._specs):
            if end not in keep:
                try:
                    end.close()
                except OSError:
                    pass


def _fit_child(specs: Any, conn: Any, parent: int, parent_ends: tuple = ()) -> None:
    """The body of a fit process, forked from the warm worker ahead of time: it gets ready (parent watch,
    signals, OpenMP threads), then fits one spec after another as the worker hands them over, reporting
    progress and each outcome over the pipe. It stays for the next fit because a fresh process is slow
    for its first fit (its memory is all new pages); it is killed to stop a fit. It leaves with os._exit,
    so nothing of the parent's Temporal client or event loop (copied by fork) runs here."""
    code = 0
    try:
        _set_parent_death_signal()
        if os.getppid() != parent:  # the worker died between fork and prctl
            os._exit(1)
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for end in parent_ends:
            end.close()
        _close_inherited_pipes(keep=(specs, conn))
        _restore_openmp_threads()
        _keep_freed_memory()
        fitter.emit = lambda event, **fields: conn.send(("event", event, fields))
        while True:
            try:
                spec = specs.recv()
            except EOFError:  # the worker no longer needs this process
                break
            try:
                os.makedirs(spec["out_dir"], exist_ok=True)
                spec_path = os.path.join(spec["out_dir"], "spec.json")
                with open(spec_path, "w", encoding="utf-8") as fh:
                    json.dump(spec, fh, ensure_ascii=False, indent=2)
                fitter.fit(fitter.read_spec(spec_path))
                conn.send(("done",))
            except fitter.UserError as e:
                conn.send(("error", "user", str(e), ""))
            except MemoryError:
                conn.send(("error", "memory", "the fitter ran out of memory", ""))
                break  # a fresh process for the next fit
            except Exception as e:  # noqa: BLE001
                conn.send(("error", "internal", f"{type(e).__name__}: {e}", traceback.format_exc()))
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        try:
            conn.close()
        finally:
            os._exit(code)


class _FitProcess:
    """A process forked from this warm worker (multiprocessing's 'fork' context) that runs fits one at a
    time: the fitting libraries are already imported and warmed up, so a fit pays for no start-up, and
    the C code of scikit-learn or LightGBM can be stopped at any moment by killing the process (a new one
    takes its place). Idle ones wait in a pool (see _take_fit_process)."""

    def __init__(self) -> None:
        import gc
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self._conn, child_conn = ctx.Pipe(duplex=False)
        child_specs, self._specs = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_fit_child, args=(child_specs, child_conn, os.getpid(), (self._conn, self._specs)), daemon=True)
        t0 = time.perf_counter()
        # The child never collects the parent's objects (nor touches their pages: cheaper copy-on-write).
        gc.freeze()
        try:
            self.process.start()
        finally:
            gc.unfreeze()
        self.fork_ms = (time.perf_counter() - t0) * 1000
        self.fits = 0
        child_conn.close()
        child_specs.close()
        _children.add(self)

    def start(self, spec: dict) -> None:
        self.fits += 1
        self._specs.send(spec)

    @property
    def pid(self) -> int:
        return self.process.pid or 0

    def alive(self) -> bool:
        return self.process.exitcode is None and not self._conn.closed

    def fileno(self) -> int:
        return self._conn.fileno()

    def messages(self) -> tuple[list[tuple], bool]:
        """What the child sent so far, and whether its end of the pipe is closed (it has ended)."""
        out = []
        try:
            while self._conn.poll():
                out.append(self._conn.recv())
        except (EOFError, OSError):
            return out, True
        return out, False

    def kill(self) -> None:
        if self.process.exitcode is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.join(5)

    def close(self) -> None:
        self.kill()
        self._conn.close()
        self._specs.close()
        _children.discard(self)


_children: set[_FitProcess] = set()
# Fit processes waiting for their next fit, most recently used last.
_idle: list[_FitProcess] = []
# Idle processes kept (the rest are let go): as many as fits may run at once.
_max_idle = 1


def _take_fit_process() -> _FitProcess:
    """An idle fit process (one that has fitted before first: its memory is warm), else a new one; and,
    when none is left idle, another forked ahead of time for the next fit."""
    while _idle:
        child = _idle.pop()
        if child.alive():
            break
        child.close()
    else:
        child = _FitProcess()
    if not _idle:
        asyncio.get_running_loop().call_soon(_fork_spare)
    return child


def _fork_spare() -> None:
    if not _idle:
        _idle.insert(0, _FitProcess())


def _give_back(child: _FitProcess) -> None:
    """A process whose fit ended normally waits for the next one (up to _max_idle of them)."""
    if child.alive() and len(_idle) < _max_idle:
        _idle.append(child)
    else:
        child.close()


def _exit_description(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


async def _fit_model(request: dict) -> dict:
    from temporalio import activity
    from temporalio.exceptions import ApplicationError

    if not isinstance(request, dict) or not isinstance(request.get("out_dir"), str) or not request["out_dir"]:
        raise ApplicationError('the fit request needs an "out_dir"', type="StepInputError", non_retryable=True)
    info = activity.info()
    label = str(request.get("label") or info.workflow_id)
    out_dir = request["out_dir"]
    spec = {k: v for k, v in request.items() if k != "label"}
    started = time.time()
    message = f"attempt {info.attempt}" if info.attempt > 1 else "starting"
    child = _take_fit_process()
    child.start(spec)
    finished = False
    # The pid goes with every heartbeat, so whoever watches the run can see which process fits it.
    details = lambda: {"message": message, "pid": child.pid}  # noqa: E731
    _log(f"[{label}] fitting in process {child.pid} (fit {child.fits} of that process, forked ahead of time in {child.fork_ms:.0f} ms)")
    activity.heartbeat(details())
    last_beat = time.monotonic()
    outcome: tuple | None = None
    # Woken by the child's messages (and by its end) as they come, not by polling.
    loop = asyncio.get_running_loop()
    readable = asyncio.Event()
    loop.add_reader(child.fileno(), readable.set)
    try:
        while outcome is None:
            readable.clear()
            msgs, ended = child.messages()
            for msg in msgs:
                if msg[0] == "event":
                    event, fields = msg[1], msg[2]
                    if event not in ("progress", "warning"):
                        continue
                    text = fields.get("message", "")
                    message = text if event == "progress" else f"warning: {text}"
                    _log(f"[{label}] {message}")
                    activity.heartbeat(details())
                    last_beat = time.monotonic()
                else:
                    outcome = msg
            if outcome is not None:
                finished = True
                break
            if ended:
                # Its end of the pipe closed without an answer: it died.
                loop.remove_reader(child.fileno())
                child.process.join(5)
                code = _exit_description(child.process.exitcode)
                outcome = ("error", "died", f"the fit process stopped without an answer ({code})", "")
                break
            if time.monotonic() - last_beat >= HEARTBEAT_SECONDS:
                activity.heartbeat(details())
                last_beat = time.monotonic()
            try:
                await asyncio.wait_for(readable.wait(), timeout=HEARTBEAT_SECONDS)
            except asyncio.TimeoutError:
                pass
    except asyncio.CancelledError:
        # The run was cancelled, or the heartbeat was lost: the fit stops now, whatever C code it is in.
        loop.remove_reader(child.fileno())
        child.close()
        _log(f"[{label}] cancelled: fit process {child.pid} killed")
        shutil.rmtree(out_dir, ignore_errors=True)
        raise
    finally:
        if not child._conn.closed:
            loop.remove_reader(child.fileno())
        if finished:
            _give_back(child)
        else:
            child.close()
    if outcome[0] != "done":
        shutil.rmtree(out_dir, ignore_errors=True)
        kind, text, trace = outcome[1], outcome[2], outcome[3]
        if kind == "user":
            raise ApplicationError(text, type="StepInputError", non_retryable=True)
        if kind == "memory":
            raise ApplicationError(text, type="FitterOutOfMemory", non_retryable=True)
        _log(f"[{label}] internal error in the fitter: {text}\n{trace}")
        raise ApplicationError(f"internal error in the fitter: {text}", type="FitterError")
    return {
        "outDir": out_dir,
        "onnxPath": os.path.join(out_dir, "model.onnx"),
        "metaPath": os.path.join(out_dir, "meta.json"),
        "attempt": info.attempt,
        "seconds": round(time.time() - started, 3),
    }


def temporal_connect_options() -> dict:
    """TLS and API key for a shared Temporal, from the variables the Node processes read too (server/infra/config.ts)."""
    from temporalio.service import TLSConfig

    def read(name: str) -> bytes | None:
        path = os.environ.get(name)
        if not path:
            return None
        with open(path, "rb") as f:
            return f.read()

    cert, key, ca = read("TEMPORAL_TLS_CERT"), read("TEMPORAL_TLS_KEY"), read("TEMPORAL_TLS_CA")
    server_name = os.environ.get("TEMPORAL_TLS_SERVER_NAME") or None
    api_key = os.environ.get("TEMPORAL_API_KEY") or None
    wanted = os.environ.get("TEMPORAL_TLS")
    if wanted == "off" or not (wanted == "on" or cert or ca or api_key or server_name):
        return {}
    tls: TLSConfig | bool = True
    if cert or ca or server_name:
        tls = TLSConfig(client_cert=cert, client_private_key=key, server_root_ca_cert=ca, domain=server_name)
    return {"tls": tls, **({"api_key": api_key} if api_key else {})}


async def main() -> int:
    from temporalio import activity
    from temporalio.client import Client
    from temporalio.worker import Worker

    address = os.environ.get("TEMPORAL_ADDRESS")
    if not address:
        _log("fit worker: TEMPORAL_ADDRESS is required")
        return 2
    namespace = os.environ.get("TEMPORAL_NAMESPACE") or "default"
    queue = f"{os.environ.get('MILLRACE_TASK_QUEUE') or 'millrace'}-fit"
    try:
        concurrency = int(os.environ.get("MILLRACE_FIT_CONCURRENCY") or default_concurrency())
        if concurrency < 1:
            raise ValueError
    except ValueError:
        _log(f"fit worker: MILLRACE_FIT_CONCURRENCY must be a whole number >= 1, got {os.environ['MILLRACE_FIT_CONCURRENCY']!r}")
        return 2

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stdout)
    global _max_idle
    _max_idle = concurrency
    warm = preload()
    client = await Client.connect(address, namespace=namespace, **temporal_connect_options())
    worker = Worker(
        client,
        task_queue=queue,
        activities=[activity.defn(name="fitModel")(_fit_model)],
        max_concurrent_activities=concurrency,
        # Cancellation reaches a fit with the answer to a heartbeat: send them often enough that a
        # cancelled run stops its fit within a few seconds (the SDK's default waits up to 80% of the
        # heartbeat timeout).
        max_heartbeat_throttle_interval=timedelta(seconds=HEARTBEAT_SECONDS),
        default_heartbeat_throttle_interval=timedelta(seconds=HEARTBEAT_SECONDS),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    _log(f"fit worker: polling {queue} on {address} (libraries loaded in {warm:.1f} s, {concurrency} fit(s) at once)")
    try:
        async with worker:
            await stop.wait()
            # No fit outlives its worker: the ones still running are retried elsewhere.
            for child in list(_children):
                child.close()
    finally:
        _idle.clear()
        for child in list(_children):
            child.close()
    return 0


def default_concurrency() -> str:
    """The cores this process may use (its CPU affinity where the OS says, else the machine's)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return str(max(1, cores))


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
