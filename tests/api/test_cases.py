"""Cases and Case Management projects, through the official client's CaseManagementApi.

The answers must parse completely (`_unparsed` stays False): a value outside one of the
client's enums (`users` where it expects `user`) would be kept aside as an unparsed part.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException, ForbiddenException, NotFoundException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.model.case_create_request import CaseCreateRequest
from datadog_api_client.v2.model.case_priority import CasePriority
from datadog_api_client.v2.model.case_status import CaseStatus
from datadog_api_client.v2.model.case_status_group import CaseStatusGroup
from datadog_api_client.v2.model.case_type import CaseType
from datadog_api_client.v2.model.project_create_request import ProjectCreateRequest
from datadog_api_client.v2.model.project_resource_type import ProjectResourceType
from datadog_api_client.v2.model.user_resource_type import UserResourceType

from tests.api.conftest import configuration, errors_of
from tests.api.test_maintenance_windows import build
from tests.conftest import Server

TYPE_ID = "00000000-0000-0000-0000-000000000001"


def org_name() -> str:
    return f"cases-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def org(server: Server) -> str:
    return org_name()


def client_for(server: Server, org: str, email: str, *permissions: str) -> ApiClient:
    flags = [a for p in permissions for a in ("-p", p)] or ["--admin"]
    return ApiClient(configuration(server, *server.create_keys("--org", org, "--email", email, *flags)))


@pytest.fixture
def client(server: Server, org: str) -> Iterator[ApiClient]:
    with client_for(server, org, "lead@example.com") as c:
        yield c


def new_project(api: CaseManagementApi, client: ApiClient, key: str, **attributes: Any) -> Any:
    return api.create_project(body=build(ProjectCreateRequest, {"data": {"type": "project", "attributes": {
        "key": key, "name": f"{key} investigations", **attributes}}}, client))


def case_body(client: ApiClient, project_id: str, assignee: str | None = None, priority: str = "P2") -> CaseCreateRequest:
    relationships: dict[str, Any] = {"project": {"data": {"id": project_id, "type": "project"}}}
    if assignee is not None:
        relationships["assignee"] = {"data": {"id": assignee, "type": "user"}}
    return build(CaseCreateRequest, {"data": {"type": "case", "attributes": {
        "title": "Security breach investigation", "priority": priority, "type_id": TYPE_ID},
        "relationships": relationships}}, client)


def raw(server: Server, client: ApiClient) -> Any:
    keys = client.configuration.api_key
    http = server.http()
    http.headers.update({"DD-API-KEY": keys["apiKeyAuth"], "DD-APPLICATION-KEY": keys["appKeyAuth"]})
    return http


def test_projects_create_list_get_delete(client: ApiClient) -> None:
    api = CaseManagementApi(client)
    made = new_project(api, client, "SEC", enabled_custom_case_types=[])
    assert not made._unparsed
    assert made.data.type == ProjectResourceType.PROJECT and uuid.UUID(made.data.id)
    assert (made.data.attributes.key, made.data.attributes.name, made.data.attributes.restricted) == ("SEC", "SEC investigations", False)
    other = new_project(api, client, "OPS")
    listed = api.get_projects()
    assert not listed._unparsed and [p.id for p in listed.data] == [other.data.id, made.data.id]  # by key
    got = api.get_project(made.data.id)
    assert got.data.to_dict() == made.data.to_dict()
    assert api.delete_project(made.data.id) is None
    with pytest.raises(NotFoundException) as gone:
        api.get_project(made.data.id)
    assert errors_of(gone.value) == ["project not found"]
    with pytest.raises(NotFoundException):
        api.delete_project(made.data.id)
    assert [p.id for p in api.get_projects().data] == [other.data.id]


def test_project_input_is_checked(client: ApiClient, server: Server) -> None:
    api = CaseManagementApi(client)
    new_project(api, client, "SEC")
    with pytest.raises(ApiException) as taken:
        new_project(api, client, "SEC")
    assert taken.value.status == 409 and errors_of(taken.value) == ["a project with key SEC already exists"]
    for key in ("CASE", "sec", "TOOLONGKEY12", "1SEC", ""):
        with pytest.raises(ApiException) as bad:
            new_project(api, client, key)
        assert bad.value.status == 400, key
    with raw(server, client) as http:
        wrong = http.post("/api/v2/cases/projects", json={"data": {"type": "projects", "attributes": {"key": "NET", "name": "n"}}})
        assert wrong.status_code == 400 and wrong.json() == {"errors": ['got type "projects" expected one of "project"']}
        # A word under the collection is a sub-path recess does not serve, never a project id.
        favorites = http.get("/api/v2/cases/projects/favorites")
        assert favorites.status_code == 404 and favorites.json() == {"errors": ["Not found: GET /api/v2/cases/projects/favorites"]}


def test_case_answers_with_the_clients_enums(client: ApiClient, server: Server, org: str) -> None:
    api = CaseManagementApi(client)
    project = new_project(api, client, "SEC").data.id
    with client_for(server, org, "analyst@example.com", "cases_read", "cases_write") as analyst:
        analyst_id = CaseManagementApi(analyst).create_case(body=case_body(analyst, project)).data.relationships.created_by.data.id
    made = api.create_case(body=case_body(client, project, assignee=analyst_id))
    assert not made._unparsed, made
    data = made.data
    assert data.attributes.key == "SEC-2" and data.attributes.type == CaseType.STANDARD
    assert data.attributes.status == CaseStatus.OPEN and data.attributes.status_group == CaseStatusGroup.SG_OPEN
    assert data.attributes.priority == CasePriority.P2 and data.attributes.type_id == TYPE_ID
    relationships = data.relationships
    assert relationships.created_by.data.type == UserResourceType.USER
    assert relationships.assignee.data.type == UserResourceType.USER and relationships.assignee.data.id == analyst_id
    assert relationships.project.data.type == ProjectResourceType.PROJECT and relationships.project.data.id == project
    included = {u["id"]: u for u in made.to_dict()["included"]}
    assert set(included) == {relationships.created_by.data.id, analyst_id}
    assert included[analyst_id]["type"] == "user" and included[analyst_id]["attributes"]["email"] == "analyst@example.com"
    got = api.get_case(data.id)
    assert not got._unparsed and got.data.relationships.created_by.data.type == UserResourceType.USER
    assert got.data.relationships.assignee.data.id == analyst_id
    with pytest.raises(NotFoundException) as missing:
        api.get_case(str(uuid.uuid4()))
    assert errors_of(missing.value) == ["case not found"]


def test_case_needs_an_existing_project_and_assignee(client: ApiClient, server: Server) -> None:
    api = CaseManagementApi(client)
    project = new_project(api, client, "SEC").data.id
    with pytest.raises(NotFoundException) as no_project:
        api.create_case(body=case_body(client, str(uuid.uuid4())))
    assert errors_of(no_project.value) == ["project not found"]
    with pytest.raises(NotFoundException) as no_user:
        api.create_case(body=case_body(client, project, assignee=str(uuid.uuid4())))
    assert errors_of(no_user.value) == ["user not found"]
    with client_for(server, org_name(), "stranger@example.com") as stranger:  # a user of another org
        stranger_api = CaseManagementApi(stranger)
        theirs = new_project(stranger_api, stranger, "SEC").data.id
        stranger_id = stranger_api.create_case(body=case_body(stranger, theirs)).data.relationships.created_by.data.id
    with pytest.raises(NotFoundException):
        api.create_case(body=case_body(client, project, assignee=stranger_id))
    with pytest.raises(NotFoundException):  # another org's project is not found either
        api.create_case(body=case_body(client, theirs))
    body = {"data": {"type": "case", "attributes": {"title": "Security breach investigation", "type_id": TYPE_ID},
                     "relationships": {"assignee": {"data": {"id": str(uuid.uuid4()), "type": "userx"}},
                                       "project": {"data": {"id": str(uuid.uuid4()), "type": "project"}}}}}
    with raw(server, client) as http:
        userx = http.post("/api/v2/cases", json=body)  # the type is checked before anything is looked up
        assert userx.status_code == 400 and userx.json() == {"errors": ['got type "userx" expected one of "user"']}
        body["data"]["relationships"]["assignee"] = {"data": None}
        body["data"]["relationships"]["project"]["data"]["type"] = "projects"
        projects = http.post("/api/v2/cases", json=body)
        assert projects.status_code == 400 and projects.json() == {"errors": ['got type "projects" expected one of "project"']}
    # Nothing was created by the refused requests.
    assert [p.attributes.key for p in api.get_projects().data] == ["SEC"]


def test_project_permissions(server: Server, org: str) -> None:
    with client_for(server, org, "reader@example.com", "cases_read") as reader:
        api = CaseManagementApi(reader)
        assert api.get_projects().data == []
        with pytest.raises(ForbiddenException):
            new_project(api, reader, "SEC")
