"""The GraphQL schema in domain words, one module per concept, assembled per subgraph."""
