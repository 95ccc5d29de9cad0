"""moto's OpenAPI validator is imported at its first use, and then validates as before."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHECK = textwrap.dedent(
    """
    import sys
    from localaws.server.slow_imports import defer_slow_imports

    defer_slow_imports()
    import moto.apigateway.models as apigateway

    assert "openapi_spec_validator.shortcuts" not in sys.modules, "imported at start"
    valid = {
        "openapi": "3.0.1",
        "info": {"title": "t", "version": "1"},
        "paths": {"/": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }
    apigateway.validate(valid)  # no error
    try:
        apigateway.validate({"openapi": "3.0.1", "info": {"title": "no version"}, "paths": {}})
    except apigateway.OpenAPIValidationError as error:  # the class moto catches
        print("refused:", error.message)
    else:
        raise AssertionError("an invalid document passed")
    import openapi_spec_validator
    import openapi_spec_validator.validation.exceptions as exceptions

    assert not getattr(openapi_spec_validator, "__placeholder__", False)
    assert openapi_spec_validator.validation.exceptions is exceptions
    assert exceptions.OpenAPIValidationError is apigateway.OpenAPIValidationError
    """
)


def test_the_validator_loads_at_first_use_and_refuses_an_invalid_document() -> None:
    run = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "refused: 'version' is a required property" in run.stdout
