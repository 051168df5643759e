"""The libraries' own side of the train benchmark (test/bench/train.ts), run in Millrace's venv.

  python train_baseline.py make OUT.parquet ROWS
      a synthetic table: 20 number features (1% missing), "label" (3 classes) and "amount" (number).
  python train_baseline.py fit ALGORITHM TRAIN.parquet TEST.parquet TARGET
      scikit-learn's own fit, with the preprocessing and parameters workflows/ml/fit.py uses, on the
      same rows the train step saw; prints {"seconds": s, "cpuSeconds": c, "metric": m} (the fit's wall
      and CPU time, all threads; accuracy or R² on TEST).
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


def estimator(algorithm: str):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LinearRegression, LogisticRegression

    if algorithm == "random_forest":
        return RandomForestClassifier(n_estimators=100, max_depth=None, min_samples_leaf=1, max_features="sqrt", random_state=0, n_jobs=-1)
    if algorithm == "logistic_regression":
        return LogisticRegression(C=1.0, max_iter=1000, fit_intercept=True)
    if algorithm == "linear_regression":
        return LinearRegression(fit_intercept=True)
    raise SystemExit(f"unknown algorithm {algorithm}")


def fit(algorithm: str, train: str, test: str, target: str) -> None:
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.metrics import accuracy_score, r2_score
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    X, y, feats = matrix(train, target)
    Xt, yt, _ = matrix(test, target)

    def pipeline():
        steps = [("impute", SimpleImputer(strategy="median"))]
        if algorithm != "random_forest":
            steps.append(("scale", StandardScaler()))
        pre = ColumnTransformer([("num", Pipeline(steps), feats)], remainder="drop", sparse_threshold=0.0)
        return Pipeline([("pre", pre), ("model", estimator(algorithm))])

    pipeline().fit(X.iloc[:2000], y[:2000])
    pipe = pipeline()
    t0, c0 = time.perf_counter(), time.process_time()
    pipe.fit(X, y)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    pred = pipe.predict(Xt)
    metric = float(accuracy_score(yt, pred)) if algorithm != "linear_regression" else float(r2_score(yt, pred))
    print(json.dumps({"seconds": seconds, "cpuSeconds": cpu, "metric": metric}))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "fit":
        fit(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        raise SystemExit(__doc__)
