"""Every constructor parameter, every label and every starting value is checked at fit,
with a ValueError that names it and says what is valid, in plain values."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from oneneuron import LogisticRegression
from oneneuron._params import PARAMETERS, check_params

BAD = [
    (
        "solver",
        ["newton"],
        r"unknown solver \['newton'\]; valid: auto, gd, sgd, newton, lbfgs, newton-cg, proxnewton",
    ),
    ("alpha", 10**400, r"alpha must be a finite number >= 0 and <= 1e\+100; got an integer of 401"),
    ("alpha", np.float64(-1.0), r"alpha must be a finite number >= 0 and <= 1e\+100; got -1.0$"),
    ("l1_ratio", 1.5, r"l1_ratio must be a finite number >= 0 and <= 1; got 1.5$"),
    ("l1_ratio", -0.0 - 1e-9, "l1_ratio must be a finite number >= 0"),
    ("firth", "yes", "firth must be True or False; got 'yes'"),
    ("fit_intercept", "no", "fit_intercept must be True or False; got 'no'"),
    ("standardize", "no", "standardize must be True or False; got 'no'"),
    ("standardize", 1, "standardize must be True or False; got 1"),
    ("learning_rate", float("nan"), "learning_rate must be a finite number > 0"),
    ("batch_size", np.int64(0), "batch_size must be an integer >= 1 and <= 2\\*\\*63 - 1; got 0$"),
    ("momentum", 1, "momentum must be a finite number >= 0 and < 1; got 1"),
    ("lr_schedule", {"a": 1}, "unknown lr_schedule {'a': 1}; valid: constant, invscaling"),
    ("lr_schedule", ["constant"], "unknown lr_schedule \\['constant'\\]"),
    ("max_iter", 2.5, "max_iter must be an integer >= 0"),
    ("tol", 10**400, "tol must be a finite number >= 0 and <= 1e\\+100; got an integer of 401"),
    ("tol", "1e-6", "tol must be a finite number"),
    ("class_weight", "auto", "class_weight must be None, 'balanced' or a dict"),
    ("class_weight", {0: -1.0, 1: 1.0}, "class_weight\\[0\\] must be a finite number >= 0"),
    ("class_weight", {0: np.nan}, "class_weight\\[0\\] must be a finite number >= 0.*got nan"),
    ("class_weight", {0: np.inf}, "class_weight\\[0\\] must be a finite number >= 0.*got inf"),
    ("class_weight", {0: 0.0, 1: 0}, "class_weight is zero for every class"),
    ("class_weight", {(0, 1): 2.0}, "class_weight has a key \\(0, 1\\) that is not a label"),
    ("early_stopping", "yes", "early_stopping must be True or False; got 'yes'"),
    ("validation_fraction", 1.0, "validation_fraction must be a finite number > 0 and < 1"),
    ("n_iter_no_change", True, "n_iter_no_change must be an integer >= 1"),
    ("threshold", np.float32(2.0), "threshold must be a finite number >= 0 and <= 1; got 2.0$"),
    ("record_weights", None, "record_weights must be True or False; got None"),
    ("random_state", -1, "random_state must be None, an integer from 0 to 2\\*\\*64 - 1"),
    ("random_state", 2**64, "random_state must be None, an integer from 0 to 2\\*\\*64 - 1"),
    ("random_state", 1.5, "random_state must be None, an integer"),
    ("verbose", "loud", "verbose must be an integer >= 0 and <= 2\\*\\*63 - 1; got 'loud'"),
    ("verbose", -1, "verbose must be an integer >= 0"),
]


@pytest.mark.parametrize(("name", "value", "message"), BAD, ids=[b[0] for b in BAD])
def test_each_bad_parameter_is_named_with_what_is_valid(small, name, value, message):
    X, y = small
    with pytest.raises(ValueError, match=message) as info:
        LogisticRegression(**{name: value}).fit(X, y)
    assert "np." not in str(info.value)


def test_every_parameter_has_a_check_and_a_bad_value_tested():
    names = set(LogisticRegression().get_params())
    assert names == set(PARAMETERS)
    assert names == {name for name, _, _ in BAD}


def test_partial_fit_checks_its_parameters_too(small):
    X, y = small
    with pytest.raises(ValueError, match="verbose must be an integer"):
        LogisticRegression(verbose="loud").partial_fit(X, y, classes=[0, 1])


def _schema_params():
    text = resources.files("oneneuron").joinpath("schemas/model-v1.schema.json").read_text()
    return json.loads(text)["$defs"]["params"]["properties"]


def test_fit_takes_exactly_what_the_model_file_can_hold():
    """The schema's bounds and the parameter table's are the same numbers: a model that
    fits can be saved, and a saved model holds values fit takes."""
    schema = _schema_params()
    for name, spec in schema.items():
        spec = dict(spec)
        top = spec.get("maximum")
        if name == "class_weight":
            check_params({name: {0: 1e12, 1: 0.0}})
            with pytest.raises(ValueError):
                check_params({name: {0: 1e12 * (1 + 1e-15), 1: 1.0}})
            continue
        if top is None:
            continue
        top = int(top) if "integer" in str(spec.get("type")) else float(top)
        check_params({name: top})
        above = top + 1 if isinstance(top, int) else top * (1 + 1e-15)
        with pytest.raises(ValueError, match=name):
            check_params({name: above})


def test_a_fitted_model_with_the_largest_values_saves_and_loads(small, tmp_path):
    from oneneuron import load

    X, y = small
    params = dict(alpha=1e100, tol=1e100, random_state=2**64 - 1, class_weight={0: 1e12})
    model = LogisticRegression(**params).fit(X, y)
    assert load(model.save(tmp_path / "m.json")).get_params() == model.get_params()


# ----------------------------------------------------------------------- starting values
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(coef_init=[np.nan, 0, 0, 0, 0]), "coef_init holds nan at index 0; it must be finite"),
        (dict(coef_init=np.zeros((5, 1))), r"must have shape \(5,\) or \(1, 5\); got \(5, 1\)"),
        (dict(coef_init=np.zeros(3)), "coef_init has 3 values; X has 5 features"),
        (dict(coef_init="abc"), "coef_init must hold numbers; got 'abc'"),
        (dict(intercept_init=np.inf), "intercept_init holds inf at index 0"),
        (dict(intercept_init=[1.0, 2.0]), r"intercept_init has 2 values.*shape \(\) or \(1,\)"),
    ],
)
def test_starting_values_are_checked(small, kwargs, message):
    with pytest.raises(ValueError, match=message):
        LogisticRegression().fit(*small, **kwargs)


def test_good_starting_values_are_used(small):
    X, y = small
    model = LogisticRegression(solver="gd", max_iter=0, tol=None)
    model.fit(X, y, coef_init=np.ones((1, 5)), intercept_init=np.array([0.5]))
    np.testing.assert_array_equal(model.coef_, np.ones((1, 5)))
    assert model.intercept_[0] == 0.5


# -------------------------------------------------------------------------------- labels
LABELS = [
    (np.array([None, 1] * 150, dtype=object), r"y has a missing label \(None\) at index 0"),
    ([1.0, np.nan] * 150, r"y has a missing label \(NaN\) at index 1"),
    (pd.Series([1, pd.NA] * 150, dtype="Int64"), r"y has a missing label \(<NA>\) at index 1"),
    (pd.Series(["a", None] * 150), r"y has a missing label \(.*\) at index 1"),
    (np.array([1, "a"] * 150, dtype=object), "y mixes label types: number .* and string"),
    (np.array([True, 2] * 150, dtype=object), "y mixes label types: boolean .* and number"),
    (np.array([[1], "a"] * 150, dtype=object), r"y holds \[1\] \(a list\) at index 0"),
]


@pytest.mark.parametrize(("labels", "message"), LABELS)
def test_bad_labels_are_value_errors(small, labels, message):
    X, _ = small
    with pytest.raises(ValueError, match=message):
        LogisticRegression().fit(X, labels)


@pytest.mark.parametrize(
    "labels",
    [
        np.array([0, 1] * 150, dtype=object),
        np.array(["no", "yes"] * 150, dtype=object),
        pd.Series([0, 1] * 150, dtype="Int64"),
        pd.Series(["no", "yes"] * 150, dtype="category"),
        [False, True] * 150,
    ],
)
def test_object_and_pandas_labels_of_one_kind_work(small, labels):
    X, _ = small
    model = LogisticRegression().fit(X, labels)
    assert len(model.classes_) == 2 and model.classes_.dtype != object


def test_eval_set_labels_are_named_as_eval_set(small):
    X, y = small
    model = LogisticRegression()
    with pytest.raises(ValueError, match=r"eval_set y has a missing label \(None\) at index 2"):
        model.fit(X, y, eval_set=(X[:4], [0, 1, None, 1]))
    with pytest.raises(ValueError, match=r"eval_set y has labels \(7\) that are not among the"):
        model.fit(X, y, eval_set=(X[:4], [0, 1, 7, 1]))
    with pytest.raises(ValueError, match=r"eval_set y has labels \('a'\) that are not"):
        model.fit(X, y, eval_set=(X[:4], ["a", "a", "a", "a"]))


def test_partial_fit_classes_are_checked(small):
    X, y = small
    with pytest.raises(ValueError, match="classes mixes label types"):
        LogisticRegression().partial_fit(X, y, classes=np.array([0, "a"], dtype=object))
    with pytest.raises(ValueError, match=r"classes must hold at least two labels; got \(0\)"):
        LogisticRegression().partial_fit(X, y, classes=[0])


def test_messages_print_plain_values(small):
    X, y = small
    y3 = np.where(np.arange(len(y)) % 3 == 0, 2, y).astype(np.int64)
    with pytest.raises(ValueError) as info:
        LogisticRegression(class_weight={7: 1.0}).fit(X, y3)
    assert "(0, 1, 2)" in str(info.value) and "np." not in str(info.value)
    with pytest.raises(ValueError, match=r"index 3 is -2.0$"):
        LogisticRegression().fit(X, y, sample_weight=np.r_[1.0, 1, 1, -2, np.ones(296)])
    with pytest.raises(ValueError, match=r"class_weight names labels \(5\) that are not classes"):
        LogisticRegression(class_weight={np.int64(5): 1.0}).fit(X, y)
