"""Writes LightGBM models exported by fast_lightgbm.py (and by onnxmltools, for comparison) with fresh rows
and LightGBM's own predictions on them, for test/unit/fast-lightgbm.test.ts to score with onnxruntime-node.

  python test_fast_lightgbm.py OUT_DIR

For each case: OUT_DIR/CASE.fast.onnx, OUT_DIR/CASE.onnxmltools.onnx (or none when onnxmltools cannot
convert it) and OUT_DIR/CASE.json {"rows": [[x, …]], "labels"?: […], "probabilities"?: [[…]],
"values"?: […], "fast": bool} where null stands for NaN; prints the case names as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fast_lightgbm  # noqa: E402
import fit  # noqa: E402


def main(out_dir: str) -> None:
    from lightgbm import LGBMClassifier, LGBMRegressor
    from onnxmltools.convert.lightgbm.operator_converters import LightGbm
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    rng = np.random.default_rng(5)
    n, f = 3000, 6
    X = rng.normal(size=(n, f)).astype(np.float32)
    X[rng.random(X.shape) < 0.08] = np.nan  # NaN is a value LightGBM learns a direction for
    X[:, 5] = np.round(X[:, 5] * 2) / 2  # many rows exactly on split thresholds
    Xf = np.nan_to_num(X)
    score = Xf[:, 0] + 0.8 * Xf[:, 1] * Xf[:, 2] - 0.5 * Xf[:, 5] + rng.normal(scale=0.5, size=n)
    three = np.where(score < -0.5, "low", np.where(score < 0.7, "mid", "high"))
    two = (score > 0).astype(np.int64)
    amount = 3 * Xf[:, 4] - 2 * Xf[:, 5] + rng.normal(size=n) + 50
    fresh = np.concatenate([X[:200], rng.normal(size=(300, f)).astype(np.float32)])
    fresh[200:][rng.random((300, f)) < 0.08] = np.nan
    fresh[200:, 5] = np.round(fresh[200:, 5] * 2) / 2

    base = dict(n_estimators=40, verbose=-1, random_state=0, n_jobs=1)
    cases = [
        ("3 classes", LGBMClassifier(**base), three),
        ("2 classes", LGBMClassifier(**base), two),
        ("regression", LGBMRegressor(**base), amount),
        # missing type None: LightGBM reads NaN as 0
        ("regression, NaN as zero", LGBMRegressor(**base, use_missing=False), amount),
        # trees of one leaf: nothing left to learn after the first rounds
        ("one-leaf trees", LGBMRegressor(n_estimators=5, min_child_samples=5000, verbose=-1), amount),
        # zero as missing is not handled by the fast path; onnxmltools converts it
        ("zero as missing (onnxmltools)", LGBMRegressor(**base, zero_as_missing=True), amount),
    ]
    fit.register_lightgbm_converters()
    written = []
    for name, model, y in cases:
        model.fit(X, y)
        classifier = hasattr(model, "classes_")
        slug = name.split(" (")[0].replace(" ", "-").replace(",", "")

        def convert():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return convert_sklearn(
                    model,
                    initial_types=[("x", FloatTensorType([None, f]))],
                    target_opset=fit.TARGET_OPSET,
                    options={id(model): {"zipmap": False}} if classifier else None,
                )

        fast = fast_lightgbm.supported(model)
        with open(os.path.join(out_dir, f"{slug}.fast.onnx"), "wb") as fh:
            fh.write(convert().SerializeToString())
        original = fast_lightgbm.convert
        fast_lightgbm.convert = lambda scope, operator, container, fallback: fallback(scope, operator, container)
        try:
            with open(os.path.join(out_dir, f"{slug}.onnxmltools.onnx"), "wb") as fh:
                fh.write(convert().SerializeToString())
        finally:
            fast_lightgbm.convert = original
        expected: dict = {"rows": [[None if np.isnan(v) else float(v) for v in row] for row in fresh], "fast": fast}
        if classifier:
            expected["labels"] = [c.item() if hasattr(c, "item") else c for c in model.predict(fresh)]
            expected["probabilities"] = model.predict_proba(fresh).tolist()
        else:
            expected["values"] = model.predict(fresh).tolist()
        with open(os.path.join(out_dir, f"{slug}.json"), "w") as fh:
            json.dump(expected, fh)
        written.append(slug)
    print(json.dumps(written))


if __name__ == "__main__":
    main(sys.argv[1])
