"""Without tracing asked for (or without the otel packages) the gateway imports nothing of OpenTelemetry."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Final

import pytest

from tests.auth_tokens import AUTH_ENV

# Builds the app (no server, no database needed) and reports whether opentelemetry was imported.
BUILD: Final = """
import sys
{prelude}
from gateway.app import create_app
from graph.connection import Neo4jSettings
create_app(Neo4jSettings.from_env(), "registry")
print(any(m.split(".")[0] == "opentelemetry" for m in sys.modules))
"""
# Makes the otel packages look uninstalled, as on a machine without the extra.
HIDE_OTEL: Final = """
import importlib.abc
class _NoOtel(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "opentelemetry":
            raise ModuleNotFoundError(name)
        return None
sys.meta_path.insert(0, _NoOtel())
"""


def build(env: dict[str, str], prelude: str = "") -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "LTSA_OTEL"))}
    return subprocess.run(
        [sys.executable, "-c", BUILD.format(prelude=prelude)],
        env={**clean, **AUTH_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_tracing_asked_for_nothing_of_opentelemetry_is_imported() -> None:
    done = build({})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_tracing_asked_for_without_the_packages_serves_without_traces_and_says_so() -> None:
    done = build({"LTSA_OTEL": "on"}, prelude=HIDE_OTEL)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
    assert "the otel extra is not installed" in done.stdout + done.stderr


def test_an_otlp_endpoint_switches_tracing_on_under_the_service_name() -> None:
    pytest.importorskip("opentelemetry.exporter.otlp.proto.http", reason="the otel extra is not installed")
    script = (
        "from gateway.observability.tracing import tracing_from_settings\n"
        "from opentelemetry import trace\n"
        "tracing = tracing_from_settings(True, 'satu-atap-registry')\n"
        "print(tracing.enabled, trace.get_tracer_provider().resource.attributes['service.name'])\n"
    )
    for extra, name in (({}, "satu-atap-registry"), ({"OTEL_SERVICE_NAME": "ltsa-east"}, "ltsa-east")):
        done = subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9", **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["True", name]
