"""One-at-a-time scenarios: each uncertain assumption switched alone against the nominal build."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from indexlib.agreement import rank_agreement
from indexlib.io import write_folder
from indexlib.methodology import Methodology
from indexlib.uncertainty.model import UncertaintyModel, model_for
from indexlib.uncertainty.runs import SECTIONS, RunTable
from indexlib.uncertainty.spec import UncertaintySpec
from indicators import Framework
from indicators.errors import SpecificationError

if TYPE_CHECKING:
    from indexlib.pipeline import FrameworkInput, MethodologyInput, PanelInput

__all__ = ["one_at_a_time", "ScenarioResult"]


@dataclass(frozen=True)
class ScenarioResult:
    """One-at-a-time scenarios: each assumption switched alone against the nominal build.

    Attributes
    ----------
    table : DataFrame
        One row per scenario: ``scenario, factor, option, mean_abs_shift, max_abs_shift, spearman,
        top10_overlap`` (the cities ranked ≤ 10 both nominally and in the scenario;
        :func:`indexlib.agreement.rank_agreement`).
    ranks : DataFrame
        Cities × (``nominal`` and every scenario): the ranks.
    notes : tuple of str
        Scenarios skipped or adapted, and why.
    model : UncertaintyModel
    """

    table: pd.DataFrame
    ranks: pd.DataFrame
    notes: tuple[str, ...]
    model: UncertaintyModel
    runs: RunTable = field(repr=False)

    def _row(self, scenario: str) -> int:
        names = list(self.table["scenario"])
        if scenario not in names:
            raise SpecificationError(f"unknown scenario {scenario!r}; scenarios: {names}")
        return names.index(scenario)

    def methodology_for(self, scenario: str) -> Methodology:
        """The methodology of a scenario (for :func:`indexlib.build`)."""
        k = self._row(scenario)
        weights = self.runs.weights[k] if self.model.weight_ids else None
        return self.model.methodology_for({s: int(self.runs.choices[s][k]) for s in SECTIONS}, weights)

    def framework_for(self, scenario: str) -> Framework:
        """The framework of a scenario (without the dropped indicator, if any)."""
        k = self._row(scenario)
        return self.model.framework_for({s: int(self.runs.choices[s][k]) for s in SECTIONS})

    #: The files :meth:`write` writes (and owns in the output folder).
    OUTPUTS = ("scenarios.csv", "scenario_ranks.csv")

    def files(self) -> dict[str, str]:
        """The contents of :attr:`OUTPUTS`, by file name."""
        ranks = self.ranks.reset_index()
        return {
            "scenarios.csv": self.table.to_csv(index=False, float_format="%.6f", lineterminator="\n"),
            "scenario_ranks.csv": ranks.to_csv(index=False, float_format="%.6f", lineterminator="\n"),
        }

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write :attr:`OUTPUTS` into ``out_dir``, replacing them as a whole (:func:`indexlib.io.write_folder`)."""
        return write_folder(out_dir, self.files(), owns=self.OUTPUTS)


