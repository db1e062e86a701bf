"""Hardening against hostile requests: size, rate, query shape and cost, error disclosure."""
