"""The committed SDL of each subgraph (``gateway/schema/<subgraph>.graphql``), what the composer reads.

``python -m gateway.sdl`` rewrites the files; ``python -m gateway.sdl --check`` exits 1 naming the
stale ones (a test runs the check, so a schema change without a new SDL fails the suite).
"""

from __future__ import annotations

import sys
from pathlib import Path

from .schema.build import SUBGRAPHS, Subgraph, build_schema

SDL_DIR = Path(__file__).resolve().parent / "schema"


def sdl_path(subgraph: Subgraph) -> Path:
    return SDL_DIR / f"{subgraph}.graphql"


def subgraph_sdl(subgraph: Subgraph) -> str:
    """The federation SDL, exactly what ``{ _service { sdl } }`` answers."""
    return build_schema(subgraph).as_str() + "\n"


def stale_files() -> list[Path]:
    return [
        sdl_path(s)
        for s in SUBGRAPHS
        if not sdl_path(s).is_file() or sdl_path(s).read_text(encoding="utf-8") != subgraph_sdl(s)
    ]


def main(argv: list[str]) -> int:
    if "--check" in argv:
        stale = stale_files()
        for path in stale:
            print(f"stale SDL: {path} (run: python -m gateway.sdl)", file=sys.stderr)
        return 1 if stale else 0
    for subgraph in SUBGRAPHS:
        sdl_path(subgraph).write_text(subgraph_sdl(subgraph), encoding="utf-8")
        print(sdl_path(subgraph))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
