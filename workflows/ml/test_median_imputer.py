"""MedianImputer learns exactly SimpleImputer(strategy="median")'s statistics and exports the same ONNX.

Run: .millrace/python/bin/python workflows/ml/test_median_imputer.py — prints one JSON object, each
check's name with "ok" or what failed (test/unit/median-imputer.test.ts runs it)."""

import json
import os
import sys
import traceback

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))

from median_imputer import MedianImputer  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402


def columns():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2001, 7))
    X[rng.random(X.shape) < 0.1] = np.nan
    X[:, 2] = np.nan  # all missing
    X[:, 3] = np.round(X[:, 3], 1)  # ties
    X[::3, 4] = 1e300 * np.sign(X[::3, 4])  # extremes (SimpleImputer refuses infinities, as the fitter does)
    X[:, 5] = 4.0  # constant
    return X


def test_same_statistics_odd_and_even_counts_and_empty_columns():
    X = columns()
    for rows in (X, X[:-1], X[:2], X[:1]):
        for keep in (False, True):
            for indicator in (False, True):
                ours = MedianImputer(strategy="median", keep_empty_features=keep, add_indicator=indicator).fit(rows)
                theirs = SimpleImputer(strategy="median", keep_empty_features=keep, add_indicator=indicator).fit(rows)
                np.testing.assert_array_equal(ours.statistics_, theirs.statistics_)
                np.testing.assert_array_equal(ours.transform(rows), theirs.transform(rows))


def test_other_strategies_are_simple_imputers():
    X = columns()
    for strategy in ("mean", "most_frequent", "constant"):
        ours = MedianImputer(strategy=strategy, fill_value=0.5).fit(X)
        theirs = SimpleImputer(strategy=strategy, fill_value=0.5).fit(X)
        # "constant" keeps its statistics in an object array, where NaN never equals NaN: compare as numbers.
        np.testing.assert_array_equal(ours.statistics_.astype(float), theirs.statistics_.astype(float))
        np.testing.assert_array_equal(ours.transform(X), theirs.transform(X))


def test_onnx_export_is_simple_imputers():
    import median_imputer
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    median_imputer.register_converter()
    X = columns()[:, [0, 1, 3, 5]].astype(np.float32)
    ours = convert_sklearn(MedianImputer(strategy="median").fit(X), initial_types=[("x", FloatTensorType([None, 4]))], target_opset=17)
    theirs = convert_sklearn(SimpleImputer(strategy="median").fit(X), initial_types=[("x", FloatTensorType([None, 4]))], target_opset=17)
    assert [n.op_type for n in ours.graph.node] == [n.op_type for n in theirs.graph.node]
    assert [list(n.attribute) for n in ours.graph.node] == [list(n.attribute) for n in theirs.graph.node]


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore", UserWarning)  # "Skipping features without any observed values", from both
    results = {}
    for name, check in list(globals().items()):
        if name.startswith("test_") and callable(check):
            try:
                check()
                results[name] = "ok"
            except Exception:  # noqa: BLE001
                results[name] = traceback.format_exc()
    print(json.dumps(results))
