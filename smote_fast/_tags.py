"""Estimator tags in the form imbalanced-learn's checks read (scikit-learn's
tags plus ``input_tags.dataframe`` and ``sampler_tags``). Imported only when
scikit-learn asks for tags, so scikit-learn stays optional."""

from dataclasses import dataclass, field

from sklearn.utils import InputTags as _SklearnInputTags
from sklearn.utils import TargetTags


@dataclass(slots=True)
class InputTags(_SklearnInputTags):
    dataframe: bool = False


@dataclass(slots=True)
class SamplerTags:
    sample_indices: bool = False


@dataclass(slots=True)
class Tags:
    estimator_type: str | None
    target_tags: TargetTags
    transformer_tags: object = None
    classifier_tags: object = None
    regressor_tags: object = None
    sampler_tags: SamplerTags | None = None
    array_api_support: bool = False
    no_validation: bool = False
    non_deterministic: bool = False
    requires_fit: bool = True
    _skip_test: bool = False
    input_tags: InputTags = field(default_factory=InputTags)


def sampler_tags(sample_indices=False, allow_nan=False, string=False):
    return Tags(
        estimator_type="sampler",
        target_tags=TargetTags(required=True),
        sampler_tags=SamplerTags(sample_indices=sample_indices),
        input_tags=InputTags(
            two_d_array=True, sparse=True, dataframe=True, allow_nan=allow_nan, string=string
        ),
    )
