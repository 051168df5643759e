"""Millrace model fitter: Parquet table + JSON spec -> sklearn pipeline -> model.onnx + meta.json.

Usage: python fit.py SPEC_JSON_PATH

Spec:
  {"table": "/abs/train.parquet", "out_dir": "/abs/dir",
   "algorithm": "random_forest" | "linear_regression" | "logistic_regression" | "decision_tree"
              | "gradient_boosting" | "kmeans" | "tune",
   "task": "auto" | "classification" | "regression" | "clustering",
   "target": "<column>" (not for kmeans),
   "features": ["col", ...] | null, "params": {...}, "check_rows": 0}

Protocol: one JSON object per stdout line.
  {"event": "progress", "message": "..."}
  {"event": "warning", "message": "..."}
  {"event": "done", "meta": {...}}
  {"event": "error", "message": "..."}   (exit 2 for problems with the spec or data,
                                           exit 1 with "internal": true for bugs)

ONNX model contract (read by server/models/scorer.ts):
  * one input per feature, named f0, f1, ... (meta.features maps names -> inputs; a text feature
    lists its known "categories" when it has at most MAX_RECORDED_CATEGORIES of them);
    number features: float32 [N, 1], missing = NaN;
    string features: string [N, 1], missing = "" (empty string), imputed inside the graph.
    Booleans in string features are "true"/"false"; numbers are their JS String() form.
  * classification: output "label" int64 [N] = index into meta.classes,
    output "probabilities" float32 [N, len(classes)] in meta.classes order.
  * regression: output "variable" float32 [N, 1].
  * clustering: output "label" int64 [N] = cluster number (0 .. meta.clusters - 1).

"tune" searches one algorithm's hyperparameters (params.algorithm) by k-fold cross-validation and
refits the best candidate on every row; meta.algorithm is then that algorithm and meta.tuning lists
every trial.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
import traceback
import warnings
from typing import Any

MISSING_TEXT = ""  # what a missing value of a string feature is fed as (Node side and graph agree)
TEXT_FILL = "__missing__"  # the category a missing text value is imputed to inside the graph
MAX_CLASSES_FOR_AUTO = 20
MAX_RECORDED_CATEGORIES = 1000  # a text feature's known categories go into the metadata up to this many
TARGET_OPSET = {"": 18, "ai.onnx.ml": 3}


class UserError(Exception):
    """A problem with the spec or the data: reported as a clean message, exit code 2."""


def emit(event: str, **fields: Any) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}, allow_nan=False, default=str) + "\n")
    sys.stdout.flush()


def progress(message: str) -> None:
    emit("progress", message=message)


def warn(message: str) -> None:
    emit("warning", message=message)


# ---------------------------------------------------------------- spec / params


def read_spec(path: str) -> dict:
    try:
        with open(path, "r", encoding="utf-8") as fh:
            spec = json.load(fh)
    except FileNotFoundError:
        raise UserError(f"spec file not found: {path}")
    except json.JSONDecodeError as e:
        raise UserError(f"spec file is not valid JSON: {e}")
    if not isinstance(spec, dict):
        raise UserError("spec must be a JSON object")
    for key in ("table", "out_dir", "algorithm"):
        if not isinstance(spec.get(key), str) or not spec[key]:
            raise UserError(f'spec field "{key}" is required and must be a non-empty string')
    if spec["algorithm"] not in KNOWN_PARAMS:
        raise UserError(f'unknown algorithm "{spec["algorithm"]}" (expected {", ".join(KNOWN_PARAMS)})')
    if spec["algorithm"] == "kmeans":
        spec["target"] = None
    elif not isinstance(spec.get("target"), str) or not spec["target"]:
        raise UserError('spec field "target" is required and must be a non-empty string')
    spec.setdefault("task", "auto")
    if spec["task"] not in ("auto", "classification", "regression", "clustering"):
        raise UserError(f'unknown task "{spec["task"]}" (expected auto, classification, regression or clustering)')
    feats = spec.get("features")
    if feats is not None and (
        not isinstance(feats, list) or not all(isinstance(f, str) for f in feats)
    ):
        raise UserError('spec field "features" must be a list of column names or null')
    params = spec.get("params") or {}
    if not isinstance(params, dict):
        raise UserError('spec field "params" must be an object')
    spec["params"] = params
    return spec


def _int_param(params: dict, key: str, default, lo: int, allow_none=False):
    v = params.get(key, default)
    if v is None and allow_none:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or float(v) != int(v) or int(v) < lo:
        raise UserError(f'parameter "{key}" must be an integer >= {lo}' + (" or null" if allow_none else "") + f", got {v!r}")
    return int(v)


def _float_param(params: dict, key: str, default, lo_exclusive: float):
    v = params.get(key, default)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v <= lo_exclusive:
        raise UserError(f'parameter "{key}" must be a number > {lo_exclusive}, got {v!r}')
    return float(v)


def _choice_param(params: dict, key: str, default, allowed: tuple):
    v = params.get(key, default)
    if v not in allowed:
        raise UserError(f'parameter "{key}" must be one of {", ".join(map(repr, allowed))}, got {v!r}')
    return v


def _bool_param(params: dict, key: str, default: bool) -> bool:
    v = params.get(key, default)
    if not isinstance(v, bool):
        raise UserError(f'parameter "{key}" must be true or false, got {v!r}')
    return v


def _fraction_param(params: dict, key: str, default, lo_exclusive: float, hi: float):
    v = params.get(key, default)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or not (lo_exclusive < v <= hi):
        raise UserError(f'parameter "{key}" must be a number in ({lo_exclusive:g}, {hi:g}], got {v!r}')
    return float(v)


MAX_GRID_CANDIDATES = 500


def _grid_value(v: str):
    low = v.lower()
    if low in ("none", "null"):
        return None
    if low in ("true", "false"):
        return low == "true"
    try:
        f = float(v)
    except ValueError:
        return v
    if not math.isfinite(f):
        return v
    return int(f) if f.is_integer() and "." not in v and "e" not in low else f


def _grid_param(params: dict, algorithm: str):
    """A user's grid, "name = value, value; name = value" (the tune step's definition reads it the same way)."""
    text = params.get("grid")
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if not isinstance(text, str):
        raise UserError(f'parameter "grid" must be text such as "trees = 100, 300; maxDepth = 4, 8", got {text!r}')
    allowed = sorted(KNOWN_PARAMS[algorithm] - {"seed"})
    grid = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        if "=" not in part:
            raise UserError(f'grid: "{part}" is not "name = value, value"')
        name, values = (x.strip() for x in part.split("=", 1))
        if name not in allowed:
            raise UserError(f'grid: {algorithm} has no hyperparameter "{name}" (it has {", ".join(allowed)})')
        grid[name] = [_grid_value(v.strip()) for v in values.split(",") if v.strip()]
        if not grid[name]:
            raise UserError(f'grid: no values for "{name}"')
    if not grid:
        raise UserError("grid: the grid is empty")
    if math.prod(len(v) for v in grid.values()) > MAX_GRID_CANDIDATES:
        raise UserError(f"grid: {math.prod(len(v) for v in grid.values())} combinations; at most {MAX_GRID_CANDIDATES}")
    return grid


# The algorithms a tune step may search, and the metric its cross-validation ranks by.
TUNABLE = ("random_forest", "gradient_boosting", "decision_tree", "logistic_regression", "linear_regression")

KNOWN_PARAMS = {
    "random_forest": {"trees", "maxDepth", "minSamplesLeaf", "maxFeatures", "seed"},
    "linear_regression": {"fitIntercept", "regularization", "alpha"},
    "logistic_regression": {"C", "maxIter", "fitIntercept"},
    "decision_tree": {"maxDepth", "minSamplesLeaf", "seed"},
    "gradient_boosting": {"trees", "learningRate", "numLeaves", "maxDepth", "minChildSamples", "subsample", "seed"},
    "kmeans": {"clusters", "maxIter", "seed"},
    "tune": {"algorithm", "search", "grid", "trials", "folds", "seed"},
}


def effective_params(algorithm: str, task: str, params: dict) -> dict:
    unknown = sorted(set(params) - KNOWN_PARAMS[algorithm])
    if unknown:
        raise UserError(f"{algorithm} does not take the parameter(s) {', '.join(unknown)}")
    if algorithm == "random_forest":
        mf = params.get("maxFeatures", "sqrt" if task == "classification" else 1.0)
        if mf is None:
            mf = 1.0
        if isinstance(mf, str):
            if mf not in ("sqrt", "log2"):
                raise UserError(f'parameter "maxFeatures" must be "sqrt", "log2" or a fraction in (0, 1], got {mf!r}')
        elif isinstance(mf, bool) or not isinstance(mf, (int, float)) or not (0 < mf <= 1):
            raise UserError(f'parameter "maxFeatures" must be "sqrt", "log2" or a fraction in (0, 1], got {mf!r}')
        else:
            mf = float(mf)
        return {
            "trees": _int_param(params, "trees", 100, 1),
            "maxDepth": _int_param(params, "maxDepth", None, 1, allow_none=True),
            "minSamplesLeaf": _int_param(params, "minSamplesLeaf", 1, 1),
            "maxFeatures": mf,
            "seed": _int_param(params, "seed", 0, 0),
        }
    if algorithm == "decision_tree":
        return {
            "maxDepth": _int_param(params, "maxDepth", None, 1, allow_none=True),
            "minSamplesLeaf": _int_param(params, "minSamplesLeaf", 1, 1),
            "seed": _int_param(params, "seed", 0, 0),
        }
    if algorithm == "gradient_boosting":
        return {
            "trees": _int_param(params, "trees", 100, 1),
            "learningRate": _float_param(params, "learningRate", 0.1, 0.0),
            "numLeaves": _int_param(params, "numLeaves", 31, 2),
            "maxDepth": _int_param(params, "maxDepth", None, 1, allow_none=True),
            "minChildSamples": _int_param(params, "minChildSamples", 20, 1),
            "subsample": _fraction_param(params, "subsample", 1.0, 0.0, 1.0),
            "seed": _int_param(params, "seed", 0, 0),
        }
    if algorithm == "kmeans":
        return {
            "clusters": _int_param(params, "clusters", 3, 2),
            "maxIter": _int_param(params, "maxIter", 300, 1),
            "seed": _int_param(params, "seed", 0, 0),
        }
    if algorithm == "tune":
        return {
            "algorithm": _choice_param(params, "algorithm", "random_forest", TUNABLE),
            "search": _choice_param(params, "search", "grid", ("grid", "random")),
            "grid": _grid_param(params, _choice_param(params, "algorithm", "random_forest", TUNABLE)),
            "trials": _int_param(params, "trials", 20, 1),
            "folds": _int_param(params, "folds", 5, 2),
            "seed": _int_param(params, "seed", 0, 0),
        }
    fit_intercept = _bool_param(params, "fitIntercept", True)
    if algorithm == "linear_regression":
        return {
            "fitIntercept": fit_intercept,
            "regularization": _choice_param(params, "regularization", "none", ("none", "ridge", "lasso")),
            "alpha": _float_param(params, "alpha", 1.0, 0.0),
        }
    return {
        "C": _float_param(params, "C", 1.0, 0.0),
        "maxIter": _int_param(params, "maxIter", 1000, 1),
        "fitIntercept": fit_intercept,
    }


# ---------------------------------------------------------------- data


def kind_of(arrow_type) -> str | None:
    """'number', 'string', 'bool' or None (unsupported) for an Arrow type."""
    import pyarrow.types as pat

    if pat.is_dictionary(arrow_type):
        return kind_of(arrow_type.value_type)
    if pat.is_boolean(arrow_type):
        return "bool"
    if pat.is_integer(arrow_type) or pat.is_floating(arrow_type) or pat.is_decimal(arrow_type):
        return "number"
    if pat.is_string(arrow_type) or pat.is_large_string(arrow_type) or (
        hasattr(pat, "is_string_view") and pat.is_string_view(arrow_type)
    ):
        return "string"
    return None


def js_string(v) -> str | None:
    """String form of a value as the Node side would produce it with String(v); None if missing."""
    import numpy as np

    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if math.isnan(f):
            return None
        if f.is_integer() and abs(f) < 1e21:
            return str(int(f))
        return repr(f)
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return str(v)


def open_table(path: str):
    """The Parquet file, opened for its schema and row count; read_columns reads only what the fit uses."""
    import pyarrow.parquet as pq

    if not os.path.exists(path):
        raise UserError(f"table file not found: {path}")
    try:
        return pq.ParquetFile(path)
    except Exception as e:  # noqa: BLE001
        raise UserError(f"could not read the table {path} as Parquet: {e}")


def read_columns(parquet, path: str, columns: list):
    try:
        return parquet.read(columns=columns, use_pandas_metadata=False)
    except Exception as e:  # noqa: BLE001
        raise UserError(f"could not read the table {path} as Parquet: {e}")
    finally:
        parquet.close()


def numeric_series(table, name):
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    col = table.column(name)
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    col = pc.cast(col, pa.float64())
    arr = col.to_numpy(zero_copy_only=False).astype(np.float64)
    return arr


def text_codes(table, name):
    """A column as the Node side's strings (what String(v) gives), without a Python call per row: the
    distinct strings, sorted, and each row's index into them (-1 where missing). The column is
    dictionary-encoded in Arrow, so js_string runs once per distinct value."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    col = table.column(name).combine_chunks()
    if not pa.types.is_dictionary(col.type):
        col = pc.dictionary_encode(col)
    strings = [js_string(v) for v in col.dictionary.to_pylist()]
    names = sorted({v for v in strings if v is not None})
    position = {v: i for i, v in enumerate(names)}
    lookup = np.array([-1 if v is None else position[v] for v in strings] + [-1], dtype=np.int64)
    # A missing row points at the trailing -1.
    index = col.indices.fill_null(len(strings)).to_numpy(zero_copy_only=False)
    return names, lookup[index]


