"""Satu Atap gateway: GraphQL (Strawberry on Starlette) and web pages over the graph."""
