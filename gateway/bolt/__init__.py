"""A lean Bolt client for the gateway's reads (``reader``), over our framing (``connection``) and the
driver's own codec (``wire``). Writes and everything else go through the official driver."""

from .connection import Credentials
from .reader import BoltReader, lean_address

__all__ = ["BoltReader", "Credentials", "lean_address"]
