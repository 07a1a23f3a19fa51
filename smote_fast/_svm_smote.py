"""SVM-SMOTE (Nguyen, Cooper and Kamei, 2009): synthetic samples around the
support vectors of an SVM, interpolating from those near the class border and
extrapolating from the safe ones.

The SVM is fitted once per ``fit_resample`` call; imbalanced-learn refits the
identical SVM for every class, and the random number its default ``SVC`` draws on
each of those fits is drawn here instead, so the random stream stays the same.
"""

import numbers
import sys

import numpy as np

from ._danger import DANGER, NOISE, OtherClassNeighbors
from ._docstrings import fill_doc
from ._estimator import clone_estimator, fits_reproducibly
from ._params import NEIGHBORS_CONSTRAINT, HasMethods, Interval, IsNone
from ._plan import NeighborTable, ResamplePlan
from ._random import STREAM_PER_CALL, check_random_state
from ._smote import BaseSMOTE
from ._sources import neighbors_estimator, source_for

_NO_SUPPORT_MESSAGE = (
    "`svm_estimator` is required to exposed a `support_` fitted attribute. Such "
    "estimator belongs to the familly of Support Vector Machine."
)
_ALL_NOISE_MESSAGE = (
    "All support vectors are considered as noise. SVM-SMOTE is not adapted to your "
    "dataset. Try another SMOTE variant."
)
_NO_SKLEARN_MESSAGE = (
    "SVMSMOTE's default svm_estimator is scikit-learn's SVC, and scikit-learn is not "
    'installed: pip install "smote_fast[sklearn]" (or pass your own svm_estimator).'
)
# scikit-learn's SVC.fit draws ``randint(np.iinfo("i").max)`` as libsvm's seed.
_LIBSVM_SEED_HIGH = int(np.iinfo("i").max)