def text_series(table, name):
    """A column's values as the Node side's strings, None where missing."""
    import numpy as np

    names, codes = text_codes(table, name)
    return np.array(names + [None], dtype=object)[codes]


def fit(spec: dict) -> dict:
    t0 = time.time()
    import numpy as np

    algorithm = spec["algorithm"]
    target = spec["target"]  # None for clustering
    search = effective_params("tune", "auto", spec["params"]) if algorithm == "tune" else None
    model_algorithm = search["algorithm"] if search else algorithm

    progress(f"reading {os.path.basename(spec['table'])}")
    parquet = open_table(spec["table"])
    schema = parquet.schema_arrow
    columns = list(schema.names)
    n_total = parquet.metadata.num_rows
    progress(f"read {n_total} rows, {len(columns)} columns")
    if n_total == 0:
        raise UserError("the training table has no rows; check the steps before this one (a filter or split may remove every row)")

    if target is not None and target not in columns:
        raise UserError(
            f'target column "{target}" is not in the table (columns: {", ".join(json.dumps(c, ensure_ascii=False) for c in columns)})'
        )
    target_kind = None
    if target is not None:
        target_kind = kind_of(schema.field(target).type)
        if target_kind is None:
            raise UserError(
                f'target column "{target}" has type {schema.field(target).type}, which cannot be a target '
                "(use a number, text or boolean column)"
            )

    # ---- features
    requested = spec.get("features")
    if requested is None:
        features = []
        for c in columns:
            if c == target:
                continue
            if kind_of(schema.field(c).type) is None:
                warn(f'skipping column "{c}" of unsupported type {schema.field(c).type}')
                continue
            features.append(c)
    else:
        seen = set()
        features = []
        for c in requested:
            if c in seen:
                continue
            seen.add(c)
            if c not in columns:
                raise UserError(f'feature column "{c}" is not in the table')
            if c == target:
                raise UserError(f'column "{c}" is the target and cannot also be a feature')
            if kind_of(schema.field(c).type) is None:
                raise UserError(
                    f'feature column "{c}" has type {schema.field(c).type}, which is not supported '
                    "(use number, text or boolean columns)"
                )
            features.append(c)
    if not features:
        raise UserError("there are no feature columns to fit on")

    # Only the columns the fit uses are read.
    table = read_columns(parquet, spec["table"], features + ([target] if target is not None else []))

    # ---- target, rows, task
    if target is None:
        if spec["task"] not in ("auto", "clustering"):
            raise UserError(f"{algorithm} is a clustering algorithm; it cannot be used for {spec['task']}")
        task, classes, y, dropped = "clustering", None, None, 0
        keep = np.ones(n_total, dtype=bool)
    else:
        task, classes, y, keep = target_and_task(table, target, target_kind, model_algorithm, spec["task"])
        dropped = int((~keep).sum())
    rows_used = int(keep.sum())
    row_index = np.nonzero(keep)[0]

    # ---- feature matrix (columns renamed f0.. so the ONNX inputs are safe)
    import pandas as pd

    data = {}
    feature_meta = []
    num_inputs, txt_inputs = [], []
    for name in features:
        inp = f"f{len(feature_meta)}"
        kind = kind_of(table.schema.field(name).type)
        if kind == "number":
            arr = numeric_series(table, name)[keep]
            refuse_infinite(arr, f'feature column "{name}"')
            arr = arr.astype(np.float32).astype(np.float64)  # what ONNX (float32) will see
            if np.isinf(arr).any():
                raise UserError(
                    f'feature column "{name}" holds values beyond the float32 range the model takes (±3.4e38); '
                    "rescale the column first"
                )
            if np.all(np.isnan(arr)):
                warn(f'feature "{name}" is missing in every row used; leaving it out')
                continue
            data[inp] = arr
            num_inputs.append(inp)
            feature_meta.append({"name": name, "input": inp, "type": "number"})
        else:
            arr = text_series(table, name)[keep]
            arr[np.equal(arr, None)] = MISSING_TEXT
            data[inp] = arr
            txt_inputs.append(inp)
            feature_meta.append({"name": name, "input": inp, "type": "string"})
    if not feature_meta:
        raise UserError("no usable feature columns (all are missing in the rows used)")
    X = pd.DataFrame(data)  # columns in feature_meta's order, as the ONNX inputs

    # ---- hyperparameters: given, or found by cross-validation
    tuning = None
    if search:
        params, tuning = run_search(search, task, X, y, num_inputs, txt_inputs)
    else:
        params = effective_params(algorithm, task, spec["params"])
    if model_algorithm == "kmeans" and rows_used < params["clusters"]:
        raise UserError(f"k-means with {params['clusters']} clusters needs at least as many rows; the table has {rows_used}")

    pipe, desc = make_pipeline(model_algorithm, task, params, num_inputs, txt_inputs, len(classes or []), rows_used)
    est = pipe.named_steps["model"]
    progress(f"{desc} on {rows_used} rows, {len(feature_meta)} features")
    fit_started = time.perf_counter()
    fit_quietly(pipe, X, y)
    fit_seconds = time.perf_counter() - fit_started
    progress(f"fitted in {fit_seconds:.2f}s")

    record_categories(pipe, feature_meta)

    # ---- importances, mapped back to the original columns
    importances = compute_importances(pipe, feature_meta)

    # ---- ONNX export
    progress("exporting to ONNX")
    export_started = time.perf_counter()
    onx, outputs = export_onnx(pipe, est, feature_meta, task)
    export_seconds = time.perf_counter() - export_started

    import sklearn
    import skl2onnx

    library = {"sklearn": sklearn.__version__, "skl2onnx": skl2onnx.__version__}
    if model_algorithm == "gradient_boosting":
        import lightgbm
        import onnxmltools

        library.update(lightgbm=lightgbm.__version__, onnxmltools=onnxmltools.__version__)
    meta = {
        "task": task,
        "algorithm": model_algorithm,
        "target": target if target is not None else "",
        "features": feature_meta,
        "classes": classes,
        "outputs": outputs,
        "rowsUsed": rows_used,
        "rowsDroppedMissingTarget": dropped,
        "importances": importances,
        "params": params,
        "library": library,
        "missingText": MISSING_TEXT,
        "fitSeconds": round(fit_seconds, 4),
        "exportSeconds": round(export_seconds, 4),
    }
    if task == "clustering":
        meta["clusters"] = params["clusters"]
        meta["inertia"] = float(est.inertia_)
    if tuning:
        meta["tuning"] = tuning
    meta_prop = onx.metadata_props.add()
    meta_prop.key = "millrace.meta"
    meta_prop.value = json.dumps(meta, ensure_ascii=False)

    out_dir = spec["out_dir"]
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "model.onnx")
    tmp = onnx_path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(onx.SerializeToString())
    os.replace(tmp, onnx_path)
    with open(os.path.join(out_dir, "meta.json"), "w", encoding="utf-8") as fh:
        json.dump(meta, fh, ensure_ascii=False, indent=2)

    check_rows = spec.get("check_rows") or 0
    if isinstance(check_rows, int) and not isinstance(check_rows, bool) and check_rows > 0:
        n = min(check_rows, rows_used)
        Xc = X.iloc[:n]
        pred = pipe.predict(Xc)
        check = {"rows": [int(r) for r in row_index[:n]]}
        if task == "classification":
            check["predictions"] = [classes[int(p)] for p in pred]
            check["probabilities"] = [[float(p) for p in row] for row in pipe.predict_proba(Xc)]
        elif task == "clustering":
            check["predictions"] = [int(p) for p in pred]
            check["probabilities"] = None
        else:
            check["predictions"] = [float(p) for p in pred]
            check["probabilities"] = None
        with open(os.path.join(out_dir, "check.json"), "w", encoding="utf-8") as fh:
            json.dump(check, fh)

    progress(f"wrote {onnx_path} ({os.path.getsize(onnx_path) / 1024:.0f} KiB) in {time.time() - t0:.1f}s")
    return meta


