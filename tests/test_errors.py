"""The error catalogue: every error smote_fast raises on purpose, in one table of
(sampler variant, input, parameters) -> (exception type, message pattern).

Each row is checked on smote_fast and, where the row says imbalanced-learn raises
the same (``imblearn=True``), on imbalanced-learn's class of the same name, so the
expectations themselves are verified.  Variants come from the roster; a row about
"every sampler" runs once per roster entry.
"""

import re
import sys
from dataclasses import dataclass, field

import numpy as np
import pytest
from _support import (
    SMOTE_FAMILY_KEYS,
    VARIANT_KEYS,
    by_key,
    imblearn_class,
    in_ci,
    ours,
    require,
    takes,
)

require("sklearn")
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.neighbors import NearestNeighbors  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

X_ERR = np.random.RandomState(0).normal(size=(30, 2))
Y_ERR = np.array([0] * 20 + [1] * 10)
EVERY = SMOTE_FAMILY_KEYS
#: the nominal samplers validate their own way (categorical columns of any dtype);
#: their rows are at the end of the catalogue
NOMINAL = tuple(k for k in VARIANT_KEYS if by_key(k).kind == "nominal over-sampling")
#: samplers that validate X as numbers (RandomOverSampler copies any dtype)
NUMERIC = tuple(k for k in VARIANT_KEYS if k != "randomoversampler" and k not in NOMINAL)
WITH_NEIGHBORS = tuple(k for k in VARIANT_KEYS if by_key(k).neighbor_params)
WITH_RANDOM_STATE = tuple(k for k in VARIANT_KEYS if takes(k, "random_state"))
WITH_N_JOBS = tuple(k for k in VARIANT_KEYS if takes(k, "n_jobs"))
#: samplers whose sampling_strategy follows over-sampling rules
OVER = tuple(k for k in VARIANT_KEYS if by_key(k).kind != "cleaning")
CLEANERS = tuple(k for k in VARIANT_KEYS if by_key(k).kind == "cleaning")


@dataclass
class Case:
    """One row of the catalogue."""

    id: str
    keys: tuple  # roster keys the row applies to
    exc: type
    pattern: str  # regex; "{name}" is replaced by the class name
    params: dict = field(default_factory=dict)
    data: object = None  # (X, y), or a callable returning them; None: X_ERR, Y_ERR
    imblearn: bool = True  # imbalanced-learn raises the same
    methods: tuple = ("fit_resample",)
    invalid_parameter: bool = False  # an InvalidParameterError (ValueError and TypeError)
    random_state: bool = True  # pass random_state=0


def _param_message(param, name, constraint, got):
    return re.escape(f"The '{param}' parameter of {name} must be {constraint}. Got {got} instead.")


def _set_message(param, name, before, after, got):
    """Constraint text with a str set whose order varies between processes."""
    return (
        re.escape(f"The '{param}' parameter of {name} must be {before}{{")
        + r"[^}]*"
        + re.escape(f"}}{after}. Got {got} instead.")
    )


KNN_CONSTRAINT = (
    "an int in the range [1, inf) or an object implementing 'kneighbors' and 'kneighbors_graph'"
)
RS_CONSTRAINT = (
    "an int in the range [0, 4294967295], an instance of 'numpy.random.mtrand.RandomState' or None"
)


def _name(key):
    return by_key(key).cls.__name__


def _k_param(key):
    return by_key(key).neighbor_params[0]


def _param_case(id, keys, param, value, message, imblearn=True):
    """An invalid constructor parameter: raised by fit and fit_resample, never by
    __init__ or set_params, as an InvalidParameterError.  ``message(key)`` -> regex."""
    return [
        Case(
            f"{id}",
            (key,),
            ValueError,
            message(key),
            {param(key): value},
            imblearn=imblearn,
            methods=("fit", "fit_resample"),
            invalid_parameter=True,
            random_state=False,
        )
        for key in keys
    ]


