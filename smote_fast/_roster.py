"""The one list of smote_fast's samplers.

The package's public names, the demo, the benchmarks, the tests and the
imbalanced-learn conformance run all read this list, so a new sampler is one
algorithm module, one entry here, and its own tests.
"""

from dataclasses import dataclass, field

from ._adasyn import ADASYN
from ._smote import SMOTE, BorderlineSMOTE
from ._svm_smote import SVMSMOTE


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
        ``imblearn.over_sampling``.
    params : dict
        Fixed constructor parameters that select the variant.
    neighbor_params : tuple of str
        Constructor parameters that take a neighbour count or a neighbours
        object, in the order the algorithm uses them.
    needs_sklearn : bool
        Whether the default parameters need scikit-learn (SVMSMOTE's SVC).
    minority_search : str
        The k-NN step that dominates the call: ``'within'`` (each class against
        itself) or ``'against_all'`` (rows of a class against every row).
    """

    key: str
    label: str
    cls: type
    params: dict = field(default_factory=dict)
    neighbor_params: tuple = ("k_neighbors",)
    needs_sklearn: bool = False
    minority_search: str = "within"

    def make(self, **params):
        """A sampler of this variant, with ``params`` on top of the fixed ones."""
        return self.cls(**{**self.params, **params})


VARIANTS = (
    Variant("smote", "SMOTE", SMOTE),
    Variant("borderline1", "Borderline-1", BorderlineSMOTE, {"kind": "borderline-1"},
            ("k_neighbors", "m_neighbors"), minority_search="against_all"),
    Variant("borderline2", "Borderline-2", BorderlineSMOTE, {"kind": "borderline-2"},
            ("k_neighbors", "m_neighbors"), minority_search="against_all"),
    Variant("svmsmote", "SVM-SMOTE", SVMSMOTE, {}, ("k_neighbors", "m_neighbors"),
            needs_sklearn=True, minority_search="against_all"),
    Variant("adasyn", "ADASYN", ADASYN, {}, ("n_neighbors",), minority_search="against_all"),
)


def sampler_classes():
    """The public sampler classes, each once, in the order of ``VARIANTS``."""
    return tuple(dict.fromkeys(variant.cls for variant in VARIANTS))


def variant(key):
    """The variant called ``key``."""
    for candidate in VARIANTS:
        if candidate.key == key:
            return candidate
    raise KeyError(f"no sampler variant {key!r}; known: {[v.key for v in VARIANTS]}")
