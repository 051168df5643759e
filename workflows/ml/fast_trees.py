"""Faster, smaller ONNX export of scikit-learn tree ensembles (random forests, decision trees).

skl2onnx turns each tree node into ONNX attributes in a Python loop, one node at a time: for a forest
of 100 deep trees (a million nodes) that loop was two thirds of the export. `install()` replaces it with
the same computation on whole numpy arrays (the same attribute values, in the same order), and
`slim(model)` drops what the scorer never needs:
  * class weights of 0 at a leaf (a pure leaf of a 3-class forest lists 3 weights, 2 of them 0; an
    unlisted class adds nothing to its score either), keeping one entry per leaf;
  * nodes_hitrates (all 1.0) and nodes_missing_value_tracks_true (all 0), both optional with those defaults.
Predictions are unchanged: test_fast_trees.py holds them equal to scikit-learn's and to skl2onnx's own.
"""

from __future__ import annotations

import numpy as np

_original = None

# Leaf weights of exactly 0 are left out of the attribute lists (see slim()).
DROP_ZERO_LEAF_WEIGHTS = True


def _thresholds_float32(dy: np.ndarray) -> np.ndarray:
    """skl2onnx's sklearn_threshold for float inputs, vectorised: the largest float32 w with
    (float)x <= dy  <=>  (float)x <= w."""
    fy = dy.astype(np.float32)
    down = fy > dy
    fy[down] = np.nextafter(fy[down], np.float32(-np.inf))
    return fy.astype(np.float64)


def add_tree_to_attribute_pairs(
    attr_pairs,
    is_classifier,
    tree,
    tree_id,
    tree_weight,
    weight_id_bias,
    leaf_weights_are_counts,
    adjust_threshold_for_sklearn=False,
    dtype=None,
):
    """Same signature and result as skl2onnx.common.tree_ensemble.add_tree_to_attribute_pairs."""
    from skl2onnx.common.tree_ensemble import sklearn_threshold

    n = int(tree.node_count)
    ids = np.arange(n)
    left = np.asarray(tree.children_left[:n], dtype=np.int64)
    right = np.asarray(tree.children_right[:n], dtype=np.int64)
    branch = (left > ids) | (right > ids)
    leaf = ~branch

    thresholds = np.asarray(tree.threshold[:n], dtype=np.float64)
    if adjust_threshold_for_sklearn:
        if dtype == np.float32:
            adjusted = _thresholds_float32(thresholds)
        else:
            adjusted = np.array([sklearn_threshold(t, dtype, "BRANCH_LEQ") for t in thresholds], dtype=np.float64)
    else:
        adjusted = thresholds
    values = np.where(branch, adjusted, 0.0)

    attr_pairs["nodes_treeids"].extend([tree_id] * n)
    attr_pairs["nodes_nodeids"].extend(ids.tolist())
    attr_pairs["nodes_featureids"].extend(np.where(branch, np.asarray(tree.feature[:n], dtype=np.int64), 0).tolist())
    attr_pairs["nodes_modes"].extend(np.where(branch, "BRANCH_LEQ", "LEAF").tolist())
    attr_pairs["nodes_values"].extend(values.tolist())
    attr_pairs["nodes_truenodeids"].extend(np.where(branch, left, 0).tolist())
    attr_pairs["nodes_falsenodeids"].extend(np.where(branch, right, 0).tolist())
    attr_pairs["nodes_missing_value_tracks_true"].extend([0] * n)
    attr_pairs["nodes_hitrates"].extend([1.0] * n)

    leaf_ids = ids[leaf]
    weights = np.asarray(tree.value, dtype=np.float64)[leaf_ids].reshape(len(leaf_ids), -1)
    factor = np.full(len(leaf_ids), float(tree_weight))
    if leaf_weights_are_counts:
        total = weights[:, 0].copy()
        for j in range(1, weights.shape[1]):  # summed left to right, as Python's sum() does
            total += weights[:, j]
        factor = factor / np.where(total != 0.0, total, 1.0)
    weights = weights * factor[:, None]
    if weights.shape[1] == 2 and is_classifier:
        weights = weights[:, 1:]
    k = weights.shape[1]
    node_of = np.repeat(leaf_ids, k)
    which = np.tile(np.arange(k) + weight_id_bias, len(leaf_ids))
    flat = weights.ravel()
    if DROP_ZERO_LEAF_WEIGHTS and is_classifier and leaf_weights_are_counts:
        keep = weights != 0.0
        keep[~keep.any(axis=1), 0] = True  # every leaf keeps one entry, as the ONNX spec expects
        keep = keep.ravel()
        node_of, which, flat = node_of[keep], which[keep], flat[keep]
    prefix = "class" if is_classifier else "target"
    attr_pairs[f"{prefix}_treeids"].extend([tree_id] * len(flat))
    attr_pairs[f"{prefix}_nodeids"].extend(node_of.tolist())
    attr_pairs[f"{prefix}_ids"].extend(which.tolist())
    attr_pairs[f"{prefix}_weights"].extend(flat.tolist())


def install() -> None:
    """Makes skl2onnx's forest and tree converters use the vectorised function (idempotent)."""
    global _original
    from skl2onnx.operator_converters import decision_tree, random_forest

    if _original is None:
        _original = random_forest.add_tree_to_attribute_pairs
    random_forest.add_tree_to_attribute_pairs = add_tree_to_attribute_pairs
    decision_tree.add_tree_to_attribute_pairs = add_tree_to_attribute_pairs


def uninstall() -> None:
    """Puts skl2onnx's own per-node loop back (for comparisons)."""
    from skl2onnx.operator_converters import decision_tree, random_forest

    if _original is not None:
        random_forest.add_tree_to_attribute_pairs = _original
        decision_tree.add_tree_to_attribute_pairs = _original


_OPTIONAL_DEFAULTS = {"nodes_hitrates": 1.0, "nodes_missing_value_tracks_true": 0}


def slim(model) -> None:
    """Removes tree-ensemble attributes that only repeat their default (see the module doc)."""
    for node in model.graph.node:
        if node.domain != "ai.onnx.ml" or not node.op_type.startswith("TreeEnsemble"):
            continue
        drop = []
        for i, attr in enumerate(node.attribute):
            default = _OPTIONAL_DEFAULTS.get(attr.name)
            if default is None:
                continue
            values = attr.floats if attr.name == "nodes_hitrates" else attr.ints
            if len(values) == 0 or np.all(np.asarray(values) == default):
                drop.append(i)
        for i in reversed(drop):
            del node.attribute[i]