def _param_cases():
    cases = []
    for value, got in (
        (0, "0"),
        (-1, "-1"),
        (5.0, "5.0"),
        ("5", "'5'"),
        (None, "None"),
        (LogisticRegression(), "LogisticRegression()"),
    ):
        cases += _param_case(
            f"k={got}",
            WITH_NEIGHBORS,
            _k_param,
            value,
            lambda key, got=got: _param_message(_k_param(key), _name(key), KNN_CONSTRAINT, got),
        )
    for value, got in (
        (1.5, "1.5"),
        (0.0, "0.0"),
        ("majority", "'majority'"),
        ("foo", "'foo'"),
        ([0, 1], "[0, 1]"),
        ((0, 1), "(0, 1)"),
    ):
        cases += _param_case(
            f"sampling_strategy={got}",
            OVER,
            lambda key: "sampling_strategy",
            value,
            lambda key, got=got: _set_message(
                "sampling_strategy",
                _name(key),
                "a float in the range (0.0, 1.0], a str among ",
                ", an instance of 'collections.abc.Mapping' or a callable",
                got,
            ),
        )
    for value, got in ((-1, "-1"), (2**32, "4294967296"), (1.5, "1.5")):
        cases += _param_case(
            f"random_state={got}",
            WITH_RANDOM_STATE,
            lambda key: "random_state",
            value,
            lambda key, got=got: _param_message("random_state", _name(key), RS_CONSTRAINT, got),
        )
    cases += _param_case(
        "random_state=Generator",
        WITH_RANDOM_STATE,
        lambda key: "random_state",
        np.random.default_rng(0),
        lambda key: re.escape(
            f"The 'random_state' parameter of {_name(key)} must be "
            f"{RS_CONSTRAINT}. Got Generator(PCG64) at 0x"
        ),
    )
    with_m = tuple(k for k in EVERY if "m_neighbors" in by_key(k).neighbor_params)
    for value, got in ((0, "0"), (2.5, "2.5")):
        cases += _param_case(
            f"m_neighbors={got}",
            with_m,
            lambda key: "m_neighbors",
            value,
            lambda key, got=got: _param_message("m_neighbors", _name(key), KNN_CONSTRAINT, got),
        )
    cases += _param_case(
        "kind=borderline-3",
        ("borderline1",),
        lambda key: "kind",
        "borderline-3",
        lambda key: _set_message("kind", "BorderlineSMOTE", "a str among ", "", "'borderline-3'"),
    )
    for value, got in ((1.5, "1.5"), (-0.1, "-0.1"), ("0.5", "'0.5'")):
        cases += _param_case(
            f"out_step={got}",
            ("svmsmote",),
            lambda key: "out_step",
            value,
            lambda key, got=got: _param_message(
                "out_step", "SVMSMOTE", "a float in the range [0.0, 1.0]", got
            ),
        )
    for value, got in (("svc", "'svc'"), (NearestNeighbors(), "NearestNeighbors()")):
        cases += _param_case(
            f"svm_estimator={got}",
            ("svmsmote",),
            lambda key: "svm_estimator",
            value,
            lambda key, got=got: _param_message(
                "svm_estimator",
                "SVMSMOTE",
                "an object implementing 'fit' and 'predict' or None",
                got,
            ),
        )
    # n_jobs: smote_fast's own parameter (imbalanced-learn has none)
    for value, got in ((0, "0"), (1.5, "1.5"), ("2", "'2'")):
        cases += _param_case(
            f"n_jobs={got}",
            WITH_N_JOBS,
            lambda key: "n_jobs",
            value,
            lambda key, got=got: _param_message(
                "n_jobs", _name(key), "an int other than 0 or None", got
            ),
            imblearn=False,
        )
    return cases


