"""schemathesis over the service's own OpenAPI document, as each role, against the real service on a real port.

Bounded: a few dozen generated requests per operation, schema-valid and schema-invalid, for every role. The
service runs over its own copy of the seed index, since an admin's generated uploads and deletes change it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from assistant.engine import Assistant
from assistant.service import create_app
from assistant.settings import Settings
from index.embed import DEFAULT_MODEL
from index.search import Index

KEYS = {"anonymous": None, "public": "pub-key", "member": "mem-key", "admin": "adm-key"}
EXAMPLES = 12  # per operation, generation mode and role: about 2,000 requests in all
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, corpus, settings: Settings) -> Iterator[tuple[str, object]]:
    """The service over a copy of the test corpus, and its OpenAPI document loaded by schemathesis."""
    home = tmp_path_factory.mktemp("schema-home")
    copy = sqlite3.connect(home / "council.db")
    corpus.index.store.db.backup(copy)
    copy.close()
    index = Index(home, DEFAULT_MODEL, embedder=corpus.index.embedder)
    own = settings.model_copy(update={"home": home})
    from conftest import running  # tests/assistant/conftest.py

    with running(create_app(own, Assistant(own, index=index))) as url:
        yield url, schemathesis.openapi.from_url(f"{url}/openapi.json")
    index.close()


def _operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("role", list(KEYS))
def test_every_operation_as_every_role_answers_as_documented_and_never_5xx(api, role):
    url, schema = api
    headers = {"X-API-Key": KEYS[role]} if KEYS[role] else {}
    operations = _operations(schema)
    assert len(operations) >= 12
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,  # the same requests every run: a failure here is a regression, not luck
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def call(case) -> None:
                case.call_and_validate(base_url=url, headers=headers, checks=CHECKS, timeout=60)

            call()
