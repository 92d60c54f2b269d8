"""What a manifest records to reproduce a run: the SHA-256 of every input and the software versions.

Every input file is identified by the SHA-256 of its bytes, so ``sha256sum FILE`` prints the same
digest as the manifest. Inputs that are not files are identified as follows:

* the embedded panel and the city table: the packaged files ``city_data/data/panel_2025.csv`` and
  ``city_data/data/cities.csv`` (paths relative to the installed package's folder), by their bytes
  — the embedded panel's entry equals that of ``--data`` on the same file;
* a built-in framework id: the id and the packaged file ``indicators/frameworks/<id>.toml``, by its
  bytes (likewise a built-in weight scheme, ``weights/schemes/<id>.toml``);
* the default methodology, the default uncertainty spec, and any framework, methodology or spec
  passed as an object: the SHA-256 of its canonical serialisation — the UTF-8 bytes of
  ``json.dumps(model.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` —
  marked ``"hash_of": "canonical JSON"``;
* a panel passed as a DataFrame: :attr:`indexlib.panel.Panel.sha256` (the hash of its CSV).
"""

from __future__ import annotations

import hashlib
import json
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

__all__ = ["CORE_DEPENDENCIES", "environment", "file_record", "object_record", "build_inputs", "spec_inputs",
           "scheme_record", "panel_record", "framework_record", "settings_record"]

#: The packages indexlib needs to run (``[project] dependencies`` of ``pyproject.toml``).
CORE_DEPENDENCIES = ("numpy", "pandas", "scipy", "scikit-learn", "pydantic")

_CANONICAL = "canonical JSON"


def environment() -> dict[str, str]:
    """Versions of indexlib, Python and every core dependency (``"not installed"`` when missing)."""
    from indexlib import __version__

    versions = {"indexlib": __version__, "python": platform.python_version()}
    for name in CORE_DEPENDENCIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def file_record(path: str | Path, what: str) -> dict[str, str]:
    """``{"path", "sha256"}`` of an input file's bytes (``what`` names it in an error)."""
    from indicators._config import read_input_bytes
    from indicators.errors import SpecificationError

    raw = read_input_bytes(Path(path), what=what, expected=f"the {what} file", error=SpecificationError)
    return {"path": str(path), "sha256": hashlib.sha256(raw).hexdigest()}


def object_record(model: Any, **identity: str) -> dict[str, str]:
    """The SHA-256 of a model's canonical JSON, with ``identity`` (e.g. ``id="default"``)."""
    text = json.dumps(model.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return {**identity, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "hash_of": _CANONICAL}


def panel_record(panel: Any) -> dict[str, str]:
    """The panel: its source and the SHA-256 of its bytes (packaged file for the embedded one)."""
    from indexlib.panel import embedded_file, embedded_year

    year = embedded_year(panel.source)
    if year is not None:
        return {"source": panel.source, "file": f"city_data/data/{embedded_file(year)}", "sha256": panel.sha256}
    return {"source": panel.source, "sha256": panel.sha256}


def framework_record(framework: Any) -> dict[str, str]:
    """A framework given as a built-in id (or ``None``), a file or an object."""
    from indicators import builtin_frameworks, load_framework

    if framework is None or (isinstance(framework, str) and framework in builtin_frameworks()):
        name = framework or load_framework(None).id
        return {"id": name, **_packaged("indicators", "frameworks", f"{name}.toml")}
    if isinstance(framework, (str, Path)):
        return file_record(framework, "framework")
    return object_record(framework, id=framework.id)


def scheme_record(spec: str) -> dict[str, str] | None:
    """A ``compare --weights`` scheme ``kind:X``: its file, or its built-in id and packaged file.

    ``None`` for a data-driven method or ``nominal``, which read no file.
    """
    from weights import builtin_schemes

    _, colon, argument = spec.partition(":")
    if not colon:
        return None
    if argument in builtin_schemes():
        return {"scheme": spec, "id": argument, **_packaged("weights", "schemes", f"{argument}.toml")}
    return {"scheme": spec, **file_record(argument, "weight scheme")}


def _packaged(package: str, *parts: str) -> dict[str, str]:
    """``{"file", "sha256"}`` of a file packaged with indexlib (path relative to the installed packages)."""
    from importlib import resources

    raw = resources.files(package).joinpath(*parts).read_bytes()
    return {"file": "/".join((package, *parts)), "sha256": hashlib.sha256(raw).hexdigest()}


def settings_record(given: Any, what: str, default: Any) -> dict[str, str]:
    """A methodology or spec given as a file, ``None`` or the default (``default()``), or another object."""
    if isinstance(given, (str, Path)):
        return file_record(given, what)
    if given is None or given == default():
        return object_record(default(), id="default")
    return object_record(given)


def build_inputs(panel: Any, methodology: Any, framework: Any, resolved_methodology: Any) -> dict[str, Any]:
    """The ``inputs`` block of a manifest: panel, city table (when consulted), framework, methodology.

    Parameters
    ----------
    panel : Panel
        The panel as read.
    methodology, framework
        As given to :func:`indexlib.build` (file, built-in id, ``None`` or object).
    resolved_methodology : Methodology
        The methodology used: the packaged city table ``cities.csv`` is recorded when the build
        takes city attributes from it (the embedded panel) or may complete ``country``,
        ``continent`` and coordinates from it (group-median and nearest-city imputation).
    """
    import city_data
    from indexlib.methodology import Methodology
    from indexlib.panel import embedded_year

    inputs: dict[str, Any] = {"panel": panel_record(panel)}
    if embedded_year(panel.source) is not None or resolved_methodology.missing.method in ("group_median", "nearest"):
        inputs["city_attributes"] = {"file": "city_data/data/cities.csv", "sha256": city_data.file_sha256("cities.csv")}
    inputs["framework"] = framework_record(framework)
    inputs["methodology"] = settings_record(methodology, "methodology", Methodology)
    return inputs


def spec_inputs(spec: Any, spec_source: str | Path | None) -> dict[str, Any]:
    """The uncertainty spec (its file when ``spec_source`` is given) and its weight alternative files."""
    from indexlib.uncertainty.spec import UncertaintySpec

    record: dict[str, Any] = {"spec": settings_record(spec_source if spec_source is not None else spec,
                                                      "uncertainty spec", UncertaintySpec)}
    files = [a for a in spec.weights.alternatives if isinstance(a, str)]
    if files:
        record["weight_alternatives"] = [file_record(a, "weight alternative") for a in files]
    return record