def refuse_infinite(arr, what: str) -> None:
    import numpy as np

    bad = int(np.isinf(arr).sum())
    if bad:
        raise UserError(
            f"{what} holds Infinity or -Infinity in {bad} row{'s' if bad != 1 else ''}; "
            "replace or filter them before training (missing values, NaN included, are imputed)"
        )


FIXED_TASK = {"linear_regression": "regression", "logistic_regression": "classification"}


def target_and_task(table, target, target_kind, algorithm, requested_task):
    """Rows with a target, the task (auto resolved), class names and the encoded target."""
    import numpy as np

    if target_kind == "number":
        y_raw = numeric_series(table, target)
        keep = ~np.isnan(y_raw)
        refuse_infinite(y_raw[keep], f'target column "{target}"')
    else:
        names, codes = text_codes(table, target)
        keep = codes >= 0
    dropped = int((~keep).sum())
    rows_used = int(keep.sum())
    if rows_used == 0:
        raise UserError(f'target column "{target}" is missing in every row')
    if dropped:
        progress(f'dropped {dropped} rows where the target "{target}" is missing')
    if rows_used < 2:
        raise UserError(f"only {rows_used} row has a target value; at least 2 are needed")

    task = requested_task
    if target_kind == "number":
        y_kept = y_raw[keep]
        distinct = np.unique(y_kept)
        integral = bool(np.all(np.equal(np.mod(distinct, 1), 0)))
        continuous = (not integral) and len(distinct) > MAX_CLASSES_FOR_AUTO
    else:
        y_kept = codes[keep]
        distinct = np.unique(y_kept)  # the strings used, as indices into the sorted names
        integral = False
        continuous = False
    if task == "clustering":
        raise UserError(f"{algorithm} is not a clustering algorithm; use k-means")
    fixed = FIXED_TASK.get(algorithm)
    if fixed:
        if task not in ("auto", fixed):
            raise UserError(f"{algorithm} is a {fixed} algorithm; it cannot be used for {task}")
        task = fixed
    elif task == "auto":
        if target_kind != "number":
            task = "classification"
        else:
            task = "classification" if integral and len(distinct) <= MAX_CLASSES_FOR_AUTO else "regression"
        progress(f'task: {task} (target "{target}" has {len(distinct)} distinct values)')
    if task == "regression" and target_kind != "number":
        raise UserError(
            f'target column "{target}" is {"boolean" if target_kind == "bool" else "text"}; regression needs a numeric target'
            + (" (it holds text: convert it with a cast step first, or choose a numeric column)" if target_kind == "string" else "")
        )
    if task == "classification" and continuous:
        raise UserError(
            f'target column "{target}" looks continuous ({len(distinct)} distinct non-integer values); '
            "use a regression algorithm or bin the target first"
        )

    classes = None
    if task == "classification":
        if target_kind == "number":
            order, y = np.unique(y_kept, return_inverse=True)  # numeric order
            classes = [js_string(v) for v in order]
        else:
            classes = [names[i] for i in distinct]
            y = np.searchsorted(distinct, y_kept)
        if len(classes) < 2:
            raise UserError(
                f'target column "{target}" has a single value ({classes[0]!r}) in the rows used; '
                "classification needs at least 2 classes"
            )
        if len(classes) > 1000:
            raise UserError(f'target column "{target}" has {len(classes)} distinct values; too many classes')
        y = y.reshape(-1).astype(np.int64, copy=False)
    else:
        y = y_kept.astype(np.float64)
    return task, classes, y, keep