def _data_cases():
    nan_X = X_ERR.copy()
    nan_X[3, 1] = np.nan
    inf_X = X_ERR.copy()
    inf_X[3, 1] = np.inf
    multilabel = np.zeros((30, 3), dtype=int)
    multilabel[:, 0] = 1
    multilabel[::2, 1] = 1
    y_nan = Y_ERR.astype(float)
    y_nan[4] = np.nan
    obj_X = X_ERR.astype(object)
    obj_X[0, 0] = "x"
    pd = require("pandas")
    df_mixed = pd.DataFrame(X_ERR, columns=["a", 1])
    # (id, X, y, exception types, message pattern with {name} for the class name)
    return [
        (
            "nan_X",
            nan_X,
            Y_ERR,
            ValueError,
            re.escape(
                "Input X contains NaN.\n{name} does not accept missing values encoded as "
                "NaN natively."
            ),
        ),
        (
            "inf_X",
            inf_X,
            Y_ERR,
            ValueError,
            re.escape("Input X contains infinity or a value too large for dtype('float64')."),
        ),
        (
            "1d_X",
            X_ERR[:, 0],
            Y_ERR,
            ValueError,
            re.escape("Expected 2D array, got 1D array instead:\narray=["),
        ),
        (
            "3d_X",
            X_ERR.reshape(30, 2, 1),
            Y_ERR,
            ValueError,
            re.escape("Found array with dim 3, while dim <= 2 is required by {name}."),
        ),
        (
            "string_X",
            X_ERR.astype(str),
            Y_ERR,
            ValueError,
            re.escape(
                "dtype='numeric' is not compatible with arrays of bytes/strings.Convert "
                "your data to numeric values explicitly instead."
            ),
        ),
        (
            "object_string_X",
            obj_X,
            Y_ERR,
            ValueError,
            re.escape("could not convert string to float: 'x'"),
        ),
        ("complex_X", X_ERR + 1j, Y_ERR, ValueError, re.escape("Complex data not supported")),
        (
            "0_features",
            X_ERR[:, :0],
            Y_ERR,
            ValueError,
            re.escape(
                "Found array with 0 feature(s) (shape=(30, 0)) while a minimum of 1 is "
                "required by {name}."
            ),
        ),
        (
            "0_samples",
            X_ERR[:0],
            Y_ERR[:0],
            ValueError,
            re.escape(
                "Found array with 0 sample(s) (shape=(0, 2)) while a minimum of 1 is "
                "required by {name}."
            ),
        ),
        (
            "inconsistent_lengths",
            X_ERR,
            Y_ERR[:-1],
            ValueError,
            re.escape("Found input variables with inconsistent numbers of samples: [30, 29]"),
        ),
        (
            "mixed_column_names",
            df_mixed,
            Y_ERR,
            TypeError,
            re.escape(
                "Feature names are only supported if all input features have string names, "
                "but your input has ['int', 'str'] as feature name / column name types."
            ),
        ),
        ("bool_X", X_ERR > 0, Y_ERR, TypeError, re.escape("numpy boolean subtract")),
        (
            "continuous_y",
            X_ERR,
            np.linspace(0, 1, 30),
            ValueError,
            re.escape(
                "Unknown label type: continuous. Maybe you are trying to fit a classifier, "
                "which expects discrete classes on a regression target with continuous "
                "values."
            ),
        ),
        (
            "mixed_y",
            X_ERR,
            np.array([0, "a"] * 15, dtype=object),
            ValueError,
            re.escape("Unknown label type: unknown."),
        ),
        ("nan_y", X_ERR, y_nan, ValueError, re.escape("Input y contains NaN.")),
        (
            "none_y",
            X_ERR,
            None,
            ValueError,
            re.escape("Expected array-like (array or non-string sequence), got None"),
        ),
        (
            "multilabel_y",
            X_ERR,
            multilabel,
            ValueError,
            re.escape(
                "Imbalanced-learn currently supports binary, multiclass and binarized "
                "encoded multiclasss targets. Multilabel and multioutput targets are not "
                "supported."
            ),
        ),
        (
            "one_class",
            X_ERR,
            np.zeros(30, dtype=int),
            ValueError,
            re.escape("The target 'y' needs to have more than 1 class. Got 1 class instead"),
        ),
    ]


