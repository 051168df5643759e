"""Millrace's fit worker: a Temporal worker on the fit task queue that fits models with fit.py.

Usage: python worker.py   (configured by the environment, like the Node worker)
  TEMPORAL_ADDRESS          host:port of the Temporal server (required)
  TEMPORAL_NAMESPACE        default "default"
  MILLRACE_TASK_QUEUE       the pipeline's queue; this worker polls "<queue>-fit" (default "millrace")
  MILLRACE_FIT_CONCURRENCY  fits run at once by this process (default 1)

One long-lived process with numpy, pandas, pyarrow, scikit-learn and skl2onnx imported once: a fit
pays none of Python's start-up. A fit runs in a thread of this process; it heartbeats while it runs,
so Temporal notices a dead worker within the step's heartbeat timeout and retries the fit elsewhere,
and a cancelled run stops it (the SDK raises CancelledError in the fit's thread). Start more of these
processes, on this machine or others that see the same data folder, to fit more models at once.

Activity "fitModel": takes the fit spec that workflows/steps/kit/train.ts builds (fit.py's spec plus a
"label" for log lines), writes model.onnx and meta.json into spec["out_dir"] and returns where they
are. Problems with the data or the spec fail the step without a retry (type "StepInputError").
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
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
from typing import Any, Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fit as fitter  # noqa: E402  (fit.py beside this file)

HEARTBEAT_SECONDS = 2.0

# fit.py reports progress through its module-level emit(); inside the worker each fit's thread routes
# it to that fit's heartbeat and log line instead of stdout.
_sink: contextvars.ContextVar[Callable[[str, dict], None] | None] = contextvars.ContextVar("millrace_fit_sink", default=None)
_stdout_emit = fitter.emit


def _emit(event: str, **fields: Any) -> None:
    sink = _sink.get()
    if sink is None:
        _stdout_emit(event, **fields)
    else:
        sink(event, fields)


fitter.emit = _emit


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


class _Heartbeat:
    """Heartbeats the last progress message every few seconds from a side thread while a fit runs in
    C code for minutes (a forest's fit says nothing until it is done)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.message = "starting"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=contextvars.copy_context().run, args=(self._run,), daemon=True)

    def __enter__(self) -> "_Heartbeat":
        from temporalio import activity

        activity.heartbeat(self.message)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        from temporalio import activity

        while not self._stop.wait(HEARTBEAT_SECONDS):
            activity.heartbeat(self.message)

    def report(self, event: str, fields: dict) -> None:
        from temporalio import activity

        if event not in ("progress", "warning"):
            return
        message = fields.get("message", "") if event == "progress" else f"warning: {fields.get('message', '')}"
        self.message = message
        _log(f"[{self.label}] {message}")
        activity.heartbeat(message)


def _fit_model(request: dict) -> dict:
    from temporalio import activity
    from temporalio.exceptions import ApplicationError, CancelledError

    if not isinstance(request, dict) or not isinstance(request.get("out_dir"), str) or not request["out_dir"]:
        raise ApplicationError('the fit request needs an "out_dir"', type="StepInputError", non_retryable=True)
    info = activity.info()
    label = str(request.get("label") or info.workflow_id)
    out_dir = request["out_dir"]
    spec = {k: v for k, v in request.items() if k != "label"}
    started = time.time()
    with _Heartbeat(label) as beat:
        token = _sink.set(beat.report)
        try:
            if info.attempt > 1:
                beat.report("progress", {"message": f"attempt {info.attempt}"})
            os.makedirs(out_dir, exist_ok=True)
            spec_path = os.path.join(out_dir, "spec.json")
            with open(spec_path, "w", encoding="utf-8") as fh:
                json.dump(spec, fh, ensure_ascii=False, indent=2)
            fitter.fit(fitter.read_spec(spec_path))
        except fitter.UserError as e:
            shutil.rmtree(out_dir, ignore_errors=True)
            raise ApplicationError(str(e), type="StepInputError", non_retryable=True) from None
        except MemoryError:
            shutil.rmtree(out_dir, ignore_errors=True)
            raise ApplicationError("the fitter ran out of memory", type="FitterOutOfMemory", non_retryable=True) from None
        except CancelledError:
            _log(f"[{label}] cancelled")
            shutil.rmtree(out_dir, ignore_errors=True)
            raise
        except Exception as e:  # noqa: BLE001
            _log(f"[{label}] internal error in the fitter:\n{traceback.format_exc()}")
            shutil.rmtree(out_dir, ignore_errors=True)
            raise ApplicationError(f"internal error in the fitter: {type(e).__name__}: {e}", type="FitterError") from None
        finally:
            _sink.reset(token)
    return {
        "outDir": out_dir,
        "onnxPath": os.path.join(out_dir, "model.onnx"),
        "metaPath": os.path.join(out_dir, "meta.json"),
        "attempt": info.attempt,
        "seconds": round(time.time() - started, 3),
    }


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
        concurrency = int(os.environ.get("MILLRACE_FIT_CONCURRENCY") or "1")
        if concurrency < 1:
            raise ValueError
    except ValueError:
        _log(f"fit worker: MILLRACE_FIT_CONCURRENCY must be a whole number >= 1, got {os.environ['MILLRACE_FIT_CONCURRENCY']!r}")
        return 2

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stdout)
    warm = preload()
    client = await Client.connect(address, namespace=namespace)
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="fit")
    worker = Worker(
        client,
        task_queue=queue,
        activities=[activity.defn(name="fitModel")(_fit_model)],
        activity_executor=executor,
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
    async with worker:
        await stop.wait()
    executor.shutdown(wait=False, cancel_futures=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
