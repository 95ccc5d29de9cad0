"""Kept for notebooks released before labcheck was split into sub-packages: they import
``cost_per_invocation`` from here. New code uses ``labcheck.render.plot``."""

from labcheck.render.plot import cost_per_invocation, memory_curve, save_memory_curve

__all__ = ["cost_per_invocation", "memory_curve", "save_memory_curve"]
