"""The assistant answers on PostgreSQL as on the embedded default: the same text, citations and abstentions for
the development set's questions on the seeds (bench/pg_answers.py runs them all; here every 8th), and the record
it reads (facts, catalog, boilerplate) is the same on both stores."""

from __future__ import annotations

import pytest

from assistant.engine import Assistant
from assistant.settings import Settings
from bench.pg_answers import compare, dev_questions, shown

EVERY = 8  # of the 339 dev questions: 43, about 20 s for both backends together on this machine


@pytest.fixture(scope="module")
def assistants(seed_index, pg_seed_index, tmp_path_factory) -> tuple[Assistant, Assistant]:
    settings = Settings(home=tmp_path_factory.mktemp("unused"), api_keys="", api_keys_file=None)
    return Assistant(settings, index=seed_index), Assistant(settings, index=pg_seed_index)


def test_postgres_answers_the_dev_questions_as_the_default_does(assistants):
    questions = dev_questions(EVERY)
    differ, _, _ = compare(*assistants, questions)
    assert len(questions) == 43 and differ == []


def test_both_stores_read_the_same_record(seed_index, pg_seed_index, monkeypatch):
    embedded, postgres = seed_index.store, pg_seed_index.store
    key = ("inspection", "meeting", "recommendation", "action")
    for entity in key:
        want, got = embedded.facts(entity=entity), postgres.facts(entity=entity)
        assert want, entity  # the seeds hold each kind
        strip = lambda rows: [{k: v for k, v in r.items() if k not in ("id", "passage_id")} for r in rows]  # noqa: E731
        assert strip(got) == strip(want), entity
    assert postgres.catalog() == embedded.catalog()
    # Boilerplate: of the passages whose text stands in two papers or more, and as many others, the same ones
    # (no text stands in three seeds: counted from two here).
    monkeypatch.setattr("ingest.reads.REPEATED_IN", 2)
    passages = dict(embedded.iter_passages())
    papers: dict[str, set[str]] = {}
    for p in passages.values():
        papers.setdefault(" ".join(p.text.lower().split()), set()).add(p.doc_id)
    shared = [i for i, p in passages.items() if len(papers[" ".join(p.text.lower().split())]) > 1]
    ids = {passages[i].passage_id: i for i in [*shared, *list(passages)[: len(shared)]]}
    pg_ids = {p.passage_id: i for i, p in postgres.iter_passages() if p.passage_id in ids}
    repeated = {p for p, i in ids.items() if i in embedded.repeated(list(ids.values()))}
    assert repeated and len(shared) >= len(repeated)
    assert {p for p, i in pg_ids.items() if i in postgres.repeated(list(pg_ids.values()))} == repeated


def test_a_follow_up_in_a_chat_on_postgres_is_read_with_the_question_before(assistants):
    _, postgres = assistants
    first = postgres.chat("How long do children wait for an autism assessment?")
    follow = postgres.chat("And what about their parents?", conversation_id=first.conversation_id)
    assert follow.conversation_id == first.conversation_id and first.question in follow.query
    with pytest.raises(Exception, match="no conversation"):
        postgres.chat("And then?", conversation_id=first.conversation_id, role="member")
    assert shown(postgres.ask(first.question)) == shown(first)
