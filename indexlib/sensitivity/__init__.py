"""Global sensitivity analysis: variance-based (Sobol') indices for the index's modelling choices.

The factors are the uncertain inputs of the index (weights, normalisation or aggregation choices,
optionally grouped by dimension); the outputs are anything computed per run, typically the rank of
every city or a summary such as the mean absolute rank shift.

>>> from indexlib.sensitivity import sobol_design, sobol_indices
>>> design = sobol_design(["a", "b"], 1024, seed=1)
>>> result = sobol_indices(design, design.unit_samples[:, 0], seed=2)
>>> result.ST.round(3).tolist()
[[1.0, 0.0]]
"""

from __future__ import annotations

from indexlib.sensitivity.sobol import SobolDesign, SobolResult, sobol_design, sobol_indices

__all__ = ["SobolDesign", "SobolResult", "sobol_design", "sobol_indices"]

from indexlib.sensitivity.analysis import (
    SHIFT_OUTPUT,
    IndexSensitivityResult,
    sensitivity_analysis,
)

__all__ += ["IndexSensitivityResult", "sensitivity_analysis", "SHIFT_OUTPUT"]
