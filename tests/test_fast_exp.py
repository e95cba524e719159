"""The choice weights' exponential (model/fast_exp.py) against NumPy's ``exp``, an independent oracle."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from brinkmanship.model.fast_exp import WEIGHT_EXP_HIGHEST, WEIGHT_EXP_LOWEST, weight_exp


def ulps(got: np.ndarray, expected: np.ndarray) -> np.ndarray:
    return np.abs(got - expected) / np.spacing(expected)


def test_within_two_ulps_of_numpy_s_exp_where_the_weights_live():
    rng = np.random.default_rng(11)
    x = np.concatenate(
        [
            -rng.exponential(10.0, 200_000),
            rng.uniform(WEIGHT_EXP_LOWEST, WEIGHT_EXP_HIGHEST, 200_000),
            rng.uniform(-1e-6, 1e-6, 10_000),
            np.arange(-708.0, 709.0, 0.5),  # the ends of the reduction's intervals
            np.arange(-20, 21) * np.log(2.0),
        ]
    )
    error = ulps(weight_exp(x), np.exp(x))
    assert error.max() <= 2.0
    assert error.mean() < 0.5


@given(st.floats(min_value=WEIGHT_EXP_LOWEST, max_value=WEIGHT_EXP_HIGHEST))
def test_within_two_ulps_for_any_number_in_range(x):
    assert ulps(weight_exp(np.array([x])), np.exp(np.array([x])))[0] <= 2.0


def test_the_ends_of_the_range():
    x = np.array([-np.inf, -1e6, -708.5, -708.0, 0.0, -0.0, 709.0, 709.5, np.inf, np.nan])
    with np.errstate(invalid="raise", divide="raise", over="raise", under="ignore"):
        y = weight_exp(x)  # no invalid operation inside, even at +-inf
    assert list(y[:3]) == [0.0, 0.0, 0.0]  # below -708: no weight (np.exp: below 3e-308)
    assert y[3] > 0.0 and y[4] == 1.0 and y[5] == 1.0
    assert np.isfinite(y[6]) and y[7] == np.inf and y[8] == np.inf
    assert np.isnan(y[9])


def test_keeps_the_shape_of_its_argument():
    assert weight_exp(np.zeros((3, 4, 2))).shape == (3, 4, 2)
    assert weight_exp(np.array(-1.0)).shape == ()
