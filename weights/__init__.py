"""How much each part counts: weighting methods and weight schemes.

Every method lives in its own module with the same shape: a numpy kernel (``<name>_kernel``,
no validation, documented preconditions) and a public function (``<name>_weights``) that
validates its input once, takes a DataFrame whose columns are indicator ids, and returns
labelled results whose errors name the indicator.

Data-driven methods (also reachable by name through :func:`get_method`):
:func:`equal_weights`, :func:`entropy_weights`, :func:`critic_weights`,
:func:`variation_weights`, :func:`pca_weights`. City-specific weights:
:func:`bod_weights`. Participatory methods: :func:`budget_weights`, :func:`ahp_weights`,
:func:`ahp_group_weights`. Combining: :func:`combine_weights`. Schemes as data:
:class:`WeightScheme`, :func:`load_scheme`, :func:`builtin_schemes`.

>>> from weights import builtin_schemes, method_names
>>> builtin_schemes()
['ahp-example', 'equal-dimensions', 'equal-indicators', 'expert-budget-example']
>>> method_names()
['critic', 'entropy', 'equal', 'pca', 'variation']
"""

from __future__ import annotations

from weights._registry import METHODS, WeightingSpec, get_method, method_names, register_method
from weights.ahp import SAATY_RI, AHPResult, ahp_group_weights, ahp_kernel, ahp_weights
from weights.bod import BoDResult, bod_kernel, bod_weights
from weights.budget import BudgetResult, budget_weights
from weights.combination import combine_weights
from weights.critic import critic_kernel, critic_weights
from weights.entropy import EntropyOptions, entropy_kernel, entropy_weights
from weights.equal import equal_kernel, equal_weights
from weights.pca import PCAOptions, PCAResult, pca_kernel, pca_weights, varimax
from weights.scheme import (
    WeightScheme,
    builtin_schemes,
    load_scheme,
    scheme_from_indicator_weights,
    scheme_within_nodes,
)
from weights.variation import variation_kernel, variation_weights

__all__ = [
    # methods
    "equal_weights",
    "budget_weights",
    "ahp_weights",
    "ahp_group_weights",
    "entropy_weights",
    "critic_weights",
    "variation_weights",
    "pca_weights",
    "bod_weights",
    "combine_weights",
    # result types and constants
    "AHPResult",
    "BoDResult",
    "BudgetResult",
    "PCAResult",
    "SAATY_RI",
    # kernels
    "ahp_kernel",
    "bod_kernel",
    "critic_kernel",
    "entropy_kernel",
    "equal_kernel",
    "pca_kernel",
    "variation_kernel",
    "varimax",
    # registry
    "METHODS",
    "WeightingSpec",
    "EntropyOptions",
    "PCAOptions",
    "get_method",
    "method_names",
    "register_method",
    # schemes
    "WeightScheme",
    "builtin_schemes",
    "load_scheme",
    "scheme_from_indicator_weights",
    "scheme_within_nodes",
]
