"""What access control costs per request: token verification and the query cost rule.

Peers: a bare ``jwt.decode`` (what any gateway pays to check a token) and graphql-core's standard
validation of the same document (what every request pays already); the cost rule's verdict for a
document seen before (kept per document and page size) against computing it. Prints one table with
ratios.

    .venv/bin/python benchmarks/auth_overhead.py [--rounds 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable

import jwt
from graphql import parse, validate

from gateway.auth.dev_tokens import mint_token
from gateway.auth.principal import Role
from gateway.auth.settings import AuthSettings
from gateway.auth.verify import TokenVerifier
from gateway.schema.build import build_schema
from gateway.security.cost import document_costs, query_cost
from gateway.security.stack import SecuritySettings

SECRET = "benchmark-secret-0123456789abcdefghijkl"
NESTED = """query($name: String!, $first: Int!) { searchPeople(name: $name, first: $first) { edges { node {
  person { id fullName nik
    family { relation relative { id fullName placements { id } } }
    placements { id agency { id name } employer { id } }
    sourceRecords { key values { field value } }
    complaints { id } region { name parent { name } } } } } } }"""


def per_second(work: Callable[[], object], rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        work()
    return rounds / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    rounds = parser.parse_args().rounds

    token = mint_token(SECRET, "bench", Role.INVESTIGATOR, 3600)
    verifier = TokenVerifier(AuthSettings(secret=SECRET))

    async def verify_all() -> float:
        start = time.perf_counter()
        for _ in range(rounds):
            await verifier.verify(token)
        return rounds / (time.perf_counter() - start)

    ours_verify = asyncio.run(verify_all())  # one event loop, as in the server
    bare_decode = per_second(lambda: jwt.decode(token, SECRET, algorithms=["HS256"]), rounds)

    schema = build_schema("registry")._schema
    document = parse(NESTED)
    operation = document.definitions[0]
    limits = SecuritySettings().cost_limits
    variables = {"name": "SITI", "first": 20}
    ours_cost = per_second(lambda: query_cost(schema, operation, {}, variables, limits).cost, rounds)  # type: ignore[arg-type]
    core_validate = per_second(lambda: validate(schema, document), max(1, rounds // 10))
    seen_cost = per_second(lambda: document_costs(schema, document, variables, limits), rounds)

    rows = [
        ("token: TokenVerifier.verify (HS256)", ours_verify, "jwt.decode", bare_decode),
        ("query: cost rule (nested search)", ours_cost, "graphql-core validate", core_validate),
        ("query: cost rule, document seen before", seen_cost, "cost rule computed", ours_cost),
    ]
    print(f"{'what':40} {'ours/s':>10} {'peer':24} {'peer/s':>10} {'ours÷peer':>10}")
    for name, ours, peer, theirs in rows:
        print(f"{name:40} {ours:10.0f} {peer:24} {theirs:10.0f} {ours / theirs:10.2f}")


if __name__ == "__main__":
    main()
