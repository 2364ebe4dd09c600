"""The binding routes' path parameters, for `/openapi.json` (their bodies are their own
`response_model`s; see `recess.core.openapi.Answer`)."""

from __future__ import annotations

from recess.bindings import routes
from recess.core.openapi import UUID, Answer

IDS = {"page_id": UUID, "component_id": UUID}

answers = {
    routes.put_binding: Answer(path=IDS, declared=True),
    routes.get_binding: Answer(path=IDS, declared=True),
    routes.delete_binding: Answer(None, IDS),
}
