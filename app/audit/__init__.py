"""The audit trail: who did what, to which object, with what result, from where."""

from .services import record

__all__ = ["record"]
