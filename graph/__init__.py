"""Satu Atap graph: the Neo4j model, its loaders and every Cypher statement the project runs."""