def one_at_a_time(panel: PanelInput = None, methodology: MethodologyInput = None, framework: FrameworkInput = None,
                  spec: UncertaintySpec | str | Path | None = None, *,
                  model: UncertaintyModel | None = None) -> ScenarioResult:
    """Switch each assumption alone against the nominal build and measure the rank shifts.

    Scenarios: every alternative normalisation, aggregation, imputation and outlier setting of the
    spec that differs from the methodology's; every indicator dropped in turn (the spec's
    exclusion candidates, or every indicator used); with uniform weight perturbation, each child of
    the root with its weight multiplied by ``1 + spread`` and by ``1 - spread``; with weight
    alternatives, each alternative. Everything else stays nominal.

    A positive-only aggregation (geometric, harmonic) cannot run on a normalisation with values
    ≤ 0 (min-max to [0, 100] gives the worst city 0). Its scenario then uses the spec's first
    normalisation alternative that is positive, and says so in its name
    (``aggregation=geometric + normalisation=minmax[1,100]``); if none is, the scenario is skipped
    with a note. Likewise a normalisation that is not positive under a positive-only nominal
    aggregation is skipped. Dropping an indicator that changes the cities the coverage screen
    keeps is skipped with a note.

    For each scenario :math:`s` with ranks :math:`r^{s}`: ``mean_abs_shift``
    :math:`\\frac1n\\sum_c |r^s_c - r^{nom}_c|`, ``max_abs_shift``, ``spearman`` (Spearman's rank
    correlation with the nominal ranks) and ``top10_overlap``.

    Parameters
    ----------
    panel, methodology, framework, spec
        As for :func:`uncertainty_analysis`.
    model : UncertaintyModel, optional
        A model already built for the same inputs.

    Returns
    -------
    ScenarioResult

    Examples
    --------
    >>> from indexlib.uncertainty import one_at_a_time
    >>> scenarios = one_at_a_time()
    >>> scenarios.table.loc[scenarios.table.scenario == "normalisation=minmax[1,100]", "mean_abs_shift"].item()
    0.0
    """
    if model is None:
        model = model_for(panel, methodology, framework, spec)
    notes: list[str] = []
    names: list[str] = []
    factors: list[str] = []
    option_labels: list[str] = []
    choices: list[dict[str, int]] = []
    weight_rows: list[np.ndarray] = []
    nominal_choice = {s: 0 for s in SECTIONS}

    def positive(choice: dict[str, int]) -> bool:
        variant = model.variant(choice["missing"], choice["outliers"], choice["normalisation"])
        plan = model.scoring_plan(variant, choice["aggregation"], 0, choice["weighting"])
        values = variant.normalised
        return plan.first_outside_domain(values) is None

    def add(name: str, factor: str, option: str, choice: dict[str, int], weights: np.ndarray | None = None) -> None:
        names.append(name)
        factors.append(factor)
        option_labels.append(option)
        choices.append(choice)
        weight_rows.append(model.nominal_weights if weights is None else weights)

    for section in ("normalisation", "aggregation", "missing", "outliers", "weighting"):
        for option in range(1, len(model.options[section])):
            label = model.labels[section][option]
            choice = {**nominal_choice, section: option}
            if positive(choice):
                add(f"{section}={label}", section, label, choice)
                continue
            if section == "aggregation":
                usable = next((z for z in model.drawn["normalisation"]
                               if positive({**choice, "normalisation": int(z)})), None)
                if usable is not None:
                    choice["normalisation"] = int(usable)
                    add(f"{section}={label} + normalisation={model.labels['normalisation'][int(usable)]}",
                        section, label, choice)
                    continue
            notes.append(f"scenario {section}={label} skipped: its aggregation needs positive normalised values "
                         "and no normalisation alternative of the spec provides them")
    exclusion = model.spec.exclusion
    used = model.options["exclusion"][1:]
    candidates = list(exclusion.candidates) if exclusion.candidates is not None else list(used)
    candidates = [c for c in candidates if c in used]
    changing = model.exclusions_changing_cities(candidates)
    for indicator in candidates:
        if indicator in changing:
            notes.append(f"scenario exclude={indicator} skipped: dropping it {changing[indicator]}")
            continue
        add(f"exclude={indicator}", "exclusion", indicator, {**nominal_choice, "exclusion": 1 + used.index(indicator)})
    if model.weight_method == "uniform":
        spread = model.spec.weights.spread
        for k, element in enumerate(model.weight_ids):
            if element not in model.prep.framework.children(model.prep.framework.root):
                continue
            for sign, text in ((1.0, "+"), (-1.0, "-")):
                weights = model.nominal_weights.copy()
                weights[k] *= 1.0 + sign * spread
                add(f"weight:{element}{text}{spread:.0%}", f"weight:{element}", f"×{1.0 + sign * spread:g}",
                    dict(nominal_choice), weights)
    elif model.weight_method == "alternatives":
        for k, row in enumerate(model.alternative_table):
            add(f"weights=alternative {k}", "weights", f"alternative {k}", dict(nominal_choice), row)
    table = RunTable({s: np.array([c[s] for c in choices], dtype=np.int64) for s in SECTIONS},
                     np.array(weight_rows, dtype=float).reshape(len(choices), len(model.weight_ids)))
    ranks = model.ranks(table) if len(table) else np.empty((0, len(model.city_ids)))
    nominal = model.nominal_ranks
    agreement = rank_agreement(nominal, ranks, k=10)
    result_table = pd.DataFrame({
        "scenario": names,
        "factor": factors,
        "option": option_labels,
        "mean_abs_shift": agreement["mean_abs_shift"],
        "max_abs_shift": agreement["max_abs_shift"],
        "spearman": agreement["spearman"],
        "top10_overlap": agreement["top_k_overlap"],
    })
    integer = model.ties != "average"
    rank_frame = pd.DataFrame(
        np.column_stack([nominal, ranks.T]) if len(table) else nominal[:, None],
        index=pd.Index(model.city_ids, name="city_id"), columns=["nominal", *names],
    )
    if integer:
        rank_frame = rank_frame.astype(np.int64)
    rank_frame = rank_frame.sort_values("nominal", kind="stable")
    return ScenarioResult(result_table, rank_frame, tuple(notes), model, table)
