"""GraphQL over an in-process Starlette TestClient: the body of a 200 answer, or its data."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient


def ask(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def data(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    body = ask(client, query, **variables)
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]
    return result
