"""botocore's API models, read from a cache of their parsed form in the autograder's kernels.

Every kernel nbgrader starts for a lab notebook makes clients for about six services, and
botocore reads each one's API model and endpoint rules from its gzipped JSON files: about
6 MB of JSON, ~90 ms, in every notebook. ``use_cached_models`` gives boto3's default session a
loader that reads them through the cache localaws's server keeps of the same files
(``localaws.api.CachedJsonFileLoader``: ~20 ms for the same; the data is the same).
"""

from __future__ import annotations

from pathlib import Path

from botocore.loaders import create_loader

from localaws.api import CachedJsonFileLoader


def use_cached_models(folder: Path | None = None) -> None:
    """Make boto3's default session one whose loader reads models through the cache (in
    ``folder``, else localaws's own; before any client of this process is made: those
    already made keep their models)."""
    import boto3
    import botocore.session

    session = botocore.session.get_session()
    loader = create_loader(session.get_config_variable("data_path"))
    loader.file_loader = CachedJsonFileLoader(folder)
    session.register_component("data_loader", loader)
    boto3.setup_default_session(botocore_session=session)
