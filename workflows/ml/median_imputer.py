"""SimpleImputer(strategy="median") that finds its medians in linear time.

scikit-learn computes a median imputer's statistics with numpy's masked-array median, which sorts
every column (80,000 rows x 20 columns: 50-150 ms, often most of a linear model's fit). numpy's
nanmedian selects the middle values instead (about 17 ms on the same rows) and gives the same numbers,
the two middle values averaged for an even count alike. Everything else (transform, the missing
indicator, empty columns, cloning for cross-validation, ONNX export) is SimpleImputer's own.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.impute import SimpleImputer


class MedianImputer(SimpleImputer):
    def _dense_fit(self, X, strategy, missing_values, fill_value):
        if strategy != "median" or X.dtype.kind != "f" or not _is_nan(missing_values):
            return super()._dense_fit(X, strategy, missing_values, fill_value)
        missing = np.isnan(X)
        self._fit_indicator(missing)
        with warnings.catch_warnings():
            # An all-missing column: nanmedian warns and answers NaN, as SimpleImputer's statistic is.
            warnings.simplefilter("ignore", RuntimeWarning)
            median = np.nanmedian(X, axis=0)
        if self.keep_empty_features:
            median[missing.all(axis=0)] = 0
        return median


def _is_nan(value) -> bool:
    return isinstance(value, float) and value != value


_registered = False


def register_converter() -> None:
    """Exports to ONNX exactly as a SimpleImputer (same converter, same shape calculator)."""
    global _registered
    if _registered:
        return
    from skl2onnx import update_registered_converter
    from skl2onnx.operator_converters.imputer_op import convert_sklearn_imputer
    from skl2onnx.shape_calculators.imputer import calculate_sklearn_imputer_output_shapes

    update_registered_converter(MedianImputer, "MillraceMedianImputer", calculate_sklearn_imputer_output_shapes, convert_sklearn_imputer)
    _registered = True
