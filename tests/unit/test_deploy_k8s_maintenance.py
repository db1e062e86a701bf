"""Backup plumbing of the deployments, offline: deploy/k8s/maintenance (the backup claim and the
dump/load Jobs validate against the Kubernetes schemas, mount what exists, and are never applied by
``kubectl apply -k``) and the Compose ``neo4j-admin`` maintenance service."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.unit.test_deploy_compose import COMPOSE_FILE
from tests.unit.test_deploy_k8s import (
    K8S_DIR,
    Manifest,
    container_problems,
    load_docs,
    pod_spec,
    render,
    schema_problems,
)

MAINTENANCE_DIR = K8S_DIR / "maintenance"
JOBS = ("neo4j-dump-job.yaml", "neo4j-load-job.yaml")


def maintenance_docs() -> list[Manifest]:
    return [doc for path in sorted(MAINTENANCE_DIR.glob("*.yaml")) for doc in load_docs(path)]


def claim_names(docs: list[Manifest]) -> set[str]:
    """Claims that will exist: the maintenance PVCs and the StatefulSet's per-pod claims."""
    names = {d["metadata"]["name"] for d in docs if d["kind"] == "PersistentVolumeClaim"}
    for doc in render(K8S_DIR):
        if doc["kind"] == "StatefulSet":
            for template in doc["spec"].get("volumeClaimTemplates", []):
                names |= {
                    f"{template['metadata']['name']}-{doc['metadata']['name']}-{i}"
                    for i in range(doc["spec"]["replicas"])
                }
    return names


def test_the_maintenance_manifests_validate() -> None:
    docs = maintenance_docs()
    assert {d["kind"] for d in docs} == {"PersistentVolumeClaim", "Job"}
    # generateName Jobs have no name; give the schema check one, as the API server would.
    named = [
        {**d, "metadata": {"name": d["metadata"].get("name", "generated"), **d["metadata"]}} for d in docs
    ]
    assert schema_problems(named) == []
    assert [p for d in named for p in container_problems(d, {}, {})] == []


@pytest.mark.parametrize("job", JOBS)
def test_each_job_mounts_the_neo4j_store_and_the_backup_claim(job: str) -> None:
    [doc] = load_docs(MAINTENANCE_DIR / job)
    spec = pod_spec(doc)
    assert spec is not None and spec["restartPolicy"] == "Never" and doc["spec"]["backoffLimit"] == 0
    claims = {v["persistentVolumeClaim"]["claimName"] for v in spec["volumes"]}
    assert claims == {"data-neo4j-0", "neo4j-backups"} and claims <= claim_names(maintenance_docs())
    [container] = spec["containers"]
    neo4j_image = render(K8S_DIR)
    [statefulset] = [d for d in neo4j_image if d["kind"] == "StatefulSet"]
    assert container["image"] == statefulset["spec"]["template"]["spec"]["containers"][0]["image"]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert mounts == {"data": "/data", "backups": "/backups"}
    verb = "dump" if "dump" in job else "load"
    assert f"neo4j-admin database {verb} neo4j" in " ".join(container["command"])


def test_no_maintenance_manifest_is_part_of_the_kustomization() -> None:
    listed = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text(encoding="utf-8"))["resources"]
    assert not [name for name in listed if "maintenance" in name]
    assert not [Path(name) for name in listed if (K8S_DIR / name).is_dir()]


def test_the_compose_maintenance_service_dumps_the_live_volume_only_on_demand() -> None:
    compose = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    neo4j, admin = compose["services"]["neo4j"], compose["services"]["neo4j-admin"]
    assert admin["image"] == neo4j["image"], "neo4j-admin must match the store format of the server"
    assert admin["profiles"] == ["maintenance"], "`docker compose up` must never start it"
    assert admin["restart"] == "no" and "ports" not in admin
    data_volume = next(v for v in neo4j["volumes"] if v.endswith(":/data"))
    assert data_volume in admin["volumes"] and "./backups:/backups" in " ".join(admin["volumes"])
