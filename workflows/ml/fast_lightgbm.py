"""Fast ONNX export of LightGBM models (a skl2onnx converter for LGBMClassifier and LGBMRegressor).

onnxmltools' converter asks LightGBM for its JSON dump, parses it into nested dicts, deep-copies them,
walks every node in Python and sorts the node lists: for 100 boosting rounds of 3 classes that was a
quarter of the fit. This reads the booster's own text model instead (`model_to_string`: per tree, one
line of numbers per node attribute) straight into numpy arrays and builds the same TreeEnsemble node.

Semantics (held equal to LightGBM's own predictions by test_fast_lightgbm.py, NaN included):
  * a numeric split sends x left when x <= threshold. Thresholds are doubles; every input here is a
    float32, and for a float32 x, x <= t exactly when x <= t rounded *down* to a float32, so that is
    what is stored (rounding to nearest could flip a row whose value sits just above t);
  * a missing value (NaN) goes the split's default way when its missing type is NaN; with missing type
    None LightGBM reads NaN as 0, so it goes left when 0 <= threshold;
  * leaf values already include the learning rate; the first tree already includes the initial score;
  * binary: one score, logistic; multiclass: tree i adds to class i mod K, softmax; regression: the sum.
Anything else (categorical splits, linear trees, zero-as-missing, other objectives or boosting types)
is left to onnxmltools' converter: `supported(model)` says which.
"""

from __future__ import annotations

import numpy as np

_DEFAULT_LEFT = 2
_MISSING_SHIFT = 2
_MISSING_NONE, _MISSING_ZERO, _MISSING_NAN = 0, 1, 2


class _Trees:
    """The trees of a booster's text model as flat arrays (one entry per ONNX node, tree by tree)."""

    def __init__(self, text: str):
        header, _, rest = text.partition("\nTree=")
        self.header = dict(line.split("=", 1) for line in header.splitlines() if "=" in line)
        body = rest.split("end of trees", 1)[0]
        self.trees = [dict(line.split("=", 1) for line in block.splitlines()[1:] if "=" in line) for block in body.split("\nTree=")]

    def objective(self) -> tuple[str, dict[str, str]]:
        name, *args = self.header.get("objective", "").split(" ")
        return name, dict(a.split(":", 1) for a in args if ":" in a)

    def unsupported(self) -> str | None:
        for t in self.trees:
            if t.get("num_cat", "0") != "0":
                return "categorical splits"
            if t.get("is_linear", "0") != "0":
                return "linear trees"
            if "decision_type" in t:
                missing = (np.array(t["decision_type"].split(), dtype=np.int64) >> _MISSING_SHIFT) & 3
                if np.any(missing == _MISSING_ZERO):
                    return "zero as missing"
        return None

    def arrays(self, classes: int):
        """Node and leaf attributes of the TreeEnsemble operator (ids are per tree: the internal nodes
        first, in LightGBM's order, then the leaves)."""
        nodes = {k: [] for k in ("treeids", "nodeids", "featureids", "modes", "values", "true", "false", "missing")}
        leaves = {k: [] for k in ("treeids", "nodeids", "ids", "weights")}
        for tree_id, t in enumerate(self.trees):
            leaf_values = np.array(t["leaf_value"].split(), dtype=np.float64)
            n_leaves = len(leaf_values)
            n_split = n_leaves - 1
            if n_split > 0:
                thresholds = np.array(t["threshold"].split(), dtype=np.float64)
                decision = np.array(t["decision_type"].split(), dtype=np.int64)
                left = np.array(t["left_child"].split(), dtype=np.int64)
                right = np.array(t["right_child"].split(), dtype=np.int64)
                default_left = (decision & _DEFAULT_LEFT) != 0
                missing = (decision >> _MISSING_SHIFT) & 3
                nodes["featureids"].append(np.array(t["split_feature"].split(), dtype=np.int64))
                nodes["values"].append(_round_down_float32(thresholds))
                # A child below 0 is leaf ~child, numbered after the splits.
                nodes["true"].append(np.where(left >= 0, left, n_split + ~left))
                nodes["false"].append(np.where(right >= 0, right, n_split + ~right))
                nodes["missing"].append(np.where(missing == _MISSING_NAN, default_left, thresholds >= 0.0).astype(np.int64))
            n = n_split + n_leaves
            nodes["treeids"].append(np.full(n, tree_id, dtype=np.int64))
            nodes["nodeids"].append(np.arange(n, dtype=np.int64))
            nodes["modes"].append(np.array([b"BRANCH_LEQ"] * n_split + [b"LEAF"] * n_leaves))
            zeros = np.zeros(n_leaves, dtype=np.int64)
            nodes["featureids"].append(zeros)
            nodes["values"].append(np.zeros(n_leaves))
            nodes["true"].append(zeros)
            nodes["false"].append(zeros)
            nodes["missing"].append(zeros)
            leaves["treeids"].append(np.full(n_leaves, tree_id, dtype=np.int64))
            leaves["nodeids"].append(np.arange(n_split, n, dtype=np.int64))
            leaves["ids"].append(np.full(n_leaves, tree_id % classes, dtype=np.int64))
            leaves["weights"].append(leaf_values)
        # Every list holds, tree by tree, the tree's splits (none for a one-leaf tree) and then its leaves.
        return {k: np.concatenate(v) for k, v in nodes.items()}, {k: np.concatenate(v) for k, v in leaves.items()}


