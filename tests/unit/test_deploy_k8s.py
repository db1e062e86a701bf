"""deploy/k8s offline: rendered like kustomize, validated against the Kubernetes OpenAPI schemas, and
checked for the references the schemas cannot see (selectors, ports, Secrets, autoscaler targets).

The schemas come inside the ``kubernetes-validate`` package (no network). The kustomization uses only the
fields ``render`` implements; any other field fails the test instead of being silently ignored.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

K8S_DIR = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
K8S_VERSION = "1.33"  # oldest release the manifests must apply to; schemas are the package's copy
SUPPORTED_KUSTOMIZE_FIELDS = {"apiVersion", "kind", "namespace", "labels", "resources", "images"}
CLUSTER_SCOPED = {"Namespace"}
WORKLOADS = {"Deployment", "StatefulSet", "Job"}
Manifest = dict[str, Any]


class KustomizationError(ValueError):
    """The kustomization cannot be rendered the way kustomize would."""


def load_docs(path: Path) -> list[Manifest]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def render(k8s_dir: Path) -> list[Manifest]:
    """What ``kubectl kustomize`` produces for the subset of kustomize this repository uses."""
    spec = yaml.safe_load((k8s_dir / "kustomization.yaml").read_text(encoding="utf-8"))
    unknown = set(spec) - SUPPORTED_KUSTOMIZE_FIELDS
    if unknown:
        raise KustomizationError(f"kustomization fields not rendered here: {sorted(unknown)}")
    docs: list[Manifest] = []
    for name in spec["resources"]:
        if not (k8s_dir / name).is_file():
            raise KustomizationError(f"kustomization lists {name}, which does not exist")
        docs.extend(load_docs(k8s_dir / name))
    images = {image["name"]: image for image in spec.get("images", [])}
    extra_labels = {k: v for entry in spec.get("labels", []) for k, v in entry["pairs"].items()}
    for doc in docs:
        if doc["kind"] not in CLUSTER_SCOPED and "namespace" in spec:
            doc["metadata"]["namespace"] = spec["namespace"]
        doc["metadata"]["labels"] = {**doc["metadata"].get("labels", {}), **extra_labels}
        for container in containers(doc):
            name, _, tag = container["image"].partition(":")
            if name in images:
                image = images[name]
                container["image"] = f"{image.get('newName', name)}:{image.get('newTag', tag or 'latest')}"
    return docs


def pod_spec(doc: Manifest) -> Manifest | None:
    return doc["spec"]["template"]["spec"] if doc["kind"] in WORKLOADS else None


def pod_labels(doc: Manifest) -> dict[str, str]:
    labels: dict[str, str] = doc["spec"]["template"]["metadata"].get("labels", {})
    return labels


def containers(doc: Manifest) -> Iterator[Manifest]:
    spec = pod_spec(doc)
    if spec is not None:
        yield from spec.get("initContainers", [])
        yield from spec["containers"]


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def matching_workloads(docs: list[Manifest], selector: dict[str, str]) -> list[Manifest]:
    return [d for d in docs if d["kind"] in WORKLOADS and selects(selector, pod_labels(d))]


def ident(doc: Manifest) -> str:
    return f"{doc['kind']}/{doc['metadata']['name']}"


def schema_problems(docs: list[Manifest]) -> list[str]:
    found = (schema_problem(json.dumps(doc, sort_keys=True)) for doc in docs)
    return [problem for problem in found if problem]


@functools.cache
def schema_problem(doc_json: str) -> str:
    """One document against the schemas (memoised: a broken copy re-checks only what it changed)."""
    doc = json.loads(doc_json)
    try:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = ".".join(str(part) for part in error.path)
        return f"{ident(doc)}: {path}: {error.message}"
    except kubernetes_validate.SchemaNotFoundError as error:
        return f"{ident(doc)}: {error.message}"
    return ""


def reference_problems(docs: list[Manifest], secrets: list[Manifest]) -> list[str]:
    """Dangling names and selectors: each would only show up as a broken cluster, never as a kubectl error."""
    problems = []
    by_kind = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    secret_keys = {s["metadata"]["name"]: set(s.get("stringData", {})) for s in secrets}
    for doc in docs:
        kind, spec = doc["kind"], doc.get("spec", {})
        if kind in {"Deployment", "StatefulSet"} and not selects(
            spec["selector"]["matchLabels"], pod_labels(doc)
        ):
            problems.append(f"{ident(doc)}: selector does not match its own pod labels")
        if (
            kind == "StatefulSet"
            and by_kind.get(("Service", spec["serviceName"]), {}).get("spec", {}).get("clusterIP") != "None"
        ):
            problems.append(f"{ident(doc)}: serviceName {spec['serviceName']} is not a headless Service")
        if kind == "Service":
            targets = matching_workloads(docs, spec.get("selector", {}))
            if not targets:
                problems.append(f"{ident(doc)}: selector matches no workload")
            named_ports = {p.get("name") for t in targets for c in containers(t) for p in c.get("ports", [])}
            for port in spec["ports"]:
                if isinstance(port["targetPort"], str) and port["targetPort"] not in named_ports:
                    problems.append(f"{ident(doc)}: targetPort {port['targetPort']} is no container port")
        if kind == "HorizontalPodAutoscaler":
            target = spec["scaleTargetRef"]
            if (target["kind"], target["name"]) not in by_kind:
                problems.append(
                    f"{ident(doc)}: scales {target['kind']}/{target['name']}, which does not exist"
                )
        if kind == "PodDisruptionBudget" and not matching_workloads(docs, spec["selector"]["matchLabels"]):
            problems.append(f"{ident(doc)}: selector matches no workload")
        if kind == "NetworkPolicy":
            # A namespaceSelector peer (the monitoring namespace) names no workload of ours.
            selectors = [spec["podSelector"]["matchLabels"]] + [
                peer["podSelector"]["matchLabels"]
                for rule in spec["ingress"]
                for peer in rule["from"]
                if "podSelector" in peer
            ]
            problems += [
                f"{ident(doc)}: {s} matches no workload" for s in selectors if not matching_workloads(docs, s)
            ]
        problems += container_problems(doc, by_kind, secret_keys)
    return problems


def container_problems(
    doc: Manifest, by_kind: dict[tuple[str, str], Manifest], secret_keys: dict[str, set[str]]
) -> list[str]:
    """Each container is bounded (requests, limits) and names only ConfigMaps and Secret keys that exist."""
    problems = []
    for container in containers(doc):
        where = f"{ident(doc)} container {container['name']}"
        for bound in ("requests", "limits"):
            if set(container.get("resources", {}).get(bound, {})) != {"cpu", "memory"}:
                problems.append(f"{where}: resources.{bound} needs cpu and memory")
        for source in container.get("envFrom", []):
            if ("ConfigMap", source["configMapRef"]["name"]) not in by_kind:
                problems.append(f"{where}: ConfigMap {source['configMapRef']['name']} does not exist")
        for env in container.get("env", []):
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref and ref["key"] not in secret_keys.get(ref["name"], set()):
                problems.append(
                    f"{where}: Secret {ref['name']} has no key {ref['key']} in secret.example.yaml"
                )
    return problems


def problems_in(k8s_dir: Path) -> list[str]:
    """Every problem of a deploy/k8s folder; empty when it would apply and wire up correctly."""
    docs = render(k8s_dir)
    secrets = load_docs(k8s_dir / "secret.example.yaml")
    problems = schema_problems(docs) + schema_problems(secrets) + reference_problems(docs, secrets)
    listed = set(yaml.safe_load((k8s_dir / "kustomization.yaml").read_text(encoding="utf-8"))["resources"])
    stray = {p.name for p in k8s_dir.glob("*.yaml")} - listed - {"kustomization.yaml", "secret.example.yaml"}
    problems += [f"{name} is not listed in kustomization.yaml" for name in sorted(stray)]
    return problems


@pytest.fixture(scope="module")
def docs() -> list[Manifest]:
    return render(K8S_DIR)


def named(docs: list[Manifest], kind: str, name: str) -> Manifest:
    [doc] = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    return doc


def test_the_manifests_validate_and_wire_up() -> None:
    assert problems_in(K8S_DIR) == []


def test_neo4j_is_one_community_replica_on_a_persistent_volume(docs: list[Manifest]) -> None:
    neo4j = named(docs, "StatefulSet", "neo4j")
    assert neo4j["spec"]["replicas"] == 1
    [container] = containers(neo4j)
    assert container["image"] == "neo4j:5.26-community"
    [claim] = neo4j["spec"]["volumeClaimTemplates"]
    assert {"name": claim["metadata"]["name"], "mountPath": "/data"} in container["volumeMounts"]
    env = {e["name"]: e for e in container["env"]}
    assert env["NEO4J_AUTH"]["value"] == "neo4j/$(DB_PASSWORD)"
    assert env["DB_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "satu-atap-neo4j"
    assert {"NEO4J_server_memory_heap_max__size", "NEO4J_server_memory_pagecache_size"} <= set(env)
    # No read-timeout hint (the gateway bounds each statement): the string OFF, not YAML's false.
    assert env["NEO4J_server_bolt_connection__keep__alive__for__requests"]["value"] == "OFF"


@pytest.mark.parametrize("subgraph", ["registry", "linkage"])
def test_each_subgraph_is_stateless_scaled_probed_and_protected(docs: list[Manifest], subgraph: str) -> None:
    name = f"gateway-{subgraph}"
    deployment = named(docs, "Deployment", name)
    assert deployment["spec"]["replicas"] >= 2
    [container] = containers(deployment)
    assert container["command"][-2:] == ["--subgraph", subgraph]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert "volumeClaimTemplates" not in deployment["spec"]
    volumes = deployment["spec"]["template"]["spec"]["volumes"]
    assert all("persistentVolumeClaim" not in volume for volume in volumes)
    hpa = named(docs, "HorizontalPodAutoscaler", name)
    assert hpa["spec"]["scaleTargetRef"]["name"] == name and hpa["spec"]["minReplicas"] >= 2
    pdb = named(docs, "PodDisruptionBudget", name)
    assert matching_workloads(docs, pdb["spec"]["selector"]["matchLabels"]) == [deployment]
    secrets = {e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"] if "valueFrom" in e}
    assert secrets == {"satu-atap-neo4j", "satu-atap-auth"}
    assert named(docs, "ConfigMap", "satu-atap-config")["data"]["LTSA_ENV"] == "production"
    # Scraped where the container serves: the annotations must name its port and the metrics path.
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    ports = {str(port["containerPort"]) for port in container["ports"]}
    assert annotations["prometheus.io/scrape"] == "true" and annotations["prometheus.io/port"] in ports
    assert annotations["prometheus.io/path"] == "/metrics"


def test_only_the_gateways_and_the_schema_job_reach_neo4j(docs: list[Manifest]) -> None:
    policies = [d for d in docs if d["kind"] == "NetworkPolicy"]
    neo4j = named(docs, "StatefulSet", "neo4j")
    [guard] = [p for p in policies if selects(p["spec"]["podSelector"]["matchLabels"], pod_labels(neo4j))]
    assert guard["spec"]["policyTypes"] == ["Ingress"]
    allowed = {
        ident(w)
        for rule in guard["spec"]["ingress"]
        for peer in rule["from"]
        for w in matching_workloads(docs, peer["podSelector"]["matchLabels"])
    }
    assert allowed == {"Deployment/gateway-registry", "Deployment/gateway-linkage", "Job/schema-init"}
    assert [p["port"] for rule in guard["spec"]["ingress"] for p in rule["ports"]] == [7687]


def test_the_schema_job_and_the_router(docs: list[Manifest]) -> None:
    [job] = containers(named(docs, "Job", "schema-init"))
    assert job["command"] == ["ltsa", "graph", "init"]
    router = named(docs, "Deployment", "router")
    [container] = containers(router)
    env = {e["name"]: e["value"] for e in container["env"]}
    # The router reaches each subgraph through its Service, on the port that Service publishes.
    for subgraph in ("registry", "linkage"):
        service = named(docs, "Service", f"gateway-{subgraph}")
        assert (
            env[f"{subgraph.upper()}_URL"]
            == f"http://gateway-{subgraph}:{service['spec']['ports'][0]['port']}/graphql"
        )
    assert matching_workloads(docs, named(docs, "Service", "router")["spec"]["selector"]) == [router]


def test_everything_lands_in_one_namespace_and_no_secret_is_rendered(docs: list[Manifest]) -> None:
    assert {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"} == {"satu-atap"}
    assert not [d for d in docs if d["kind"] == "Secret"]
    for secret in load_docs(K8S_DIR / "secret.example.yaml"):
        assert set(secret["stringData"].values()) == {"CHANGE-ME"}, "the example must hold no real secret"


def test_render_matches_kubectl_kustomize(docs: list[Manifest]) -> None:
    """Cross-check the pure-Python render against the real kustomize where kubectl is installed."""
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is not installed; the pure-Python render is checked by the other tests")
    out = subprocess.run(["kubectl", "kustomize", str(K8S_DIR)], capture_output=True, text=True, check=True)
    real = [d for d in yaml.safe_load_all(out.stdout) if d]
    assert sorted(real, key=ident) == sorted(docs, key=ident)


BREAKAGES = [
    ("gateway-linkage.yaml", "replicas: 2", "replicas: two", "Deployment/gateway-linkage: spec.replicas"),
    ("router.yaml", "readinessProbe:", "readinesProbe:", "'readinesProbe' was unexpected"),
    ("neo4j.yaml", "  serviceName: neo4j", "  serviceName: neo4j-headless", "not a headless Service"),
    (
        "gateway-registry.yaml",
        "registry\n  ports:",
        "registri\n  ports:",
        "Service/gateway-registry: selector matches",
    ),
    ("router.yaml", "    name: router\n  minReplicas", "    name: routr\n  minReplicas", "Deployment/routr"),
    ("schema-job.yaml", "key: password", "key: pasword", "has no key pasword"),
    ("kustomization.yaml", "  - router.yaml", "  - ruoter.yaml", "ruoter.yaml, which does not exist"),
    (
        "network-policy.yaml",
        'satu-atap.io/neo4j-client: "true"',
        'satu-atap.io/neo4j-client: "yes"',
        "matches no",
    ),
    (
        "neo4j.yaml",
        "              memory: 3Gi  #",
        "              storage: 3Gi  #",
        "resources.limits needs cpu",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "expected"), BREAKAGES)
def test_a_broken_copy_is_reported(tmp_path: Path, file: str, old: str, new: str, expected: str) -> None:
    broken = tmp_path / "k8s"
    shutil.copytree(K8S_DIR, broken)
    text = (broken / file).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the breakage must hit exactly one place in {file}"
    (broken / file).write_text(text.replace(old, new), encoding="utf-8")
    try:
        problems = problems_in(broken)
    except KustomizationError as error:
        problems = [str(error)]
    assert any(expected in problem for problem in problems), problems


def test_an_unlisted_manifest_and_an_unrendered_kustomize_field_are_reported(tmp_path: Path) -> None:
    broken = tmp_path / "k8s"
    shutil.copytree(K8S_DIR, broken)
    shutil.copy(broken / "router.yaml", broken / "router-canary.yaml")
    assert problems_in(broken) == ["router-canary.yaml is not listed in kustomization.yaml"]
    with (broken / "kustomization.yaml").open("a", encoding="utf-8") as spec:
        spec.write("patches:\n  - path: router-canary.yaml\n")
    with pytest.raises(KustomizationError, match="patches"):
        render(broken)