def _strategy_cases():
    three = np.array([0] * 20 + [1] * 6 + [2] * 4)
    return [
        (
            "float_multiclass",
            0.8,
            three,
            ValueError,
            re.escape(
                '"sampling_strategy" can be a float only when the type of target is binary. '
                "For multi-class, use a dict."
            ),
        ),
        (
            "float_too_small",
            0.5,
            Y_ERR,
            ValueError,
            re.escape(
                "The specified ratio required to remove samples from the minority class while "
                "trying to generate new samples. Please increase the ratio."
            ),
        ),
        (
            "dict_missing_class",
            {2: 30},
            Y_ERR,
            ValueError,
            re.escape("The {2} target class is/are not present in the data."),
        ),
        (
            "dict_string_key",
            {"1": 30},
            Y_ERR,
            ValueError,
            re.escape("The {'1'} target class is/are not present in the data."),
        ),
        (
            "callable_not_dict",
            lambda y: [1, 2],
            Y_ERR,
            AttributeError,
            re.escape("'list' object has no attribute 'keys'"),
        ),
        (
            "dict_float_value",
            {1: 15.5},
            Y_ERR,
            TypeError,
            re.escape("expected a sequence of integers or a single integer"),
        ),
    ]


def _algorithm_cases():
    rng = np.random.RandomState(3)
    # a class of 5 rows amid 40 others: too small for k = 5 (6 neighbours with itself)
    small_y = np.array([0] * 40 + [1] * 5)
    small_X = rng.normal(size=(45, 2))
    too_few = "Expected n_neighbors <= n_samples_fit, but n_neighbors = 6, n_samples_fit = 5"
    # two far-apart blobs: no neighbour of the minority belongs to the other class
    far_X = np.concatenate([rng.normal(size=(40, 2)), rng.normal(size=(15, 2)) + 100])
    far_y = np.array([0] * 40 + [1] * 15)
    # isolated minority points inside the majority cloud: every SV is noise
    noise_X = np.concatenate(
        [rng.normal(size=(400, 2)), np.array([[0.3, 0.2], [-0.4, 0.5], [0.1, -0.6], [-0.5, -0.3]])]
    )
    noise_y = np.array([0] * 400 + [1] * 4)
    return [
        (
            "SMOTE",
            "class_too_small",
            {},
            small_X,
            small_y,
            ValueError,
            re.escape(too_few + ", n_samples = 5"),
        ),
        (
            "ADASYN",
            "class_too_small",
            {},
            small_X,
            small_y,
            ValueError,
            re.escape(too_few + ", n_samples = 5"),
        ),
        (
            "SMOTE",
            "nn_object_one_neighbour",
            {"k_neighbors": NearestNeighbors(n_neighbors=1)},
            X_ERR,
            Y_ERR,
            ValueError,
            re.escape("high <= 0"),
        ),
        (
            "ADASYN",
            "no_other_class_neighbour",
            {},
            far_X,
            far_y,
            RuntimeError,
            re.escape(
                "Not any neigbours belong to the majority class. This case will induce a NaN case "
                "with a division by zero. ADASYN is not suited for this specific dataset. Use "
                "SMOTE instead."
            ),
        ),
        (
            "ADASYN",
            "nothing_to_generate",
            {"sampling_strategy": {1: 11}},
            small_X[:35],
            np.array([0] * 25 + [1] * 10),
            ValueError,
            re.escape("No samples will be generated with the provided ratio settings."),
        ),
        (
            "SVMSMOTE",
            "not_an_svm",
            {"svm_estimator": LogisticRegression()},
            X_ERR,
            Y_ERR,
            RuntimeError,
            re.escape(
                "`svm_estimator` is required to exposed a `support_` fitted attribute. Such "
                "estimator belongs to the familly of Support Vector Machine."
            ),
        ),
        (
            "SVMSMOTE",
            "all_noise",
            {"m_neighbors": 5},
            noise_X,
            noise_y,
            ValueError,
            re.escape(
                "All support vectors are considered as noise. SVM-SMOTE is not adapted to your "
                "dataset. Try another SMOTE variant."
            ),
        ),
    ]


#: data errors of the numeric check (RandomOverSampler takes any dtype, NaN included)
_NUMERIC_ONLY = {"nan_X", "inf_X", "string_X", "object_string_X", "complex_X"}