def fit_quietly(pipe, X, y) -> None:
    """Fits, passing on the library's warnings (not its deprecation notices) as progress warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pipe.fit(X, y)
    seen = set()
    for w in caught:
        if issubclass(w.category, (FutureWarning, DeprecationWarning)) or str(w.message) in seen:
            continue
        seen.add(str(w.message))
        warn(f"{w.category.__name__}: {w.message}")


# ---------------------------------------------------------------- models


# Below this many rows LightGBM fits faster on one thread than on several (thread start-up and contention).
LIGHTGBM_ONE_THREAD_ROWS = 20_000


def make_estimator(algorithm: str, task: str, params: dict, n_classes: int, rows: int = 0):
    """The scikit-learn (or LightGBM) estimator for Millrace's parameters, and a line describing it."""
    classify = task == "classification"
    if algorithm == "random_forest":
        from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

        cls = RandomForestClassifier if classify else RandomForestRegressor
        est = cls(
            n_estimators=params["trees"],
            max_depth=params["maxDepth"],
            min_samples_leaf=params["minSamplesLeaf"],
            max_features=params["maxFeatures"],
            random_state=params["seed"],
            n_jobs=-1,
        )
        desc = f"fitting random forest {task} ({params['trees']} trees"
        return est, desc + (f", max depth {params['maxDepth']})" if params["maxDepth"] else ")")
    if algorithm == "decision_tree":
        from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

        cls = DecisionTreeClassifier if classify else DecisionTreeRegressor
        est = cls(max_depth=params["maxDepth"], min_samples_leaf=params["minSamplesLeaf"], random_state=params["seed"])
        return est, f"fitting decision tree {task}" + (f" (max depth {params['maxDepth']})" if params["maxDepth"] else "")
    if algorithm == "gradient_boosting":
        from lightgbm import LGBMClassifier, LGBMRegressor

        cls = LGBMClassifier if classify else LGBMRegressor
        est = cls(
            n_estimators=params["trees"],
            learning_rate=params["learningRate"],
            num_leaves=params["numLeaves"],
            max_depth=-1 if params["maxDepth"] is None else params["maxDepth"],
            min_child_samples=params["minChildSamples"],
            subsample=params["subsample"],
            subsample_freq=1 if params["subsample"] < 1 else 0,
            random_state=params["seed"],
            importance_type="gain",
            n_jobs=1 if rows < LIGHTGBM_ONE_THREAD_ROWS else -1,
            verbose=-1,
        )
        return est, f"fitting LightGBM gradient boosting {task} ({params['trees']} trees, learning rate {params['learningRate']:g})"
    if algorithm == "kmeans":
        from sklearn.cluster import KMeans

        est = KMeans(n_clusters=params["clusters"], max_iter=params["maxIter"], random_state=params["seed"], n_init=10)
        return est, f"fitting k-means ({params['clusters']} clusters)"
    if algorithm == "linear_regression":
        from sklearn.linear_model import Lasso, LinearRegression, Ridge

        reg = params["regularization"]
        if reg == "ridge":
            return Ridge(alpha=params["alpha"], fit_intercept=params["fitIntercept"]), f"fitting ridge regression (alpha={params['alpha']:g})"
        if reg == "lasso":
            est = Lasso(alpha=params["alpha"], fit_intercept=params["fitIntercept"], max_iter=10000)
            return est, f"fitting lasso regression (alpha={params['alpha']:g})"
        return LinearRegression(fit_intercept=params["fitIntercept"]), "fitting linear regression"
    from sklearn.linear_model import LogisticRegression

    est = LogisticRegression(C=params["C"], max_iter=params["maxIter"], fit_intercept=params["fitIntercept"])
    return est, f"fitting logistic regression (C={params['C']:g}, {n_classes} classes)"


