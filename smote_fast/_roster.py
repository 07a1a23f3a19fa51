"""The one list of smote_fast's samplers.

The package's public names, the demo, the benchmarks, the tests and the
imbalanced-learn conformance run all read this list, so a new sampler is one
algorithm module, one entry here, and its own tests.
"""

from dataclasses import dataclass, field

from ._adasyn import ADASYN
from ._cleaning import EditedNearestNeighbours, TomekLinks
from ._combine import SMOTEENN, SMOTETomek
from ._kmeans_smote import KMeansSMOTE
from ._random_over_sampler import RandomOverSampler
from ._smote import SMOTE, BorderlineSMOTE
from ._smote_nc import SMOTEN, SMOTENC
from ._svm_smote import SVMSMOTE

OVER_SAMPLING = "over-sampling"
# Over-samplers of categorical data: the synthetic rows come after the original
# ones as for OVER_SAMPLING, but their categorical values are votes among
# neighbours, so the provenance formula describes the continuous columns only
# (SMOTE-NC) or no column (SMOTE-N); the demo gives them mixed data of its own.
NOMINAL = "nominal over-sampling"
CLEANING = "cleaning"
COMBINATION = "combination"


@dataclass(frozen=True)
class Variant:
    """One configuration of a sampler class worth demonstrating, benchmarking and
    testing on its own.

    Attributes
    ----------
    key : str
        Short identifier (benchmark ``--samplers`` choice, test ids).
    label : str
        Human-readable name (demo and report tables).
    cls : type
        The smote_fast class; imbalanced-learn's class of the same name lives in
        ``imblearn_module``.
    params : dict
        Fixed constructor parameters that select the variant.
    neighbor_params : tuple of str
        Constructor parameters that take a neighbour count or a neighbours
        object, in the order the algorithm uses them.
    needs_sklearn : bool
        Whether the default parameters need scikit-learn (SVMSMOTE's SVC,
        KMeansSMOTE's MiniBatchKMeans).
    minority_search : str
        The k-NN step that dominates the call: ``'within'`` (each class against
        itself), ``'against_all'`` (rows of a class against every row),
        ``'all'`` (every row against every row) or ``'none'`` (no single k-NN
        step to time on its own).
    kind : str
        ``'over-sampling'`` (adds synthetic rows after the original ones, with
        provenance), ``'nominal over-sampling'`` (the same for categorical data:
        provenance for the continuous columns only), ``'cleaning'`` (keeps a subset, ``sample_indices_``) or
        ``'combination'`` (an over-sampler then a cleaner).
    interpolates : bool
        Whether each synthetic row lies on the segment between its base row and
        a neighbour (every over-sampler but RandomOverSampler, which copies).
    imblearn_module : str
        Where imbalanced-learn has the class of the same name.
    example_params : dict
        Parameters the demo adds so that the variant has work to do on the
        tutorial data (K-Means SMOTE's default threshold finds no cluster there).
    """

    key: str
    label: str
    cls: type
    params: dict = field(default_factory=dict)
    neighbor_params: tuple = ("k_neighbors",)
    needs_sklearn: bool = False
    minority_search: str = "within"
    kind: str = OVER_SAMPLING
    interpolates: bool = True
    imblearn_module: str = "imblearn.over_sampling"
    example_params: dict = field(default_factory=dict)

    def make(self, **params):
        """A sampler of this variant, with ``params`` on top of the fixed ones."""
        return self.cls(**{**self.params, **params})


VARIANTS = (
    Variant("smote", "SMOTE", SMOTE),
    Variant(
        "borderline1",
        "Borderline-1",
        BorderlineSMOTE,
        {"kind": "borderline-1"},
        ("k_neighbors", "m_neighbors"),
        minority_search="against_all",
    ),
    Variant(
        "borderline2",
        "Borderline-2",
        BorderlineSMOTE,
        {"kind": "borderline-2"},
        ("k_neighbors", "m_neighbors"),
        minority_search="against_all",
    ),
    Variant(
        "svmsmote",
        "SVM-SMOTE",
        SVMSMOTE,
        {},
        ("k_neighbors", "m_neighbors"),
        needs_sklearn=True,
        minority_search="against_all",
    ),
    Variant("adasyn", "ADASYN", ADASYN, {}, ("n_neighbors",), minority_search="against_all"),
    Variant(
        "kmeanssmote",
        "K-Means SMOTE",
        KMeansSMOTE,
        {},
        ("k_neighbors",),
        needs_sklearn=True,
        example_params={"cluster_balance_threshold": 0.1},
    ),
    Variant("smotenc", "SMOTE-NC", SMOTENC, {"categorical_features": [-1]}, kind=NOMINAL),
    Variant("smoten", "SMOTE-N", SMOTEN, {}, kind=NOMINAL, interpolates=False),
    Variant(
        "randomoversampler",
        "Random over-sampling",
        RandomOverSampler,
        {},
        (),
        minority_search="none",
        interpolates=False,
    ),
    Variant(
        "enn",
        "Edited NN",
        EditedNearestNeighbours,
        {},
        ("n_neighbors",),
        minority_search="all",
        kind=CLEANING,
        interpolates=False,
        imblearn_module="imblearn.under_sampling",
    ),
    Variant(
        "tomek",
        "Tomek links",
        TomekLinks,
        {},
        (),
        minority_search="all",
        kind=CLEANING,
        interpolates=False,
        imblearn_module="imblearn.under_sampling",
    ),
    Variant(
        "smoteenn",
        "SMOTE + ENN",
        SMOTEENN,
        {},
        (),
        minority_search="none",
        kind=COMBINATION,
        imblearn_module="imblearn.combine",
    ),
    Variant(
        "smotetomek",
        "SMOTE + Tomek",
        SMOTETomek,
        {},
        (),
        minority_search="none",
        kind=COMBINATION,
        imblearn_module="imblearn.combine",
    ),
)


def sampler_classes():
    """The public sampler classes, each once, in the order of ``VARIANTS``."""
    return tuple(dict.fromkeys(variant.cls for variant in VARIANTS))


def variants(kind=None, interpolates=None):
    """The variants of one ``kind`` (None: all) that do, or do not, interpolate."""
    return tuple(
        v
        for v in VARIANTS
        if (kind is None or v.kind == kind)
        and (interpolates is None or v.interpolates == interpolates)
    )


def variant(key):
    """The variant called ``key``."""
    for candidate in VARIANTS:
        if candidate.key == key:
            return candidate
    raise KeyError(f"no sampler variant {key!r}; known: {[v.key for v in VARIANTS]}")
