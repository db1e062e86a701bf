"""Observability settings from the environment, each checked with a clear error.

``LTSA_METRICS`` — ``open`` (default: ``/metrics`` without a token; keep it inside the cluster),
``token`` (any valid Bearer token) or ``off`` (no ``/metrics`` route).
``LTSA_METRICS_MAX_OPERATIONS`` — distinct GraphQL operation names kept as labels (100).
``LTSA_METRICS_GRAPH_TTL`` — seconds the graph's linkage figures are cached between scrapes (60).
``LTSA_LOG_FORMAT`` — ``json`` or ``text``; json when ``LTSA_ENV=production``, else text.
``LTSA_LOG_LEVEL`` — a ``logging`` level name (INFO).
``LTSA_OTEL`` — ``on``/``off``; on when unset and ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar


class MetricsAccess(Enum):
    OPEN = "open"
    TOKEN = "token"
    OFF = "off"


class LogFormat(Enum):
    JSON = "json"
    TEXT = "text"


MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
E = TypeVar("E", bound=Enum)


@dataclass(frozen=True)
class ObservabilitySettings:
    metrics: MetricsAccess = MetricsAccess.OPEN
    max_operations: int = 100
    graph_ttl_s: float = 60.0
    log_format: LogFormat = LogFormat.TEXT
    log_level: int = logging.INFO
    otel: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ObservabilitySettings:
        env = os.environ if env is None else env
        if env.get(MULTIPROCESS_ENV):
            # Each worker would count alone and a scrape would see one of them at random.
            raise ValueError(
                f"{MULTIPROCESS_ENV} is set, but the gateway runs one process per pod and does not "
                "aggregate metrics across worker processes; scale with more pods (replicas) instead"
            )
        production = env.get("LTSA_ENV", "development").strip().lower() == "production"
        default_format = LogFormat.JSON if production else LogFormat.TEXT
        return cls(
            metrics=_choice(env, "LTSA_METRICS", MetricsAccess, MetricsAccess.OPEN),
            max_operations=int(_positive(env, "LTSA_METRICS_MAX_OPERATIONS", 100)),
            graph_ttl_s=_positive(env, "LTSA_METRICS_GRAPH_TTL", 60.0),
            log_format=_choice(env, "LTSA_LOG_FORMAT", LogFormat, default_format),
            log_level=_level(env.get("LTSA_LOG_LEVEL", "").strip() or "INFO"),
            otel=_otel(env),
        )


def _choice(env: Mapping[str, str], name: str, kind: type[E], default: E) -> E:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError as exc:
        allowed = ", ".join(str(member.value) for member in kind)
        raise ValueError(f"{name} must be one of {allowed}, got {raw!r}") from exc


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {raw!r}")
    return value


def _level(name: str) -> int:
    level = logging.getLevelNamesMapping().get(name.upper())
    if level is None:
        raise ValueError(f"LTSA_LOG_LEVEL must be a logging level (DEBUG, INFO, WARNING, …), got {name!r}")
    return level


def _otel(env: Mapping[str, str]) -> bool:
    raw = env.get("LTSA_OTEL", "").strip().lower()
    if raw in ("on", "true", "1"):
        return True
    if raw in ("off", "false", "0"):
        return False
    if raw:
        raise ValueError(f"LTSA_OTEL must be on or off, got {raw!r}")
    return bool(env.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip())
