"""Reference fits for Millrace's correctness tests and docs/results.md, written apart from workflows/ml/fit.py.

Reads a JSON job on stdin, prints a JSON result on stdout:
  {"train": "a.parquet", "test": "b.parquet", "target": "y" | null, "features": [...],
   "estimator": "RandomForestClassifier" | ..., "kwargs": {...},
   "search": {"grid": [{...kwargs}, ...], "folds": 5, "seed": 0} (optional)}
Preprocessing is done by hand with pandas, learned on the training table only: numbers go through float32
(what an ONNX model receives), missing numbers get the training median, text is one-hot encoded over the
training table's values (a missing text is its own value), and numbers are standardised for linear models and
k-means. The estimator is scikit-learn's or LightGBM's own, fitted on that matrix.
"""

import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn import cluster, ensemble, linear_model, metrics, model_selection, tree

MISSING = "__missing__"
SCALED = {"LinearRegression", "Ridge", "Lasso", "LogisticRegression", "KMeans"}


def estimator(name, kwargs):
    if name.startswith("LGBM"):
        import lightgbm

        return getattr(lightgbm, name)(**kwargs)
    for module in (ensemble, linear_model, tree, cluster):
        if hasattr(module, name):
            return getattr(module, name)(**kwargs)
    raise SystemExit(f"unknown estimator {name}")


class Prep:
    """Learns imputation, one-hot categories and scaling from one table; applies them to any."""

    def __init__(self, df, features, scale):
        self.numbers = [c for c in features if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
        self.texts = [c for c in features if c not in self.numbers]
        num = self._num(df)
        self.median = num.median()
        filled = num.fillna(self.median)
        self.scale = scale
        self.mean = filled.mean()
        std = filled.std(ddof=0)
        self.std = std.where(std > 0, 1.0)
        self.categories = {c: sorted(set(self._txt(df[c]))) for c in self.texts}

    def _num(self, df):
        return pd.DataFrame({c: pd.to_numeric(df[c]).astype("float32").astype("float64") for c in self.numbers}, index=df.index)

    @staticmethod
    def _txt(s):
        return s.map(lambda v: MISSING if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))

    def apply(self, df):
        num = self._num(df).fillna(self.median)
        if self.scale:
            num = (num - self.mean) / self.std
        parts = [num.to_numpy(dtype=np.float64)] if self.numbers else []
        for c in self.texts:
            values = self._txt(df[c]).to_numpy()
            parts.append(np.stack([(values == k).astype(np.float64) for k in self.categories[c]], axis=1))
        return np.hstack(parts)


def main():
    job = json.load(sys.stdin)
    train = pd.read_parquet(job["train"])
    test = pd.read_parquet(job["test"])
    target = job.get("target")
    if target:
        train = train[train[target].notna()].reset_index(drop=True)
        test = test[test[target].notna()].reset_index(drop=True)
    features = job["features"]
    name = job["estimator"]
    classify = name.endswith("Classifier") or name == "LogisticRegression"
    # Timed like Millrace's fit: learning the preprocessing, applying it, fitting the estimator.
    prep_started = time.perf_counter()
    prep = Prep(train, features, name in SCALED)
    X = prep.apply(train)
    prep_seconds = time.perf_counter() - prep_started
    Xt = prep.apply(test)
    out = {}
    if target and classify:
        classes = sorted(set(str(v) for v in train[target]))
        y = np.array([classes.index(str(v)) for v in train[target]])
        yt = [str(v) for v in test[target]]
    elif target:
        y = train[target].to_numpy(dtype=np.float64)
        yt = test[target].to_numpy(dtype=np.float64)

    kwargs = job.get("kwargs", {})
    search = job.get("search")
    if search:
        cv = (model_selection.StratifiedKFold if classify else model_selection.KFold)(
            n_splits=search["folds"], shuffle=True, random_state=search["seed"]
        )
        scoring = "accuracy" if classify else "r2"
        scores = []
        search_seconds = 0.0
        for candidate in search["grid"]:
            fold_scores = []
            for tr, va in cv.split(train, y):
                started = time.perf_counter()
                p = Prep(train.iloc[tr], features, name in SCALED)
                m = estimator(name, {**kwargs, **candidate}).fit(p.apply(train.iloc[tr]), y[tr])
                search_seconds += time.perf_counter() - started
                pred = m.predict(p.apply(train.iloc[va]))
                fold_scores.append(metrics.accuracy_score(y[va], pred) if classify else metrics.r2_score(y[va], pred))
            scores.append(float(np.mean(fold_scores)))
        out["trialScores"] = scores
        out["searchSeconds"] = search_seconds
        kwargs = {**kwargs, **search["grid"][int(np.argmax(scores))]}

    model = estimator(name, kwargs)
    started = time.perf_counter()
    if target:
        model.fit(X, y)
    else:
        model.fit(X)
    out["fitSeconds"] = prep_seconds + time.perf_counter() - started
    pred = model.predict(Xt)
    if not target:
        out["predictions"] = [int(p) for p in pred]
        out["inertia"] = float(model.inertia_)
    elif classify:
        out["classes"] = classes
        out["predictions"] = [classes[int(p)] for p in pred]
        out["probabilities"] = model.predict_proba(Xt).tolist()
        out["metrics"] = {"accuracy": metrics.accuracy_score(yt, out["predictions"]),
                          "f1_macro": metrics.f1_score(yt, out["predictions"], average="macro")}
    else:
        out["predictions"] = [float(p) for p in pred]
        out["metrics"] = {"rmse": float(np.sqrt(metrics.mean_squared_error(yt, pred))),
                          "mae": metrics.mean_absolute_error(yt, pred), "r2": metrics.r2_score(yt, pred)}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
