"""Kept for notebooks released before labcheck was split into sub-packages: they import
``zip_source`` and ``this_python_runtime`` from here. New code uses
``labcheck.notebook.sandbox``."""

from labcheck.notebook.sandbox import Invocation, Sandbox, this_python_runtime, zip_source

__all__ = ["Invocation", "Sandbox", "this_python_runtime", "zip_source"]