TREE_MODELS = ("random_forest", "decision_tree", "gradient_boosting")


def make_pipeline(algorithm: str, task: str, params: dict, num_inputs: list, txt_inputs: list, n_classes: int, rows: int = 0):
    """Learned preprocessing (imputation, one-hot encoding, scaling) plus the estimator, as one pipeline."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from median_imputer import MedianImputer  # beside this file: the same medians, found without sorting

    transformers = []
    if num_inputs:
        steps = [("impute", MedianImputer(strategy="median"))]
        if algorithm not in TREE_MODELS:  # trees are scale-invariant; skipping keeps ONNX bit-exact
            steps.append(("scale", StandardScaler()))
        transformers.append(("num", Pipeline(steps), num_inputs))
    if txt_inputs:
        transformers.append(
            (
                "txt",
                Pipeline(
                    [
                        ("impute", SimpleImputer(missing_values=MISSING_TEXT, strategy="constant", fill_value=TEXT_FILL)),
                        ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
                    ]
                ),
                txt_inputs,
            )
        )
    pre = ColumnTransformer(transformers, remainder="drop", sparse_threshold=0.0)
    est, desc = make_estimator(algorithm, task, params, n_classes, rows)
    return Pipeline([("pre", pre), ("model", est)]), desc


# ---------------------------------------------------------------- hyperparameter search

# Grids per algorithm (Millrace's parameter names); a random search draws from the ranges below.
GRIDS = {
    "random_forest": {"trees": [100, 300], "maxDepth": [None, 8], "minSamplesLeaf": [1, 5]},
    "gradient_boosting": {"trees": [100, 300], "learningRate": [0.05, 0.1], "numLeaves": [15, 31]},
    "decision_tree": {"maxDepth": [None, 3, 5, 8], "minSamplesLeaf": [1, 5, 20]},
    "logistic_regression": {"C": [0.01, 0.1, 1.0, 10.0, 100.0]},
    "linear_regression": {"regularization": ["ridge", "lasso"], "alpha": [0.01, 0.1, 1.0, 10.0]},
}


def draw_candidate(algorithm: str, rng) -> dict:
    def log_uniform(lo, hi):
        return float(round(math.exp(rng.uniform(math.log(lo), math.log(hi))), 6))

    if algorithm == "random_forest":
        return {
            "trees": rng.randint(50, 500),
            "maxDepth": rng.choice([None, 4, 6, 8, 12, 16, 24]),
            "minSamplesLeaf": rng.randint(1, 20),
        }
    if algorithm == "gradient_boosting":
        return {
            "trees": rng.randint(50, 500),
            "learningRate": log_uniform(0.01, 0.3),
            "numLeaves": rng.randint(8, 64),
            "minChildSamples": rng.randint(5, 50),
            "subsample": round(rng.uniform(0.5, 1.0), 3),
        }
    if algorithm == "decision_tree":
        return {"maxDepth": rng.choice([None, *range(2, 21)]), "minSamplesLeaf": rng.randint(1, 50)}
    if algorithm == "logistic_regression":
        return {"C": log_uniform(1e-3, 1e3)}
    return {"regularization": rng.choice(["ridge", "lasso"]), "alpha": log_uniform(1e-3, 100.0)}


def search_candidates(algorithm: str, search: dict) -> list[dict]:
    import itertools
    import random

    rng = random.Random(search["seed"])
    if search["grid"] or search["search"] == "grid":
        grid = search["grid"] or GRIDS[algorithm]
        keys = list(grid)
        out = [dict(zip(keys, values)) for values in itertools.product(*(grid[k] for k in keys))]
        if algorithm == "linear_regression" and not search["grid"]:
            out.insert(0, {"regularization": "none"})
        if search["search"] == "random" and len(out) > search["trials"]:
            out = rng.sample(out, search["trials"])
        return out
    out, seen = [], set()
    for _ in range(search["trials"] * 20):
        if len(out) == search["trials"]:
            break
        c = draw_candidate(algorithm, rng)
        key = json.dumps(c, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def run_search(search: dict, task: str, X, y, num_inputs: list, txt_inputs: list):
    """k-fold cross-validation of every candidate; returns the best candidate's parameters and the trials."""
    import numpy as np
    from sklearn.model_selection import KFold, StratifiedKFold, cross_validate

    algorithm, folds = search["algorithm"], search["folds"]
    if len(y) < folds:
        raise UserError(f"{folds}-fold cross-validation needs at least {folds} rows with a target; the table has {len(y)}")
    if task == "classification":
        counts = np.bincount(y)
        smallest = int(counts[counts > 0].min())
        if int(counts.max()) < folds:
            raise UserError(
                f"{folds}-fold cross-validation needs a class with at least {folds} rows; the largest has {int(counts.max())}"
            )
        if smallest < folds:
            warn(f"the rarest class has only {smallest} rows, fewer than the {folds} folds")
        cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=search["seed"])
        metric, scoring = "accuracy", "accuracy"
    else:
        cv = KFold(n_splits=folds, shuffle=True, random_state=search["seed"])
        metric, scoring = "r2", "r2"
    candidates = search_candidates(algorithm, search)
    takes_seed = "seed" in KNOWN_PARAMS[algorithm]
    trials = []
    best = None
    for i, candidate in enumerate(candidates):
        # None in a grid means the parameter's default (e.g. unlimited depth).
        given = {**{k: v for k, v in candidate.items() if v is not None}, **({"seed": search["seed"]} if takes_seed else {})}
        params = effective_params(algorithm, task, given)
        pipe, _ = make_pipeline(algorithm, task, params, num_inputs, txt_inputs, 0, len(y))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = cross_validate(pipe, X, y, cv=cv, scoring=scoring, n_jobs=1, error_score="raise")
        score = float(np.mean(res["test_score"]))
        # R² is undefined on a fold whose target is constant: such a candidate gets no score.
        scored = math.isfinite(score)
        trial = {
            "trial": i + 1,
            "params": candidate,
            "score": round(score, 6) if scored else None,
            "std": round(float(np.std(res["test_score"])), 6) if scored else None,
            "fitSeconds": round(float(np.mean(res["fit_time"])), 4),
        }
        trials.append(trial)
        if scored and (best is None or score > best[0]):
            best = (score, i, params)
        shown = f"{score:.4f}" if scored else "undefined"
        progress(f"trial {i + 1}/{len(candidates)}: {metric} {shown} with {json.dumps(candidate)}")
    if best is None:
        raise UserError(f"no candidate could be scored: {metric} is undefined on every fold (is the target constant?)")
    score, index, params = best
    progress(f"best: trial {index + 1} ({metric} {score:.4f}); refitting on all {len(y)} rows")
    tuning = {
        "algorithm": algorithm,
        "search": search["search"],
        "folds": folds,
        "seed": search["seed"],
        "metric": metric,
        "best": index + 1,
        "bestScore": round(score, 6),
        "trials": trials,
    }
    return params, tuning


