"""The libraries' own side of the train benchmark (test/bench/train.ts), run in Millrace's venv.

  python train_baseline.py make OUT.parquet ROWS
      a synthetic table: 20 number features (1% missing), "label" (3 classes) and "amount" (number).
  python train_baseline.py fit ALGORITHM TRAIN.parquet TEST.parquet TARGET
      the library's own fit (scikit-learn; LightGBM for gradient_boosting), with the preprocessing and
      parameters workflows/ml/fit.py uses, on the same rows the train step saw; prints
      {"seconds": s, "cpuSeconds": c, "metric": m} (the fit's wall and CPU time, all threads; on TEST:
      accuracy, R² for linear_regression, the evaluate step's silhouette for kmeans).
      Only the fit is timed, after an untimed fit on the first 2,000 rows (warm, as the fit worker is):
      not reading the files nor building the matrix.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pyarrow.parquet as pq

FEATURES = 20


def make(out: str, rows: int) -> None:
    import pyarrow as pa

    rng = np.random.default_rng(11)
    X = rng.normal(size=(rows, FEATURES))
    score = X[:, 0] + 0.8 * X[:, 1] * X[:, 2] - 0.5 * X[:, 3] + rng.normal(scale=0.7, size=rows)
    label = np.where(score < -0.5, "low", np.where(score < 0.7, "mid", "high"))
    amount = 3 * X[:, 4] - 2 * X[:, 5] + X[:, 6] * 0.5 + rng.normal(scale=1.0, size=rows) + 50
    cols = {}
    for j in range(FEATURES):
        values = X[:, j].copy()
        mask = rng.random(rows) < 0.01
        cols[f"x{j}"] = pa.array(values, mask=mask)
    cols["label"] = pa.array(label.astype(object))
    cols["amount"] = pa.array(amount)
    pq.write_table(pa.table(cols), out)


def matrix(path: str, target: str):
    import pandas as pd

    table = pq.read_table(path)
    feats = [c for c in table.column_names if c not in ("label", "amount")]
    # As fit.py: numbers become float32 (what ONNX sees), then float64.
    X = pd.DataFrame({c: table.column(c).to_numpy(zero_copy_only=False).astype(np.float32).astype(np.float64) for c in feats})
    y = table.column(target).to_numpy(zero_copy_only=False)
    return X, y, feats


TREE_MODELS = ("random_forest", "decision_tree", "gradient_boosting")
SILHOUETTE_ROWS = 2000  # as workflows/steps/kit/evaluation.ts


def estimator(algorithm: str, rows: int):
    """The estimator workflows/ml/fit.py makes for the train step's default parameters."""
    if algorithm == "random_forest":
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(n_estimators=100, max_depth=None, min_samples_leaf=1, max_features="sqrt", random_state=0, n_jobs=-1)
    if algorithm == "decision_tree":
        from sklearn.tree import DecisionTreeClassifier

        return DecisionTreeClassifier(max_depth=None, min_samples_leaf=1, random_state=0)
    if algorithm == "gradient_boosting":
        from lightgbm import LGBMClassifier

        return LGBMClassifier(
            n_estimators=100,
            learning_rate=0.1,
            num_leaves=31,
            max_depth=-1,
            min_child_samples=20,
            subsample=1.0,
            subsample_freq=0,
            random_state=0,
            importance_type="gain",
            n_jobs=1 if rows < 20_000 else -1,
            verbose=-1,
        )
    if algorithm == "kmeans":
        from sklearn.cluster import KMeans

        return KMeans(n_clusters=3, max_iter=300, random_state=0, n_init=10)
    if algorithm == "logistic_regression":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=1.0, max_iter=1000, fit_intercept=True)
    if algorithm == "linear_regression":
        from sklearn.linear_model import LinearRegression

        return LinearRegression(fit_intercept=True)
    raise SystemExit(f"unknown algorithm {algorithm}")


def silhouette(X, labels) -> float:
    """The evaluate step's silhouette: evenly spaced rows (at most SILHOUETTE_ROWS, as its thin()), each
    number feature imputed with its mean over them and standardised."""
    from sklearn.metrics import silhouette_score

    n = len(labels)
    if n > SILHOUETTE_ROWS:
        rows = np.floor(np.arange(SILHOUETTE_ROWS) * (n - 1) / (SILHOUETTE_ROWS - 1) + 0.5).astype(np.int64)
    else:
        rows = np.arange(n)
    P = X.to_numpy(dtype=np.float64)[rows]
    mean = np.nanmean(P, axis=0)
    P = np.where(np.isnan(P), mean, P)
    sd = P.std(axis=0)
    P = (P - mean) / np.where(sd == 0, 1, sd)
    return float(silhouette_score(P, np.asarray(labels)[rows]))


def fit(algorithm: str, train: str, test: str, target: str) -> None:
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.metrics import accuracy_score, r2_score
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    X, y, feats = matrix(train, target)
    Xt, yt, _ = matrix(test, target)
    if algorithm == "kmeans":
        y = yt = None

    def pipeline(rows: int):
        steps = [("impute", SimpleImputer(strategy="median"))]
        if algorithm not in TREE_MODELS:
            steps.append(("scale", StandardScaler()))
        pre = ColumnTransformer([("num", Pipeline(steps), feats)], remainder="drop", sparse_threshold=0.0)
        return Pipeline([("pre", pre), ("model", estimator(algorithm, rows))])

    pipeline(2000).fit(X.iloc[:2000], None if y is None else y[:2000])
    pipe = pipeline(len(X))
    t0, c0 = time.perf_counter(), time.process_time()
    pipe.fit(X, y)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    pred = pipe.predict(Xt)
    if algorithm == "kmeans":
        metric = silhouette(Xt, pred)
    elif algorithm == "linear_regression":
        metric = float(r2_score(yt, pred))
    else:
        metric = float(accuracy_score(yt, pred))
    print(json.dumps({"seconds": seconds, "cpuSeconds": cpu, "metric": metric}))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "fit":
        fit(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        raise SystemExit(__doc__)