def _round_down_float32(t: np.ndarray) -> np.ndarray:
    """The largest float32 not above each double (see the module doc)."""
    f = t.astype(np.float32)
    above = f.astype(np.float64) > t
    f[above] = np.nextafter(f[above], np.float32(-np.inf))
    return f.astype(np.float64)


def _parse(model) -> tuple[_Trees | None, str | None]:
    booster = model.booster_
    trees = _Trees(booster.model_to_string())
    objective, args = trees.objective()
    boosting = getattr(model, "boosting_type", "gbdt")
    if boosting not in ("gbdt", "goss"):
        return None, f"boosting type {boosting}"
    if objective not in ("binary", "multiclass", "multiclassova", "regression"):
        return None, f"objective {objective}"
    if objective == "binary" and float(args.get("sigmoid", "1")) != 1.0:
        return None, "a sigmoid other than 1"
    if objective == "multiclassova":
        return None, "one-vs-all multiclass"
    why = trees.unsupported()
    return (None, why) if why else (trees, None)


def supported(model) -> bool:
    return _parse(model)[0] is not None


def convert(scope, operator, container, fallback) -> None:
    """skl2onnx converter: the fast path when the model allows it, else `fallback` (onnxmltools')."""
    model = operator.raw_operator
    trees, _ = _parse(model)
    if trees is None:
        fallback(scope, operator, container)
        return
    objective, _ = trees.objective()
    classes = int(trees.header.get("num_class", "1")) if objective == "multiclass" else 1
    nodes, leaves = trees.arrays(classes)
    attrs = {
        "nodes_treeids": nodes["treeids"].tolist(),
        "nodes_nodeids": nodes["nodeids"].tolist(),
        "nodes_featureids": nodes["featureids"].astype(np.int64).tolist(),
        "nodes_modes": nodes["modes"].tolist(),
        "nodes_values": nodes["values"].astype(np.float32).tolist(),
        "nodes_truenodeids": nodes["true"].astype(np.int64).tolist(),
        "nodes_falsenodeids": nodes["false"].astype(np.int64).tolist(),
        "nodes_missing_value_tracks_true": nodes["missing"].astype(np.int64).tolist(),
    }
    weights = leaves["weights"].astype(np.float32).tolist()
    if objective == "regression":
        attrs.update(
            target_treeids=leaves["treeids"].tolist(),
            target_nodeids=leaves["nodeids"].tolist(),
            target_ids=leaves["ids"].tolist(),
            target_weights=weights,
            n_targets=1,
            post_transform="NONE",
        )
        container.add_node(
            "TreeEnsembleRegressor",
            operator.input_full_names,
            operator.output_full_names,
            op_domain="ai.onnx.ml",
            name=scope.get_unique_operator_name("TreeEnsembleRegressor"),
            **attrs,
        )
        return
    labels = list(model.classes_)
    if all(isinstance(c, (int, np.integer, bool, np.bool_)) for c in labels):
        attrs["classlabels_int64s"] = [int(c) for c in labels]
    else:
        attrs["classlabels_strings"] = [str(c) for c in labels]
    attrs.update(
        class_treeids=leaves["treeids"].tolist(),
        class_nodeids=leaves["nodeids"].tolist(),
        class_ids=leaves["ids"].tolist(),
        class_weights=weights,
        post_transform="LOGISTIC" if objective == "binary" else "SOFTMAX",
    )
    container.add_node(
        "TreeEnsembleClassifier",
        operator.input_full_names,
        [operator.outputs[0].full_name, operator.outputs[1].full_name],
        op_domain="ai.onnx.ml",
        name=scope.get_unique_operator_name("TreeEnsembleClassifier"),
        **attrs,
    )
