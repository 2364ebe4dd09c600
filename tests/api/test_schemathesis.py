"""schemathesis against a live server's own `/openapi.json`: no answer is a server error, and
none breaks the document (status code, content type, and the body's schema where it is given).

Every operation is tried with a fixed, small budget (`EXAMPLES`), derandomized so a run is
repeatable: valid requests naming objects that exist (`seed`), valid requests with generated
ids, and invalid requests (negative mode). The seed's own answers (valid creates and updates, which
random bodies rarely are: scopes must parse, times must be in order) are checked against the
document too. On both backends: about a minute each on two cores.
405 answers are checked apart: they name the path's methods in `Allow`.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from tests.api.seed import seed
from tests.conftest import Server

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Examples per operation: (mode, with the seeded objects' ids?, how many).
EXAMPLES = [(GenerationMode.POSITIVE, True, 8), (GenerationMode.POSITIVE, False, 4), (GenerationMode.NEGATIVE, True, 8)]
MIN_SUCCEEDED = 60  # operations that must answer 2xx at least once, so that their bodies are checked
TEST_ONLY = "/api/v1/_recess/"  # the test clock: moving it would change what the others answer


def _ids(path: str, name: str, seeded: dict[str, str]) -> str:
    """The seeded object a path parameter names, told apart by the path where names repeat."""
    if name == "downtime_id":
        return seeded["v2_downtime_id" if path.startswith("/api/v2/") else "v1_downtime_id"]
    if name == "update_id":
        return seeded["degradation_update_id" if "/degradations/" in path else "maintenance_update_id"]
    if name == "template_id":
        return seeded["degradation_template_id" if "/degradation_templates/" in path else "maintenance_template_id"]
    return seeded[name]


def _order(operation: Any) -> tuple[int, int, str]:
    """Writes that remove things last, the deepest first, so the others find the seeded objects."""
    deleting = operation.method.upper() == "DELETE"
    return (deleting, -operation.path.count("/") if deleting else 0, f"{operation.path} {operation.method}")


def test_no_answer_is_a_server_error_or_breaks_the_document(clock_server: Server) -> None:
    server = clock_server
    created: list[httpx.Response] = []
    with server.http() as http:
        seeded = seed(http, created)
    auth = server.headers()
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    # The seed's answers (creates with valid bodies: the fuzzer rarely writes one) fit the document.
    for answer in created:
        operation = schema.find_operation_by_path(answer.request.method, answer.request.url.path)
        assert operation is not None, answer.request.url
        operation.validate_response(answer)
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=_order)
    operations = [op for op in operations if not op.path.startswith(TEST_ONLY)]
    assert len(operations) >= 75, [op.label for op in operations]

    failures: list[str] = []
    sent = 0
    succeeded: set[str] = set()  # operations that answered 2xx at least once: their bodies were checked
    for operation in operations:
        fixed = {p.name: _ids(operation.path, p.name, seeded) for p in operation.path_parameters}
        for mode, seeded_ids, count in EXAMPLES:
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed if seeded_ids else None)

            @settings(max_examples=count, deadline=None, database=None, derandomize=True, phases=[Phase.generate],
                      suppress_health_check=list(HealthCheck))
            @given(case=strategy)
            def exercise(case: Any) -> None:
                nonlocal sent
                sent += 1
                response = case.call(base_url=server.url, headers=auth, timeout=30)
                if response.status_code < 300:
                    succeeded.add(operation.label)
                try:
                    case.validate_response(response, checks=CHECKS, headers=auth)
                except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every failure is listed at the end
                    found = "; ".join(dict.fromkeys(line.strip("- ") for line in str(exc).splitlines() if line.startswith("- ")))
                    failures.append(f"{operation.label} ({mode.value}): {response.status_code} {found or exc!r} "
                                    f"{response.text[:200]!r}\n    {case.as_curl_command(headers={})}")

            try:
                exercise()
            except Unsatisfiable:  # negative mode, on an operation with nothing left to get wrong
                assert mode is GenerationMode.NEGATIVE, operation.label
    assert sent >= len(operations) * 5
    print(f"{sent} requests; {len(succeeded)} of {len(operations)} operations answered 2xx; never:",
          sorted({op.label for op in operations} - succeeded))
    assert len(succeeded) >= MIN_SUCCEEDED, sorted({op.label for op in operations} - succeeded)
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:60])
    with httpx.Client(base_url=server.url, timeout=10) as http:
        assert http.get("/healthz").status_code == 200  # and the server is still there


@pytest.mark.parametrize(("path", "method", "allowed"), [
    ("/api/v2/downtime", "PUT", {"GET", "POST"}),
    ("/api/v2/downtime/00000000-0000-0000-0000-000000000000", "POST", {"GET", "PATCH", "DELETE"}),
    ("/api/v1/monitor/1", "PATCH", {"GET", "PUT", "DELETE"}),
    ("/api/v2/statuspages/00000000-0000-0000-0000-000000000000", "PUT", {"GET", "PATCH", "DELETE"}),
])
def test_405_answers_say_which_methods_the_path_takes(server: Server, path: str, method: str, allowed: set[str]) -> None:
    with server.http() as http:
        answer = http.request(method, path)
    assert answer.status_code == 405, answer.text
    assert set(answer.headers["Allow"].split(", ")) - {"HEAD"} == allowed, answer.headers.get("Allow")
    errors = answer.json()["errors"]
    assert errors and (errors[0] == "Method Not Allowed" or errors[0]["detail"] == "Method Not Allowed"), errors
