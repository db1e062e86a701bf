"""``ltsa token``: mint a development HS256 token signed with LTSA_JWT_SECRET.

Prints only the token on stdout, so ``TOKEN=$(ltsa token --role app --sub dev)`` works. Exit code 2 for
a usage or configuration error (no or short secret, unknown role, non-positive TTL).
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from gateway.auth.dev_tokens import mint_token
from gateway.auth.principal import Role

ROLES = ", ".join(r.value for r in Role)


def token(
    role: Annotated[str, typer.Option(help=f"One of: {ROLES}.")],
    sub: Annotated[str, typer.Option(help="Who the token speaks for (the JWT subject).")],
    ttl: Annotated[int, typer.Option(help="Seconds until the token expires.")] = 3600,
) -> None:
    """Mint a development token (HS256, LTSA_JWT_SECRET; LTSA_JWT_ISSUER/AUDIENCE when set).

    Example: ltsa token --role investigator --sub rina --ttl 900
    """
    try:
        chosen = Role(role)
    except ValueError:
        raise typer.BadParameter(f"choose one of {ROLES}", param_hint="--role") from None
    secret = os.environ.get("LTSA_JWT_SECRET", "")
    try:
        minted = mint_token(
            secret,
            sub,
            chosen,
            ttl,
            issuer=os.environ.get("LTSA_JWT_ISSUER") or None,
            audience=os.environ.get("LTSA_JWT_AUDIENCE") or None,
        )
    except ValueError as exc:
        hint = " (LTSA_JWT_SECRET)" if "secret" in str(exc) else ""
        raise typer.BadParameter(f"{exc}{hint}") from None
    print(minted)
