"""The assistant: frame the question, retrieve, rerank, then answer through one Answerer, or decline."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace

from assistant.answerer import Answerer, Thresholds, decline_reason
from assistant.chat import ChatHistory, rewrite
from assistant.extractive import ExtractiveAnswerer
from assistant.frame import Catalog, Frame, Premise, asks, frame, premise
from assistant.from_record import (
    LISTED_FIELDS,
    lead_with_record,
    named_areas,
    named_keys,
    plan_actions,
    record_facts,
    record_hits,
)
from assistant.models import Answer
from assistant.rerank import rerank
from assistant.settings import Settings
from assistant.shapes import FIELD_WORDS, STATED_FIELDS, join_answers
from index.embed import Embedder
from index.opening import AnyIndex, open_index
from index.query_batch import BatchedEmbedder
from index.search import Filters, Hit, Timings
from ingest.errors import BadRequest

CANDIDATES = 50  # how deep the hybrid search goes for the reranker
_COPYRIGHT = re.compile(r"^\W*(?:©|\(c\)\s|copyright\b|crown copyright\b)[^\n]{0,100}$", re.I)


@dataclass(frozen=True)
class Prepared:
    """A question ready for an answerer: its frame and ranked passages, or why the papers do not answer it."""

    question: str
    query: str
    frame: Frame
    hits: list[Hit]
    reason: str | None
    timings: Timings


def access_for(role: str) -> tuple[str, ...]:
    """The access levels a role may read."""
    return ("public", "restricted") if role in ("member", "admin") else ("public",)


class Assistant:
    """Answers questions over an open index (either backend: index/opening.py); holds the index, the chat history
    and the answerer."""

    def __init__(self, settings: Settings, index: AnyIndex | None = None, rerank: bool = True) -> None:
        self.settings = settings
        if index is None:
            embedder = BatchedEmbedder(Embedder(settings.model), settings.encode_batch)
            index = open_index(settings.home, settings.model, settings.database_url, embedder, settings.approx_from)
        self.index = index
        self.history = ChatHistory(self.index.store)
        self.rerank = rerank  # off only to train the reranker on the search's own order
        self.thresholds = Thresholds(settings.abstain_cosine, settings.abstain_coverage, settings.abstain_focus)
        self.extractive = ExtractiveAnswerer(neighbours=self.neighbours, actions=self.plan_actions, stated=self.stated)
        self.llm = None
        if settings.llm_model:
            from assistant.llm import LLMAnswerer

            self.llm = LLMAnswerer.from_settings(settings)
        self._catalogs: dict[tuple, Catalog] = {}

    @property
    def answerer(self) -> Answerer:
        """The LLM answerer when one is configured, else the extractive one."""
        return self.llm or self.extractive

    def close(self) -> None:
        self.index.close()

    def catalog(self, access: tuple[str, ...]) -> Catalog:
        """What the papers the caller may read hold (councils, bodies, dates); read again after a commit."""
        key = (access, self.index.version)
        found = self._catalogs.get(key)
        if found is None:
            found = Catalog(**self.index.store.catalog(access))
            # A new dict, not the old one changed: another thread may be reading it.
            self._catalogs = {**{k: v for k, v in self._catalogs.items() if k[1] == key[1]}, key: found}
        return found

    def candidates(
        self,
        query: str,
        filters: Filters | None,
        access: tuple[str, ...],
        timings: Timings | None = None,
        question: str | None = None,
        stated: Premise | None = None,
    ) -> tuple[Frame, list[Hit]]:
        """The question's frame and the hybrid search's candidates, kept to the council the question names.

        A question that opens with a statement (`stated`) is searched with it, but kept only to the council, dates
        and years its ask names ("... Does she appear in any of the area SEND inspections?"), and, when it asks
        what came of the statement, to papers after the statement's date."""
        f = frame(query, self.catalog(access))  # a follow-up's query carries the question it follows
        if question and question != query:  # but what it asks for, and about, is its own ("and what about X?")
            own = frame(question, self.catalog(access))  # (an ask after a statement is about both: "did it happen?")
            f = replace(f, slot=own.slot, focus=f.focus if stated else own.focus or f.focus)
        if stated:  # the statement's council, meeting and year set the scene; the ask's own are what it names
            ask = frame(stated.ask, self.catalog(access))
            f = replace(f, councils=ask.councils, dates=ask.dates, years=ask.years, since=ask.since, until=ask.until,
                        stated=stated.text)
            if stated.since and not (filters and filters.since and filters.since >= stated.since):
                filters = replace(filters or Filters(), since=stated.since)
        drop: tuple[str, ...] = ()
        if f.councils and len(f.councils) == 1 and not (filters and filters.council):
            filters = replace(filters or Filters(), council=f.councils[0])
            drop = f.council_words  # every paper left is that council's: its name no longer tells them apart
        hits = self.index.search(
            query, k=CANDIDATES, filters=filters, access=access, timings=timings, expand=f.expand, drop=drop
        )
        return f, hits

    def retrieve(
        self,
        query: str,
        k: int,
        filters: Filters | None,
        access: tuple[str, ...],
        timings: Timings,
        question: str | None = None,
        stated: Premise | None = None,
    ) -> tuple[Frame, list[Hit]]:
        """The k passages the answer is built from: the candidates reranked with the question's frame."""
        f, hits = self.candidates(query, filters, access, timings, question, stated)
        t0 = time.perf_counter()
        ranked = rerank(f, hits) if self.rerank else hits
        if self.rerank:
            found, fields = self._record_hits(f, hits, access, filters)
            ranked = lead_with_record(ranked, found)
            if f.slot == "general" and len(found) > 1 and fields <= LISTED_FIELDS:
                f = replace(f, slot="list")  # "what did Ofsted say needed to improve": the record's items, listed
            # A copyright line or a publisher's address repeated across papers answers nothing; nor does a paper's
            # own copyright line ("© Crown copyright 2026"), which its year makes unlike the others'.
            boilerplate = self.index.store.repeated([h.id for h in ranked[: k + 10]], access)
            boilerplate |= {h.id for h in ranked[: k + 10] if _COPYRIGHT.match(h.passage.text)}
            ranked = [h for h in ranked if h.id not in boilerplate]
        timings.extra["rerank_ms"] = (time.perf_counter() - t0) * 1e3
        return f, ranked[:k]

    def _record_hits(
        self, f: Frame, candidates: list[Hit], access: tuple[str, ...], filters: Filters | None = None
    ) -> tuple[list[Hit], set[str]]:
        """The passages the record's matching facts cite, as hits (the search's own, when it found them), and the
        facts' fields; only those the caller's filters admit, as a filtered search returns no passage outside them."""
        found = record_hits(f, self.index.store, access)
        if found and filters:
            store = self.index.store
            admitted = store.admitted([pid for pid, _ in found], *filters.sql(access, mark=store.mark))
            found = [(pid, field) for pid, field in found if pid in admitted]
        if not found:
            return [], set()
        known = {h.id: h for h in candidates}
        missing = [pid for pid, _ in found if pid not in known]
        passages = self.index.store.passages_by_id(missing)
        docs = self.index.store.doc_info(list({p.doc_id for p in passages.values()}))
        extra = {pid: Hit(pid, p, docs[p.doc_id], 0.0) for pid, p in passages.items()}
        kept = [(pid, field) for pid, field in found if pid in known or pid in extra]
        return [known.get(pid) or extra[pid] for pid, _ in kept], {field for _, field in kept}

    def neighbours(self, hit: Hit, reach: int = 10) -> list[Hit]:
        """The passages around a hit in its paper (a list's other items), as unscored hits."""
        ids = self.index.store.around(hit.passage.doc_id, hit.passage.ordinal, reach)
        found = self.index.store.passages_by_id(ids)
        return [Hit(i, found[i], hit.doc, 0.0) for i in ids if i in found]

    def stated(self, f: Frame, hits: list[Hit]) -> list[tuple[int, dict]]:
        """The record's facts that answer the frame, each with the rank of the hit whose passage states it (facts
        whose passage is not among the hits are left out: the hits are what the caller may read and filtered to)."""
        rank = {h.id: i for i, h in enumerate(hits)}
        access = tuple({h.doc.get("access") or "public" for h in hits}) or ("public",)
        facts = [r for r in record_facts(f, self.index.store, access) if r["field"] in STATED_FIELDS]
        # A plan's owner, date and status are stated for the action the question numbers ("action 2.3"); any
        # other action question is answered by its rows (the action shape), not by every owner of the plan.
        numbered = named_keys(f, "action")
        facts = [r for r in facts if r["entity"] != "action" or r["key"] in numbered]
        # The field asked for first ("lead inspector", not the team), and any other the question names ("vice").
        asked = {r["field"] for r in facts[:1]} | {
            r["field"] for r in facts if FIELD_WORDS.get(r["field"], "#") in f.question.lower()
        }
        # A sub-judgement whose area the question names ("care leavers") is asked for, whatever field led.
        areas = named_areas(f, facts)
        wanted = [r for r in facts if r["field"] in asked or r["id"] in areas]
        return [(rank[r["passage_id"]], r) for r in wanted if r["passage_id"] in rank]

    def plan_actions(self, hit: Hit) -> list[tuple[Hit, dict[str, str]]]:
        """The record's actions of the plan item a hit is: from the hit's own paper, which the caller may read."""
        return plan_actions(hit, self.index.store, (hit.doc.get("access") or "public",))

    def check(self, f: Frame, hits: list[Hit], access: tuple[str, ...]) -> str | None:
        """Why the papers do not answer, or None: asked before any answerer (or model) sees the passages."""
        coverage = self.index.coverage(f.question, hits[:5], access) if hits else 0.0
        return decline_reason(
            f,
            hits,
            self.catalog(access),
            self.thresholds,
            coverage,
            lambda phrase: self.index.mentions(phrase, access),
            self.index.idf(f.focus, access),
        )

    def prepare(
        self,
        question: str,
        filters: Filters | None = None,
        k: int | None = None,
        role: str = "public",
        query: str | None = None,
        stated: Premise | None = None,
    ) -> Prepared:
        """Everything before the answer: the checked question, its frame, its passages, and a reason to decline."""
        question = question.strip()
        if not question:
            raise BadRequest("the question is empty")
        if len(question) > self.settings.max_question_chars:
            raise BadRequest(f"the question is over {self.settings.max_question_chars} characters")
        k = k or self.settings.k
        if not 1 <= k <= 50:
            raise BadRequest("k must be between 1 and 50")
        t = Timings()
        query = query or question
        access = access_for(role)
        f, hits = self.retrieve(query, k, filters, access, t, question=question, stated=stated)
        return Prepared(question, query, f, hits, self.check(f, hits, access), t)

    def ask(
        self,
        question: str,
        filters: Filters | None = None,
        k: int | None = None,
        role: str = "public",
        query: str | None = None,
    ) -> Answer:
        """Answer a question from the papers the role may read, citing every sentence.

        A question that asks two things is answered ask by ask (the second read with the first, as a follow-up
        is), and the answers joined; it declines only when every ask does. One that opens with a statement ("Kent
        asked in January 2025 to join the programme. What happened?") answers its asks, each read with the statement.
        """
        stated = premise(question) if query is None else None
        parts = asks(stated.ask if stated else question.strip()) if query is None else [question]
        if (stated or len(parts) > 1) and self.llm is None:
            started = time.perf_counter()
            context = [stated.text] if stated else [parts[0]]
            answers = [] if stated else [self._ask_one(parts[0], filters, k, role, None)]
            answers += [
                self._ask_one(p, filters, k, role, " ".join((*context, p)), stated) for p in parts[len(answers) :]
            ]
            joined = join_answers(question.strip(), answers)
            joined.timings["total_ms"] = round((time.perf_counter() - started) * 1e3, 2)
            return joined
        return self._ask_one(question, filters, k, role, query, stated)

    def _ask_one(
        self,
        question: str,
        filters: Filters | None,
        k: int | None,
        role: str,
        query: str | None,
        stated: Premise | None = None,
    ) -> Answer:
        started = time.perf_counter()
        p = self.prepare(question, filters, k, role, query, stated)
        t0 = time.perf_counter()
        if p.reason:
            answer = Answer.declined(p.question, p.query, p.hits, p.reason)
        else:
            answer = self.answerer.answer(p.frame, p.question, p.query, p.hits)
        t = p.timings
        answer.timings = {
            "embed_ms": round(t.embed_ms, 2),
            "dense_ms": round(t.dense_ms, 2),
            "lexical_ms": round(t.lexical_ms, 2),
            "fuse_ms": round(t.fuse_ms, 2),
            "rerank_ms": round(t.extra.get("rerank_ms", 0.0), 2),
            "answer_ms": round((time.perf_counter() - t0) * 1e3, 2),
            "total_ms": round((time.perf_counter() - started) * 1e3, 2),
        }
        return answer

    def chat(
        self,
        question: str,
        conversation_id: str | None = None,
        filters: Filters | None = None,
        k: int | None = None,
        role: str = "public",
    ) -> Answer:
        """Answer within a conversation: a follow-up is searched together with the question it follows.

        The history is written in transactions of its own (small, each a moment), the answer read on one
        snapshot between them: so not inside `Index.reading()`, whose read transaction a write cannot share.
        """
        scope = ",".join(access_for(role))
        with self.index.store.transaction():
            cid = conversation_id or self.history.start(scope)
            turns = self.history.turns(cid, scope)
        with self.index.reading():
            answer = self.ask(question, filters=filters, k=k, role=role, query=rewrite(question.strip(), turns))
        with self.index.store.transaction():
            self.history.add(cid, answer.question, answer.query, answer.answer)
        answer.conversation_id = cid
        return answer
