"""Checks fast_trees.py against skl2onnx's own export: run by test/unit/fast-trees.test.ts, prints JSON.

For each tree model: with zero weights kept, the vectorised export is byte for byte skl2onnx's (up to the
random graph name); slimmed, its outputs on fresh rows (with NaN) equal the unslimmed model's, as
computed by onnx's reference runtime, and its labels and scores equal scikit-learn's.
"""

from __future__ import annotations

import json
import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fast_trees  # noqa: E402


def main() -> None:
    from onnx.reference import ReferenceEvaluator
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    rng = np.random.default_rng(3)
    X = rng.normal(size=(4000, 6)).astype(np.float32)
    X[rng.random(X.shape) < 0.05] = np.nan
    Xf = np.nan_to_num(X)
    three = (Xf[:, 0] > 0).astype(np.int64) + (Xf[:, 1] * Xf[:, 2] > 0.3)
    two = (Xf[:, 3] + rng.normal(size=len(X)) > 0).astype(np.int64)
    reg = Xf[:, 0] * 3 + np.sin(Xf[:, 1]) + rng.normal(scale=0.1, size=len(X))
    fresh = rng.normal(size=(500, 6)).astype(np.float32)
    fresh[rng.random(fresh.shape) < 0.05] = np.nan

    def pipe(est):
        return Pipeline([("impute", SimpleImputer(strategy="median")), ("model", est)])

    cases = [
        ("forest, 3 classes", pipe(RandomForestClassifier(25, random_state=0, n_jobs=1)), three),
        ("forest, 2 classes", pipe(RandomForestClassifier(25, max_depth=8, random_state=0, n_jobs=1)), two),
        ("forest, regression", pipe(RandomForestRegressor(15, random_state=0, n_jobs=1)), reg),
        ("tree, 3 classes", pipe(DecisionTreeClassifier(random_state=0)), three),
        ("tree, regression", pipe(DecisionTreeRegressor(max_depth=12, random_state=0)), reg),
    ]
    out = []
    for name, model, y in cases:
        model.fit(X, y)
        est = model.named_steps["model"]
        classifier = hasattr(est, "classes_")

        def convert():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return convert_sklearn(
                    model,
                    initial_types=[("x", FloatTensorType([None, X.shape[1]]))],
                    target_opset={"": 18, "ai.onnx.ml": 3},
                    options={id(est): {"zipmap": False}} if classifier else None,
                )

        fast_trees.uninstall()
        theirs = convert()
        fast_trees.DROP_ZERO_LEAF_WEIGHTS = False
        fast_trees.install()
        ours = convert()
        fast_trees.finish(ours, slim=False)
        ours.graph.name = theirs.graph.name
        fast_trees.DROP_ZERO_LEAF_WEIGHTS = True
        fast_trees.install()
        slim = convert()
        fast_trees.finish(slim)

        full_out = ReferenceEvaluator(theirs).run(None, {"x": fresh})
        slim_out = ReferenceEvaluator(slim).run(None, {"x": fresh})
        same_outputs = all(np.allclose(a, b, rtol=0, atol=1e-6) for a, b in zip(full_out, slim_out))
        if classifier:
            sklearn_equal = bool(np.array_equal(slim_out[0], model.predict(fresh))) and bool(
                np.allclose(slim_out[1], model.predict_proba(fresh), atol=1e-5)
            )
        else:
            sklearn_equal = bool(np.allclose(slim_out[0].ravel(), model.predict(fresh), rtol=1e-5, atol=1e-4))
        out.append(
            {
                "case": name,
                "identicalToSkl2onnx": ours.SerializeToString() == theirs.SerializeToString(),
                "slimOutputsEqual": bool(same_outputs),
                "slimEqualsSklearn": sklearn_equal,
                "bytes": len(theirs.SerializeToString()),
                "slimBytes": len(slim.SerializeToString()),
            }
        )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