def _cleaning_and_family_cases():
    """Errors of the cleaners, the combinations, RandomOverSampler and KMeansSMOTE."""
    three = np.array([0] * 20 + [1] * 6 + [2] * 4)
    X3 = np.random.RandomState(2).normal(size=(30, 2))
    cases = []
    for value, got in (("minority", "'minority'"), ({0: 10}, "{0: 10}"), (1.5, "1.5")):
        cases += _param_case(
            f"cleaning_strategy={got}",
            CLEANERS,
            lambda key: "sampling_strategy",
            value,
            lambda key, got=got: _set_message(
                "sampling_strategy",
                _name(key),
                "a float in the range (0.0, 1.0], a str among ",
                ", an instance of 'list' or a callable",
                got,
            ),
        )
    cases += [
        Case(
            "cleaning_float_multiclass",
            CLEANERS,
            ValueError,
            re.escape('"sampling_strategy" can be a float only when the type of target is binary.'),
            {"sampling_strategy": 0.5},
            data=(X3, three),
            random_state=False,
        ),
        Case(
            "cleaning_float",
            CLEANERS,
            ValueError,
            re.escape("'clean-sampling' methods do let the user specify the sampling ratio."),
            {"sampling_strategy": 0.5},
            random_state=False,
        ),
        Case(
            "cleaning_list_missing_class",
            CLEANERS,
            ValueError,
            re.escape("The {7} target class is/are not present in the data."),
            {"sampling_strategy": [7]},
            random_state=False,
        ),
        Case(
            "cleaning_callable_dict",
            CLEANERS,
            ValueError,
            re.escape("'sampling_strategy' as a dict for cleaning methods is not supported."),
            {"sampling_strategy": lambda y: {0: 10}},
            random_state=False,
        ),
        Case(
            "kind_sel",
            ("enn",),
            ValueError,
            _set_message("kind_sel", "EditedNearestNeighbours", "a str among ", "", "'some'"),
            {"kind_sel": "some"},
            random_state=False,
            methods=("fit", "fit_resample"),
            invalid_parameter=True,
        ),
        Case(
            "shrinkage_negative",
            ("randomoversampler",),
            ValueError,
            re.escape(
                "The 'shrinkage' parameter of RandomOverSampler must be a float in the "
                "range [0.0, inf), an instance of 'dict' or None. Got -1.0 instead."
            ),
            {"shrinkage": -1.0},
            methods=("fit", "fit_resample"),
            invalid_parameter=True,
        ),
        Case(
            "shrinkage_missing_class",
            ("randomoversampler",),
            ValueError,
            re.escape(
                "`shrinkage` should contain a shrinkage factor for each class that will "
                "be resampled. The missing classes are:"
            ),
            {"shrinkage": {0: 1.0}},
        ),
        Case(
            "shrinkage_negative_for_a_class",
            ("randomoversampler",),
            ValueError,
            re.escape("The shrinkage factor needs to be >= 0. Got -1.0 for class 1."),
            {"shrinkage": {0: 1.0, 1: -1.0}},
        ),
        Case(
            "shrinkage_needs_numbers",
            ("randomoversampler",),
            ValueError,
            re.escape(
                "When shrinkage is not None, X needs to contain only numerical data to "
                "later generate a smoothed bootstrap sample."
            ),
            {"shrinkage": 1.0},
            data=(X_ERR.astype(str), Y_ERR),
        ),
        # imbalanced-learn returns outputs of different lengths: fixed
        Case(
            "ros_inconsistent_lengths",
            ("randomoversampler",),
            ValueError,
            re.escape("Found input variables with inconsistent numbers of samples: [30, 29]"),
            data=(X_ERR, Y_ERR[:-1]),
            imblearn=False,
        ),
        Case(
            "kmeans_estimator_zero",
            ("kmeanssmote",),
            ValueError,
            "The 'kmeans_estimator' parameter of KMeansSMOTE must be",
            {"kmeans_estimator": 0},
            methods=("fit", "fit_resample"),
            invalid_parameter=True,
        ),
        Case(
            "no_cluster_kept",
            ("kmeanssmote",),
            RuntimeError,
            re.escape(
                "No clusters found with sufficient samples of class 1. Try lowering the "
                "cluster_balance_threshold or increasing the number of clusters."
            ),
            {"kmeans_estimator": 2, "cluster_balance_threshold": 0.99},
        ),
    ]
    X_cat = np.c_[X_ERR, np.arange(30) % 3]
    cases += [
        Case(
            "categorical_features_repeated",
            ("smotenc",),
            ValueError,
            "more than once",
            {"categorical_features": [2, -1]},
            data=(X_cat, Y_ERR),
            imblearn=False,
        ),
        Case(
            "categorical_features_out_of_range",
            ("smotenc",),
            ValueError,
            re.escape("all features must be in [0, 2]"),
            {"categorical_features": [3]},
            data=(X_cat, Y_ERR),
        ),
        Case(
            "categorical_features_all",
            ("smotenc",),
            ValueError,
            "SMOTE-NC is not designed to work only with categorical features",
            {"categorical_features": [0, 1, 2]},
            data=(X_cat, Y_ERR),
        ),
        # imbalanced-learn's SMOTENC returns outputs of different lengths: fixed
        Case(
            "smotenc_inconsistent_lengths",
            ("smotenc",),
            ValueError,
            "inconsistent numbers of samples",
            {"categorical_features": [2]},
            data=(X_cat, Y_ERR[:-1]),
            imblearn=False,
        ),
        Case(
            "nominal_k_above_class_size",
            NOMINAL,
            ValueError,
            "Expected n_neighbors <= n_samples_fit",
            {"k_neighbors": 50},
            data=(np.c_[np.arange(30) % 2, np.arange(30) % 3, np.arange(30) % 5], Y_ERR),
        ),
        Case(
            "smoten_inconsistent_lengths",
            ("smoten",),
            ValueError,
            "inconsistent numbers of samples",
            data=(np.c_[np.arange(30) % 3], Y_ERR[:-1]),
        ),
    ]
    for key, name in (("smoteenn", "enn"), ("smotetomek", "tomek")):
        cases += [
            Case(
                "smote_not_a_sampler",
                (key,),
                ValueError,
                f"The 'smote' parameter of {_name(key)}",
                {"smote": "SMOTE"},
                imblearn=False,
                methods=("fit", "fit_resample"),
                invalid_parameter=True,
            ),
            Case(
                f"{name}_not_a_sampler",
                (key,),
                ValueError,
                f"The '{name}' parameter of {_name(key)}",
                {name: 3},
                imblearn=False,
                methods=("fit", "fit_resample"),
                invalid_parameter=True,
            ),
        ]
    return cases


