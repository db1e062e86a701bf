"""Observability of the gateway: Prometheus metrics, request ids, structured logs, optional tracing.

One idea per module: ``settings`` (environment), ``request_id`` (the id and its context variable),
``log_format`` (JSON/text lines), ``metrics`` (the Prometheus families and ``/metrics``),
``operation_names`` (the label cap), ``http_observer`` (per-request middleware: id, timing, access
line), ``graphql_observer`` (per-operation metrics and span), ``cypher`` (per-statement timing),
``linkage_figures`` (the graph's latest load, cached), ``tracing`` (OpenTelemetry when asked for) and
``wiring`` (puts them into one app).
"""
