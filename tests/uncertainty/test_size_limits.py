"""Sizes within reason: runs, base samples and resamples that cannot fit in memory exit 2 before allocating."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import indexlib
from indexlib import limits
from indexlib.cli import main
from indexlib.sensitivity import sensitivity_analysis
from indexlib.sensitivity.sobol import sobol_design, sobol_indices
from indexlib.uncertainty import UncertaintyModel, uncertainty_analysis
from indexlib.uncertainty import montecarlo
from indicators import load_framework
from indicators.errors import IndexlibError, SizeLimitError, SpecificationError

TRILLION = 10**12


@pytest.fixture(scope="module")
def model():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return UncertaintyModel(indexlib.read_panel(None, load_framework()))


def test_the_error_is_a_specification_error():
    assert issubclass(SizeLimitError, SpecificationError) and issubclass(SizeLimitError, IndexlibError)


def test_a_trillion_runs_is_refused_before_allocating(model):
    with pytest.raises(SizeLimitError, match=r"1,000,000,000,000 runs of \d+ cities would need about [\d.]+ TiB.*"
                                             r"use fewer runs \(--runs; about [\d,]+ fit"):
        uncertainty_analysis(model=model, runs=TRILLION)
    with pytest.raises(SizeLimitError, match="drawing 1,000,000,000,000 runs"):
        model.draw(TRILLION, seed=0)


def test_the_limit_is_the_available_memory(model, monkeypatch):
    assert len(uncertainty_analysis(model=model, runs=50, seed=1).run_shift) == 50
    for module in (limits, montecarlo):
        monkeypatch.setattr(module, "available_memory", lambda: 2**16)
    with pytest.raises(SizeLimitError, match=r"50 runs .* but 64\.0 KiB is available"):
        uncertainty_analysis(model=model, runs=50, seed=1)


def test_memory_available_is_a_positive_figure():
    assert limits.available_memory() > 0
    assert limits.format_bytes(36 * 2**40) == "36.0 TiB"


def test_sobol_sizes_are_refused(model):
    with pytest.raises(SizeLimitError, match=r"Sobol' design of N = 1,099,511,627,776 base samples"):
        sobol_design(["a", "b"], 2**40, seed=1)
    design = sobol_design(["a", "b"], 8, seed=1)
    outputs = design.unit_samples.sum(axis=1)
    with pytest.raises(SizeLimitError, match=r"100,000,000,000 bootstrap resamples.*fewer resamples"):
        sobol_indices(design, outputs, num_resamples=10**11)
    with pytest.raises(SizeLimitError, match=r"use a smaller N \(n_base, --n-base\) or fewer resamples"):
        sensitivity_analysis(model=model, n_base=2**40)
    assert np.isfinite(sobol_indices(design, outputs, num_resamples=10).S1).all()


@pytest.mark.parametrize("arguments", [["uncertainty", "--runs", str(TRILLION), "--no-figures"],
                                       ["sensitivity", "--n-base", str(2**40), "--no-figures"],
                                       ["sensitivity", "--n-base", "64", "--num-resamples", str(10**11),
                                        "--no-figures"]])
def test_the_command_line_exits_2_with_the_estimate(arguments, capsys):
    assert main(arguments) == 2
    error = capsys.readouterr().err
    assert "would need about" in error and "is available" in error and "Traceback" not in error
    assert len(error.strip().splitlines()) == 1