def _class_without_support_vectors():
    class MajoritySupportOnly(SVC):
        def fit(self, X, y, sample_weight=None):
            super().fit(X, y, sample_weight)
            self.support_ = self.support_[np.asarray(y)[self.support_] == 0]
            return self

    return MajoritySupportOnly()


def _svm_data():
    from _support import gaussian_classes

    return gaussian_classes(np.random.RandomState(20), [200, 100], 4, shift=1.2)


def _catalogue():
    cases = _param_cases()
    for id, X, y, exc, pattern in _data_cases():
        keys = (
            NUMERIC if id in _NUMERIC_ONLY else tuple(k for k in VARIANT_KEYS if k not in NOMINAL)
        )
        if id == "bool_X":  # only interpolation subtracts rows (K-Means fails earlier)
            keys = tuple(
                k
                for k in keys
                if by_key(k).kind != "cleaning" and k not in ("randomoversampler", "kmeanssmote")
            )
        if id == "inconsistent_lengths":  # see the RandomOverSampler row below
            keys = tuple(k for k in keys if k != "randomoversampler")
        cases.append(Case(id, keys, exc, pattern, data=(X, y)))
    for id, strategy, y, exc, pattern in _strategy_cases():
        keys = OVER
        if id == "dict_float_value":  # these round per-sample or per-cluster counts
            keys = tuple(k for k in OVER if k not in ("adasyn", "kmeanssmote"))
        X = np.random.RandomState(1).normal(size=(len(y), 2))
        cases.append(
            Case(f"strategy_{id}", keys, exc, pattern, {"sampling_strategy": strategy}, data=(X, y))
        )
    for name, id, params, X, y, exc, pattern in _algorithm_cases():
        keys = tuple(k for k in EVERY if _name(k) == name)
        if name == "BorderlineSMOTE":
            keys = keys[:1]
        cases.append(Case(id, keys, exc, pattern, params, data=(X, y)))
    cases += _cleaning_and_family_cases()
    too_few = re.escape("Expected n_neighbors <= n_samples_fit")
    cases += [
        Case(
            "m_neighbors_above_n_samples",
            ("svmsmote",),
            ValueError,
            too_few,
            {"m_neighbors": 500},
            data=_svm_data,
        ),
        Case(
            "k_neighbors_above_class_size",
            ("svmsmote",),
            ValueError,
            too_few,
            {"k_neighbors": 100},
            data=_svm_data,
        ),
        # imbalanced-learn raises an unrelated ValueError from a search of nothing
        Case(
            "class_without_support_vectors",
            ("svmsmote",),
            ValueError,
            "All support vectors are considered as noise",
            {"svm_estimator": _class_without_support_vectors()},
            data=_svm_data,
            imblearn=False,
            random_state=False,
        ),
    ]
    return cases


