"""Faster, smaller ONNX export of scikit-learn tree ensembles (random forests, decision trees).

skl2onnx turns each tree node into ONNX attributes in a Python loop, one node at a time, then copies
the node's million-element attribute lists several times while it assembles and tidies the graph: for
a forest of 100 deep trees that was most of the export. `install()` replaces the loop with the same
computation on whole numpy arrays and hands skl2onnx a one-element placeholder per attribute;
`finish(model)` then writes the real values into the finished graph once (the same values, in the same
order: byte for byte skl2onnx's model) and, with `slim`, drops what the scorer never needs:
  * class weights of 0 at a leaf (a pure leaf of a 3-class forest lists 3 weights, 2 of them 0; an
    unlisted class adds nothing to its score either), keeping one entry per leaf;
  * nodes_hitrates (all 1.0) and nodes_missing_value_tracks_true (all 0), both optional with those defaults.
Predictions are unchanged: test_fast_trees.py holds them equal to scikit-learn's and to skl2onnx's own.
"""

from __future__ import annotations

import threading

import numpy as np

_original = None
_original_enumerate = None
# The attribute values of the tree-ensemble nodes of the conversion running in this thread, by node
# name, until finish() writes them (a fit worker converts in several threads at once).
_pending = threading.local()
_FLOAT_ATTRIBUTES = {"nodes_values", "class_weights", "target_weights", "nodes_hitrates"}

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

    _defer(attr_pairs, "nodes_treeids", np.full(n, tree_id, dtype=np.int64))
    _defer(attr_pairs, "nodes_nodeids", ids)
    _defer(attr_pairs, "nodes_featureids", np.where(branch, np.asarray(tree.feature[:n], dtype=np.int64), 0))
    _defer(attr_pairs, "nodes_modes", np.where(branch, b"BRANCH_LEQ", b"LEAF"))  # bytes, as the proto holds them
    _defer(attr_pairs, "nodes_values", values)
    _defer(attr_pairs, "nodes_truenodeids", np.where(branch, left, 0))
    _defer(attr_pairs, "nodes_falsenodeids", np.where(branch, right, 0))
    _defer(attr_pairs, "nodes_missing_value_tracks_true", np.zeros(n, dtype=np.int64))
    _defer(attr_pairs, "nodes_hitrates", np.ones(n))

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
    _defer(attr_pairs, f"{prefix}_treeids", np.full(len(flat), tree_id, dtype=np.int64))
    _defer(attr_pairs, f"{prefix}_nodeids", node_of)
    _defer(attr_pairs, f"{prefix}_ids", which)
    _defer(attr_pairs, f"{prefix}_weights", flat)


def _defer(attr_pairs, key: str, values: np.ndarray) -> None:
    """Keeps `values` for finish() and gives skl2onnx one element of the right type in their place."""
    if len(values) == 0:
        return
    node = _pending.nodes.setdefault(attr_pairs["name"], {})
    node.setdefault(key, []).append(values)
    if not attr_pairs[key]:
        attr_pairs[key].append(values[:1].tolist()[0])


def install() -> None:
    """Makes skl2onnx's forest and tree converters use the vectorised function, for one conversion in
    this thread: convert_sklearn, then finish(). (Their decision_path and decision_leaf options are not
    supported while installed.)"""
    global _original
    from skl2onnx.operator_converters import decision_tree, random_forest

    global _original_enumerate
    from skl2onnx.common import utils_sklearn

    _pending.nodes = {}
    if _original is None:
        _original = random_forest.add_tree_to_attribute_pairs
        _original_enumerate = utils_sklearn.enumerate_model_names
    random_forest.add_tree_to_attribute_pairs = add_tree_to_attribute_pairs
    decision_tree.add_tree_to_attribute_pairs = add_tree_to_attribute_pairs
    utils_sklearn.enumerate_model_names = _enumerate_model_names


def _enumerate_model_names(model, prefix="", short=True):
    """skl2onnx's walk over a model's parts (to place conversion options), stopping at a forest: the
    walk reads every fitted attribute, and a forest's estimators_samples_ redraws every bootstrap
    sample (a second or more for 100 trees on 80,000 rows). Options never go to a forest's trees."""
    from sklearn.ensemble._forest import BaseForest

    if isinstance(model, BaseForest):
        yield (prefix, model)
        return
    yield from _original_enumerate(model, prefix, short)


def uninstall() -> None:
    """Puts skl2onnx's own per-node loop back (for comparisons)."""
    from skl2onnx.common import utils_sklearn
    from skl2onnx.operator_converters import decision_tree, random_forest

    if _original is not None:
        random_forest.add_tree_to_attribute_pairs = _original
        decision_tree.add_tree_to_attribute_pairs = _original
        utils_sklearn.enumerate_model_names = _original_enumerate


_OPTIONAL_DEFAULTS = {"nodes_hitrates": 1.0, "nodes_missing_value_tracks_true": 0}


def finish(model, slim: bool = True) -> None:
    """Writes the deferred attribute values into the converted model; with `slim`, also removes what
    only repeats a default (see the module doc)."""
    pending = getattr(_pending, "nodes", None) or {}
    for node in model.graph.node:
        if node.domain != "ai.onnx.ml" or not node.op_type.startswith("TreeEnsemble"):
            continue
        deferred = pending.pop(node.name, {})
        for attr in node.attribute:
            parts = deferred.get(attr.name)
            if not parts:
                continue
            values = np.concatenate(parts)
            if attr.name in _FLOAT_ATTRIBUTES:
                del attr.floats[:]
                attr.floats.extend(values.astype(np.float32).tolist())
            elif attr.name == "nodes_modes":
                del attr.strings[:]
                attr.strings.extend(values.tolist() if values.dtype.kind == "S" else [m.encode() for m in values.tolist()])
            else:
                del attr.ints[:]
                attr.ints.extend(values.tolist())
        if slim:
            _slim(node)
    _pending.nodes = {}


def _slim(node) -> None:
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
