"""Millrace model fitter: Parquet table + JSON spec -> sklearn pipeline -> model.onnx + meta.json.

Usage: python fit.py SPEC_JSON_PATH

Spec:
  {"table": "/abs/train.parquet", "out_dir": "/abs/dir",
   "algorithm": "random_forest" | "linear_regression" | "logistic_regression",
   "task": "auto" | "classification" | "regression", "target": "<column>",
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
    for key in ("table", "out_dir", "algorithm", "target"):
        if not isinstance(spec.get(key), str) or not spec[key]:
            raise UserError(f'spec field "{key}" is required and must be a non-empty string')
    if spec["algorithm"] not in ("random_forest", "linear_regression", "logistic_regression"):
        raise UserError(
            f'unknown algorithm "{spec["algorithm"]}" '
            "(expected random_forest, linear_regression or logistic_regression)"
        )
    spec.setdefault("task", "auto")
    if spec["task"] not in ("auto", "classification", "regression"):
        raise UserError(f'unknown task "{spec["task"]}" (expected auto, classification or regression)')
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


KNOWN_PARAMS = {
    "random_forest": {"trees", "maxDepth", "minSamplesLeaf", "maxFeatures", "seed"},
    "linear_regression": {"fitIntercept"},
    "logistic_regression": {"C", "maxIter", "fitIntercept"},
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
    fit_intercept = params.get("fitIntercept", True)
    if not isinstance(fit_intercept, bool):
        raise UserError(f'parameter "fitIntercept" must be true or false, got {fit_intercept!r}')
    if algorithm == "linear_regression":
        return {"fitIntercept": fit_intercept}
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


def load_table(path: str):
    import pyarrow.parquet as pq

    if not os.path.exists(path):
        raise UserError(f"table file not found: {path}")
    try:
        return pq.read_table(path)
    except Exception as e:  # noqa: BLE001
        raise UserError(f"could not read the table {path} as Parquet: {e}")


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


def text_series(table, name):
    import numpy as np

    values = table.column(name).to_pylist()
    return np.array([js_string(v) for v in values], dtype=object)


# ---------------------------------------------------------------- main fit


def fit(spec: dict) -> dict:
    t0 = time.time()
    import numpy as np

    algorithm = spec["algorithm"]
    target = spec["target"]

    progress(f"reading {os.path.basename(spec['table'])}")
    table = load_table(spec["table"])
    columns = list(table.column_names)
    n_total = table.num_rows
    progress(f"read {n_total} rows, {len(columns)} columns")

    if target not in columns:
        raise UserError(
            f'target column "{target}" is not in the table (columns: {", ".join(json.dumps(c, ensure_ascii=False) for c in columns)})'
        )
    target_kind = kind_of(table.schema.field(target).type)
    if target_kind is None:
        raise UserError(
            f'target column "{target}" has type {table.schema.field(target).type}, which cannot be a target '
            "(use a number, text or boolean column)"
        )

    # ---- features
    requested = spec.get("features")
    if requested is None:
        features = []
        for c in columns:
            if c == target:
                continue
            if kind_of(table.schema.field(c).type) is None:
                warn(f'skipping column "{c}" of unsupported type {table.schema.field(c).type}')
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
            if kind_of(table.schema.field(c).type) is None:
                raise UserError(
                    f'feature column "{c}" has type {table.schema.field(c).type}, which is not supported '
                    "(use number, text or boolean columns)"
                )
            features.append(c)
    if not features:
        raise UserError("there are no feature columns to fit on")

    # ---- target, rows
    if target_kind == "number":
        y_num = numeric_series(table, target)
        keep = ~np.isnan(y_num)
        y_raw = y_num
    else:
        y_txt = text_series(table, target)
        keep = np.array([v is not None for v in y_txt], dtype=bool)
        y_raw = y_txt
    dropped = int((~keep).sum())
    rows_used = int(keep.sum())
    if rows_used == 0:
        raise UserError(f'target column "{target}" is missing in every row')
    if dropped:
        progress(f'dropped {dropped} rows where the target "{target}" is missing')
    if rows_used < 2:
        raise UserError(f"only {rows_used} row has a target value; at least 2 are needed")
    row_index = np.nonzero(keep)[0]

    # ---- task
    task = spec["task"]
    if target_kind == "number":
        y_kept = y_raw[keep]
        distinct = np.unique(y_kept)
        integral = bool(np.all(np.equal(np.mod(distinct, 1), 0)))
        continuous = (not integral) and len(distinct) > MAX_CLASSES_FOR_AUTO
    else:
        y_kept = y_raw[keep]
        distinct = np.unique(y_kept.astype(str))
        integral = False
        continuous = False
    if algorithm == "linear_regression":
        if task == "classification":
            raise UserError("linear_regression is a regression algorithm; it cannot be used for classification")
        task = "regression"
    elif algorithm == "logistic_regression":
        if task == "regression":
            raise UserError("logistic_regression is a classification algorithm; it cannot be used for regression")
        task = "classification"
    elif task == "auto":
        if target_kind != "number":
            task = "classification"
        else:
            task = "classification" if integral and len(distinct) <= MAX_CLASSES_FOR_AUTO else "regression"
        progress(f'task: {task} (target "{target}" has {len(distinct)} distinct values)')
    if task == "regression" and target_kind != "number":
        raise UserError(
            f'target column "{target}" is {"boolean" if target_kind == "bool" else "text"}; regression needs a numeric target'
        )
    if task == "classification" and continuous:
        raise UserError(
            f'target column "{target}" looks continuous ({len(distinct)} distinct non-integer values); '
            "use a regression algorithm or bin the target first"
        )

    classes = None
    if task == "classification":
        if target_kind == "number":
            order = np.unique(y_kept)  # numeric order
            classes = [js_string(v) for v in order]
            y_str = np.array([js_string(v) for v in y_kept], dtype=object)
        else:
            classes = sorted(set(y_kept.tolist()))
            y_str = y_kept
        if len(classes) < 2:
            raise UserError(
                f'target column "{target}" has a single value ({classes[0]!r}) in the rows used; '
                "classification needs at least 2 classes"
            )
        if len(classes) > 1000:
            raise UserError(f'target column "{target}" has {len(classes)} distinct values; too many classes')
        class_index = {c: i for i, c in enumerate(classes)}
        y = np.array([class_index[v] for v in y_str], dtype=np.int64)
    else:
        y = y_kept.astype(np.float64)

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
            arr = arr.astype(np.float32).astype(np.float64)  # what ONNX (float32) will see
            if np.all(np.isnan(arr)):
                warn(f'feature "{name}" is missing in every row used; leaving it out')
                continue
            data[inp] = arr
            num_inputs.append(inp)
            feature_meta.append({"name": name, "input": inp, "type": "number"})
        else:
            arr = text_series(table, name)[keep]
            arr = np.array([MISSING_TEXT if v is None else v for v in arr], dtype=object)
            data[inp] = arr
            txt_inputs.append(inp)
            feature_meta.append({"name": name, "input": inp, "type": "string"})
    if not feature_meta:
        raise UserError("no usable feature columns (all are missing in the rows used)")
    X = pd.DataFrame(data)
    input_order = [f["input"] for f in feature_meta]
    X = X[input_order]

    # ---- pipeline
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    params = effective_params(algorithm, task, spec["params"])
    transformers = []
    if num_inputs:
        steps = [("impute", SimpleImputer(strategy="median"))]
        if algorithm != "random_forest":  # trees are scale-invariant; skipping keeps ONNX bit-exact
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

    if algorithm == "random_forest":
        from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

        cls = RandomForestClassifier if task == "classification" else RandomForestRegressor
        est = cls(
            n_estimators=params["trees"],
            max_depth=params["maxDepth"],
            min_samples_leaf=params["minSamplesLeaf"],
            max_features=params["maxFeatures"],
            random_state=params["seed"],
            n_jobs=-1,
        )
        desc = f"fitting random forest {task} ({params['trees']} trees"
        desc += f", max depth {params['maxDepth']})" if params["maxDepth"] else ")"
    elif algorithm == "linear_regression":
        from sklearn.linear_model import LinearRegression

        est = LinearRegression(fit_intercept=params["fitIntercept"])
        desc = "fitting linear regression"
    else:
        from sklearn.linear_model import LogisticRegression

        est = LogisticRegression(C=params["C"], max_iter=params["maxIter"], fit_intercept=params["fitIntercept"])
        desc = f"fitting logistic regression (C={params['C']:g}, {len(classes)} classes)"

    pipe = Pipeline([("pre", pre), ("model", est)])
    progress(f"{desc} on {rows_used} rows, {len(feature_meta)} features")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pipe.fit(X, y)
    for w in caught:
        if issubclass(w.category, (FutureWarning, DeprecationWarning)):
            continue
        warn(f"{w.category.__name__}: {w.message}")
    progress(f"fitted in {time.time() - t0:.1f}s")

    record_categories(pipe, feature_meta)

    # ---- importances, mapped back to the original columns
    importances = compute_importances(pipe, feature_meta, num_inputs, txt_inputs, algorithm)

    # ---- ONNX export
    progress("exporting to ONNX")
    onx, outputs = export_onnx(pipe, est, feature_meta, task)

    import sklearn
    import skl2onnx

    meta = {
        "task": task,
        "algorithm": algorithm,
        "target": target,
        "features": feature_meta,
        "classes": classes,
        "outputs": outputs,
        "rowsUsed": rows_used,
        "rowsDroppedMissingTarget": dropped,
        "importances": importances,
        "params": params,
        "library": {"sklearn": sklearn.__version__, "skl2onnx": skl2onnx.__version__},
        "missingText": MISSING_TEXT,
    }
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
        else:
            check["predictions"] = [float(p) for p in pred]
            check["probabilities"] = None
        with open(os.path.join(out_dir, "check.json"), "w", encoding="utf-8") as fh:
            json.dump(check, fh)

    progress(f"wrote {onnx_path} ({os.path.getsize(onnx_path) / 1024:.0f} KiB) in {time.time() - t0:.1f}s")
    return meta


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


def compute_importances(pipe, feature_meta, num_inputs, txt_inputs, algorithm):
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
    if algorithm == "random_forest":
        raw = np.asarray(est.feature_importances_, dtype=np.float64)
    else:
        coef = np.atleast_2d(np.asarray(est.coef_, dtype=np.float64))
        raw = np.abs(coef).mean(axis=0)  # |coefficients| on standardized / one-hot inputs
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


def export_onnx(pipe, est, feature_meta, task):
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType

    initial_types = [
        (f["input"], FloatTensorType([None, 1]) if f["type"] == "number" else StringTensorType([None, 1]))
        for f in feature_meta
    ]
    import fast_trees  # beside this file: vectorised tree export (same attributes as skl2onnx's loop)

    fast_trees.install()
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