CATALOGUE = _catalogue()


def _rows():
    for case in CATALOGUE:
        for key in case.keys:
            yield pytest.param(case, key, id=f"{key}-{case.id}"[:70])


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize(("case", "key"), list(_rows()))
def test_catalogue(case, key):
    name = _name(key)
    pattern = case.pattern
    if key == "randomoversampler":  # imbalanced-learn's _check_X names no estimator
        pattern = pattern.replace(re.escape(" by {name}"), "")
        if case.id == "0_samples":
            pattern = re.escape("Found array with 0 sample(s) while a minimum of 1 is required.")
    pattern = pattern.replace(re.escape("{name}"), name).replace("{name}", name)
    data = case.data() if callable(case.data) else case.data
    X, y = (X_ERR, Y_ERR) if data is None else data
    with_seed = case.random_state and takes(key, "random_state")
    params = {**case.params, **({"random_state": 0} if with_seed else {})}
    implementations = [("smote_fast", lambda **p: ours(key, **p))]
    if case.imblearn and _imblearn_installed():
        cls = imblearn_class(key)
        implementations.append(("imblearn", lambda **p: cls(**{**by_key(key).params, **p})))
    for impl, make in implementations:
        sampler = make(**params)  # nothing is validated in __init__ ...
        if case.invalid_parameter:
            sampler.set_params(**case.params)  # ... nor in set_params
        for method in case.methods:
            with pytest.raises(case.exc, match=pattern) as info:
                getattr(sampler, method)(X, y)
            if case.invalid_parameter:
                assert isinstance(info.value, TypeError), f"{impl}: not an InvalidParameterError"


def _imblearn_installed():
    """imbalanced-learn for the cross-checks: optional outside CI, required in it."""
    try:
        import imblearn  # noqa: F401
    except ImportError:
        if in_ci():
            pytest.fail("CI=true: imbalanced-learn is missing", pytrace=False)
        return False
    return True


def test_the_catalogue_covers_every_variant():
    covered = {key for case in CATALOGUE for key in case.keys}
    assert covered == set(VARIANT_KEYS)


# ------------------------------------------------------------ protocol errors


@pytest.mark.parametrize("key", VARIANT_KEYS)
def test_protocol_errors(key):
    name = _name(key)
    cls = by_key(key).cls
    # SMOTENC's categorical_features and SMOTEN's categorical_encoder may be
    # positional, as in imbalanced-learn; nothing else is
    first = 2 if key in NOMINAL else 1
    with pytest.raises(
        TypeError,
        match=f"takes (from 1 to )?{first} positional arguments? but {first + 1} were given",
    ):
        cls(*["auto"] * first)
    with pytest.raises(
        ValueError, match=re.escape(f"Invalid parameter 'foo' for estimator {name}(")
    ):
        ours(key).set_params(foo=1)
    with pytest.raises(
        TypeError, match=re.escape("got an unexpected keyword argument 'sample_weight'")
    ):
        ours(key).fit_resample(X_ERR, Y_ERR, sample_weight=np.ones(30))


def test_svmsmote_without_scikit_learn(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.svm", None)
    with pytest.raises(ImportError, match=re.escape('pip install "smote_fast[sklearn]"')):
        ours("svmsmote", random_state=0).fit_resample(X_ERR, Y_ERR)