# ---------------------------------------------------------------- metadata, export


def record_categories(pipe, feature_meta) -> None:
    """Adds each text feature's known categories (what its one-hot encoder learned) to its metadata,
    so the endpoint can report values the model has never seen; beyond the cap none are recorded."""
    pre = pipe.named_steps["pre"]
    by_input = {f["input"]: f for f in feature_meta}
    for name, trans, cols in pre.transformers_:
        if name != "txt":
            continue
        ohe = trans.named_steps["onehot"]
        for c, cats in zip(cols, ohe.categories_):
            known = sorted(str(v) for v in cats if v != TEXT_FILL)
            if len(known) <= MAX_RECORDED_CATEGORIES:
                by_input[c]["categories"] = known


def compute_importances(pipe, feature_meta):
    """Tree importances, or |coefficients| for linear models, summed per original column; None for k-means."""
    import numpy as np

    est = pipe.named_steps["model"]
    pre = pipe.named_steps["pre"]
    # owner[i] = index into feature_meta of transformed column i
    by_input = {f["input"]: k for k, f in enumerate(feature_meta)}
    owner = []
    for name, trans, cols in pre.transformers_:
        if name == "num":
            owner.extend(by_input[c] for c in cols)
        elif name == "txt":
            ohe = trans.named_steps["onehot"]
            for c, cats in zip(cols, ohe.categories_):
                owner.extend([by_input[c]] * len(cats))
    if hasattr(est, "feature_importances_"):
        raw = np.asarray(est.feature_importances_, dtype=np.float64)
    elif hasattr(est, "coef_"):
        coef = np.atleast_2d(np.asarray(est.coef_, dtype=np.float64))
        raw = np.abs(coef).mean(axis=0)  # |coefficients| on standardized / one-hot inputs
    else:
        return None
    if len(raw) != len(owner):
        return None
    agg = np.zeros(len(feature_meta))
    for i, k in enumerate(owner):
        agg[k] += raw[i]
    total = agg.sum()
    if total > 0:
        agg = agg / total
    out = [{"feature": f["name"], "importance": float(agg[k])} for k, f in enumerate(feature_meta)]
    out.sort(key=lambda d: -d["importance"])
    return out