@fill_doc
class SVMSMOTE(BaseSMOTE):
    """Over-sampling using SVM-SMOTE.

    A drop-in replacement for ``imblearn.over_sampling.SVMSMOTE`` (0.14): same
    parameters, attributes and errors, and for the same ``random_state`` the same
    output (element for element on data without tied neighbour distances). An SVM
    is fitted on all of X; for each class to over-sample, its support vectors that
    are not noise (all m nearest neighbours of another class) are split into
    *danger* ones (at least half of the m neighbours of another class), from which
    samples are interpolated towards same-class neighbours, and *safe* ones, from
    which samples are extrapolated away from them.

    Parameters
    ----------
    $sampling_strategy
    random_state : int, RandomState instance or None, default=None
        Seeds the draws and the default SVC. As in imbalanced-learn, an int
        restarts the same stream for each block of samples (the per-call fraction
        of danger samples comes from one stream per call); a RandomState is shared
        and advanced, also by the default SVC; None uses numpy's global one.
    k_neighbors : int or object, default=5
        Number of same-class nearest neighbours to interpolate or extrapolate
        with, or a neighbours object (e.g. scikit-learn's ``NearestNeighbors``),
        cloned and used exactly as imbalanced-learn uses it (its ``n_neighbors``
        counts the sample itself).
    m_neighbors : int or object, default=10
        Number of nearest neighbours among all samples that decide whether a
        support vector is noise, in danger or safe, or a neighbours object (it
        needs an ``n_neighbors`` attribute, which counts the sample itself).
    svm_estimator : estimator object, default=None
        The SVM whose support vectors are over-sampled: any estimator with
        ``fit`` and ``predict`` that exposes ``support_`` (indices of the support
        vectors in X) once fitted. It is cloned. None means scikit-learn's
        ``SVC(gamma='scale', random_state=random_state)`` (scikit-learn is then
        required).
    out_step : float, default=0.5
        Largest extrapolation step from a safe support vector, as a fraction of
        the distance to the chosen neighbour (in [0, 1]).
    n_jobs : int or None, default=None
        Threads for the kernels (None: what OpenMP allows; -1: all cores). Never
        changes the result; the SVM fit is scikit-learn's and single-threaded.

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
        Number of samples requested per class, sorted by class.
    nn_k_ : estimator object
        The k-neighbours estimator, fitted on the last class processed.
    nn_m_ : estimator object
        The m-neighbours estimator, fitted on all of X.
    svm_estimator_ : estimator object
        The fitted SVM (unfitted when no class had samples to create).
    $input_attributes
    $provenance_attributes

    Notes
    -----
    **One SVM fit per call.** imbalanced-learn refits the same SVM on the same
    data for every class it over-samples; here it is fitted once and its
    ``support_`` serves every class. This is exact when refitting would give the
    same model, which is assumed for:

    * the default ``SVC``. Its fit draws one ``randint(2**31 - 1)`` (libsvm's
      seed) from its generator when ``random_state`` is a RandomState or None;
      that draw is made here in place of every skipped refit, at the same point
      of the sequence, so the random stream and the output stay identical;
    * a user-supplied ``sklearn.svm.SVC`` or ``NuSVC`` (exact types) with a
      built-in kernel: with an int ``random_state``; or, without probability
      estimates, with any ``random_state`` (libsvm uses its seed only for
      probability estimates), the seed draw of each skipped refit being made
      on the estimator's own generator as above;
    * any other estimator whose every ``random_state`` parameter (nested ones
      included, and at least one) is an int and whose ``warm_start`` parameters,
      if any, are false: the scikit-learn convention that an int seed makes
      ``fit`` reproducible. Such an estimator must not draw from numpy's global
      generator.

    Any other estimator is refitted for every class, as imbalanced-learn does.

    The m nearest neighbours of the support vectors of all classes are found in
    one exact search, which serves both the noise and the danger rule. A
    neighbours object given as ``m_neighbors`` is instead queried as
    imbalanced-learn queries it: per class, the support vectors, then the
    non-noise ones again.

    As in imbalanced-learn, a class whose kept support vectors are all in
    danger (or all safe) receives only the danger (safe) block, i.e. fewer
    samples than requested: ``int(f * (n + 1))`` (resp. ``n - int(f * (n + 1))``)
    with ``f`` drawn from Beta(10, 10).

    Deviation: a class without support vectors raises the "All support vectors
    are considered as noise" ``ValueError``; imbalanced-learn raises a
    ``ValueError`` from the neighbours search of an empty set instead.

    References
    ----------
    H. M. Nguyen, E. W. Cooper, K. Kamei, "Borderline over-sampling for imbalanced
    data classification," International Journal of Knowledge Engineering and Soft
    Data Paradigms, 3(1), pp. 4-21, 2009.

    Examples
    --------
    >>> import numpy as np
    >>> from smote_fast import SVMSMOTE
    >>> rng = np.random.RandomState(0)
    >>> X = np.r_[rng.normal(size=(90, 2)), rng.normal(size=(20, 2)) + 1.0]
    >>> y = np.array([0] * 90 + [1] * 20)
    >>> X_res, y_res = SVMSMOTE(random_state=42).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [90, 90]
    """

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        m_neighbors=10,
        svm_estimator=None,
        out_step=0.5,
        n_jobs=None,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
            n_jobs=n_jobs,
        )
        self.m_neighbors = m_neighbors
        self.svm_estimator = svm_estimator
        self.out_step = out_step

    @classmethod
    def _constraints(cls):
        return {
            **super()._constraints(),
            "m_neighbors": NEIGHBORS_CONSTRAINT,
            "svm_estimator": [HasMethods(["fit", "predict"]), IsNone()],
            "out_step": [Interval("real", 0.0, 1.0, "both")],
        }

    # --------------------------------------------------------------- the SVM

    def _make_svm(self):
        if self.svm_estimator is not None:
            return clone_estimator(self.svm_estimator)
        try:
            from sklearn.svm import SVC
        except ImportError as exc:
            raise ImportError(_NO_SKLEARN_MESSAGE) from exc
        # Not cloned: a RandomState is shared with the sampler, as in imbalanced-learn.
        return SVC(gamma="scale", random_state=self.random_state)

    def _fit_svm(self, data):
        """Fit ``svm_estimator_`` on all of X and y; its support vector rows."""
        self.svm_estimator_.fit(data.X, data.y)
        if not hasattr(self.svm_estimator_, "support_"):
            raise RuntimeError(_NO_SUPPORT_MESSAGE)
        return np.asarray(self.svm_estimator_.support_).astype(np.intp, copy=False)

    # ------------------------------------------------------------ resampling

    def _plan(self, data):
        self.nn_k_ = neighbors_estimator(self.k_neighbors, self.n_jobs)
        self.nn_m_ = neighbors_estimator(self.m_neighbors, self.n_jobs)
        self.svm_estimator_ = self._make_svm()
        # The per-call generator: a distinct live stream for int seeds, since the
        # blocks' draws restart the block stream meanwhile.
        fraction_random_state = check_random_state(self.random_state, stream=STREAM_PER_CALL)
        plan = ResamplePlan()
        todo = [(label, n) for label, n in self.sampling_strategy_.items() if n > 0]
        labels = [label for label, _ in todo]
        if not todo:
            return plan

        single_fit, skipped_fit_seed = _single_fit_plan(
            self.svm_estimator_, default=self.svm_estimator is None
        )
        support = self._fit_svm(data)
        support_codes = data.codes[support]
        m_source, k_source = source_for(self.nn_m_), source_for(self.nn_k_)
        border = None
        for position, (label, n_samples) in enumerate(todo):
            if position and single_fit:
                if skipped_fit_seed is not _NO_DRAW:
                    # The libsvm seed the skipped SVC.fit would have drawn.
                    check_random_state(skipped_fit_seed).randint(_LIBSVM_SEED_HIGH)
            elif position:
                support = self._fit_svm(data)
                support_codes = data.codes[support]
                border = None
            code = data.code_of(label)
            sv_rows = support[support_codes == code]
            if sv_rows.size == 0:
                raise ValueError(_ALL_NOISE_MESSAGE)
            if border is None:
                # One search for the support vectors of every class the fit
                # serves; a too-large m is reported at the first query, with the
                # first class's support-vector count, as imbalanced-learn words it.
                codes = [data.code_of(other) for other in (labels if single_fit else [label])]
                border = OtherClassNeighbors(m_source, data, support[np.isin(support_codes, codes)])
            danger_rows, safe_rows = self._danger_and_safe(border, sv_rows, label)
            for block in self._class_blocks(
                data, label, n_samples, danger_rows, safe_rows, fraction_random_state, k_source
            ):
                plan.add(block)
        return plan

    def _danger_and_safe(self, border, sv_rows, label):
        """Danger and safe support vectors (noise dropped), in ``support_`` order."""
        kind = border.kinds(sv_rows, label)
        kept = kind != NOISE
        if not kept.any():
            raise ValueError(_ALL_NOISE_MESSAGE)
        kept_rows = sv_rows[kept]
        if border.source.batch_independent:
            kept_kind = kind[kept]
        else:  # imbalanced-learn queries the kept support vectors again
            kept_kind = border.kinds(kept_rows, label)
        danger = kept_kind == DANGER
        return kept_rows[danger], kept_rows[~danger]

    def _class_blocks(
        self, data, label, n_samples, danger_rows, safe_rows, fraction_random_state, k_source
    ):
        """Interpolation from the danger support vectors, extrapolation from the
        safe ones, towards (away from) their k nearest neighbours of the class."""
        class_rows = data.rows_of(label)
        n_danger_samples = int(fraction_random_state.beta(10, 10) * (n_samples + 1))
        blocks = []
        for rows, n_block, step in (
            (danger_rows, n_danger_samples, None),
            (safe_rows, n_samples - n_danger_samples, -self.out_step),
        ):
            if rows.size == 0:
                continue
            neighbors = k_source.among(data, class_rows, np.searchsorted(class_rows, rows))
            block = self._draw_block(label, n_block, NeighborTable(neighbors, rows, class_rows))
            if step is not None:
                # imbalanced-learn's step_size * uniform, in float64.
                block.steps = step * block.steps
            blocks.append(block)
        return blocks


_NO_DRAW = object()


def _single_fit_plan(estimator, default):
    """Whether one fit can stand for imbalanced-learn's per-class refits, and the
    ``random_state`` each skipped refit would have drawn libsvm's seed from
    (``_NO_DRAW`` when it draws nothing on a generator that outlives the fit)."""
    if default or _is_libsvm_classifier(estimator):
        params = estimator.get_params(deep=False)
        seed = params.get("random_state")
        if isinstance(seed, numbers.Integral):
            return True, _NO_DRAW  # SVC.fit builds its own RandomState(seed)
        if default or (
            params.get("probability") in (False, "deprecated")
            and not callable(params.get("kernel"))
        ):
            return True, seed
        return False, _NO_DRAW
    return fits_reproducibly(estimator), _NO_DRAW


def _is_libsvm_classifier(estimator):
    svm = sys.modules.get("sklearn.svm")
    return svm is not None and type(estimator) in (svm.SVC, svm.NuSVC)
