"""Observability settings: defaults per environment, and a clear error naming each bad variable."""

from __future__ import annotations

import logging

import pytest

from gateway.observability.settings import LogFormat, MetricsAccess, ObservabilitySettings


def test_defaults_are_open_metrics_text_logs_and_no_tracing() -> None:
    settings = ObservabilitySettings.from_env({})
    assert settings == ObservabilitySettings(
        metrics=MetricsAccess.OPEN, log_format=LogFormat.TEXT, log_level=logging.INFO, otel=False
    )


def test_production_logs_json_unless_told_otherwise() -> None:
    assert ObservabilitySettings.from_env({"LTSA_ENV": "production"}).log_format is LogFormat.JSON
    chosen = ObservabilitySettings.from_env({"LTSA_ENV": "production", "LTSA_LOG_FORMAT": "text"})
    assert chosen.log_format is LogFormat.TEXT


def test_every_variable_is_read() -> None:
    settings = ObservabilitySettings.from_env(
        {
            "LTSA_METRICS": "Token",
            "LTSA_METRICS_MAX_OPERATIONS": "7",
            "LTSA_METRICS_GRAPH_TTL": "2.5",
            "LTSA_LOG_FORMAT": "json",
            "LTSA_LOG_LEVEL": "warning",
        }
    )
    assert settings == ObservabilitySettings(MetricsAccess.TOKEN, 7, 2.5, LogFormat.JSON, logging.WARNING)


@pytest.mark.parametrize(
    ("env", "otel"),
    [
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"LTSA_OTEL": "on"}, True),
        ({"LTSA_OTEL": "off", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": " "}, False),
    ],
)
def test_tracing_is_on_with_an_otlp_endpoint_or_when_asked(env: dict[str, str], otel: bool) -> None:
    assert ObservabilitySettings.from_env(env).otel is otel


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("LTSA_METRICS", "public"),
        ("LTSA_METRICS_MAX_OPERATIONS", "0"),
        ("LTSA_METRICS_MAX_OPERATIONS", "many"),
        ("LTSA_METRICS_GRAPH_TTL", "-1"),
        ("LTSA_LOG_FORMAT", "xml"),
        ("LTSA_LOG_LEVEL", "LOUD"),
        ("LTSA_OTEL", "maybe"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(name: str, raw: str) -> None:
    with pytest.raises(ValueError, match=name):
        ObservabilitySettings.from_env({name: raw})


def test_multiprocess_metrics_are_refused_with_the_scaling_model() -> None:
    with pytest.raises(ValueError, match="one process per pod"):
        ObservabilitySettings.from_env({"PROMETHEUS_MULTIPROC_DIR": "/tmp/prom"})