_lightgbm_registered = False


def register_lightgbm_converters() -> None:
    """Teaches skl2onnx to convert LightGBM estimators inside a pipeline, once per process: fast_lightgbm's
    converter, or onnxmltools' for what that one does not handle, with split thresholds made exact in
    float32 (see round_lightgbm_thresholds)."""
    global _lightgbm_registered
    if _lightgbm_registered:
        return
    from lightgbm import LGBMClassifier, LGBMRegressor
    from onnxmltools.convert.lightgbm.operator_converters import LightGbm
    from skl2onnx import update_registered_converter
    from skl2onnx.common.shape_calculator import (
        calculate_linear_classifier_output_shapes,
        calculate_linear_regressor_output_shapes,
    )

    dump = LightGbm.dump_booster_model

    def dump_rounded(booster, *args, **kwargs):
        text, info = dump(booster, *args, **kwargs)
        for tree in text.get("tree_info", []):
            round_lightgbm_thresholds(tree["tree_structure"])
        return text, info

    # The converter reads the booster through this module-level function; every LightGBM model converted in
    # this process is one of ours.
    LightGbm.dump_booster_model = dump_rounded
    import fast_lightgbm  # beside this file: reads the booster's text model into arrays

    def convert(scope, operator, container):
        fast_lightgbm.convert(scope, operator, container, fallback=LightGbm.convert_lightgbm)

    update_registered_converter(
        LGBMClassifier,
        "LightGbmLGBMClassifier",
        calculate_linear_classifier_output_shapes,
        convert,
        options={"nocl": [True, False], "zipmap": [True, False, "columns"]},
    )
    update_registered_converter(
        LGBMRegressor,
        "LightGbmLGBMRegressor",
        calculate_linear_regressor_output_shapes,
        convert,
        options={"split": None},
    )
    _lightgbm_registered = True


def round_lightgbm_thresholds(tree: dict) -> None:
    """Rounds each numeric split threshold t of a dumped LightGBM tree *down* to a float32, in place.

    LightGBM splits at double midpoints between feature values; the ONNX tree stores float32 thresholds, and
    rounding to nearest can put one on a float32 feature value just above t, flipping `x <= t` for rows holding
    exactly that value. Every input here is a float32, and for float32 x, x <= t exactly when x <= round_down(t)."""
    import numpy as np

    stack = [tree]
    while stack:
        n = stack.pop()
        t = n.get("threshold")
        if isinstance(t, (int, float)) and not isinstance(t, bool) and n.get("decision_type") == "<=":
            r = np.float32(t)
            if float(r) > t:
                r = np.nextafter(r, np.float32(-np.inf), dtype=np.float32)
            n["threshold"] = float(r)
        stack.extend(n[k] for k in ("left_child", "right_child") if k in n)


def export_onnx(pipe, est, feature_meta, task):
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType

    if type(est).__module__.startswith("lightgbm"):
        register_lightgbm_converters()
    initial_types = [
        (f["input"], FloatTensorType([None, 1]) if f["type"] == "number" else StringTensorType([None, 1]))
        for f in feature_meta
    ]
    import fast_trees  # beside this file: vectorised tree export (same attributes as skl2onnx's loop)
    import median_imputer

    fast_trees.install()
    median_imputer.register_converter()
    options = {id(est): {"zipmap": False}} if task == "classification" else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        onx = convert_sklearn(
            pipe,
            initial_types=initial_types,
            target_opset=TARGET_OPSET,
            options=options,
        )
    fast_trees.finish(onx)
    onx.doc_string = "Millrace model; metadata_props['millrace.meta'] describes inputs and outputs"
    names = [o.name for o in onx.graph.output]
    if task == "classification":
        label = "label" if "label" in names else names[0]
        probs = "probabilities" if "probabilities" in names else (names[1] if len(names) > 1 else None)
        outputs = {"label": label, "probabilities": probs}
    elif task == "clustering":
        outputs = {"label": "label" if "label" in names else names[0], "probabilities": None}
    else:
        outputs = {"label": "variable" if "variable" in names else names[0], "probabilities": None}
    return onx, outputs


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[1] == "--describe":
        # What this fitter accepts, so a test can hold it equal to the step catalog.
        print(json.dumps({algo: sorted(names) for algo, names in KNOWN_PARAMS.items()}))
        return 0
    if len(argv) != 2:
        emit("error", message="usage: python fit.py SPEC_JSON_PATH | --describe")
        return 2
    try:
        spec = read_spec(argv[1])
        meta = fit(spec)
    except UserError as e:
        emit("error", message=str(e))
        return 2
    except MemoryError:
        emit("error", message="the fitter ran out of memory", internal=True)
        return 1
    except Exception as e:  # noqa: BLE001
        traceback.print_exc(file=sys.stderr)
        emit("error", message=f"internal error in the fitter: {type(e).__name__}: {e}", internal=True)
        return 1
    emit("done", meta=meta)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
