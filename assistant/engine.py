"""The assistant: retrieve, prefer the passage kinds asked for, compose a cited answer or abstain."""

from __future__ import annotations

import re
import time

from assistant import extractive
from assistant.chat import ChatHistory, rewrite
from assistant.intent import wanted_kinds
from assistant.models import RELATED, Answer, AnswerSentence, Citation
from assistant.settings import Settings
from index.search import Filters, Hit, Index, Timings
from ingest.errors import BadRequest

KIND_BONUS = 0.05  # fused scores run 0..1: this lifts a passage of the kind asked for a few places, no more
ABSTAIN_DEPTH = 5  # the passages whose scores decide whether the papers answer at all


def missing_specifics(question: str, hits: list[Hit]) -> list[str]:
    """Years and figures the question names that none of the passages (nor their dates) contain.

    "How long was the autism wait in 2019?" must not be answered from a 2022 letter.
    """
    wanted = set(re.findall(r"(?<![\w£])(?:19|20)\d{2}(?!\w)|£\s?[\d,]+|\b\d+(?:\.\d+)?%", question))
    if not wanted:
        return []
    seen = " ".join(
        f"{h.passage.text} {h.passage.part_date or ''} {h.doc.get('date') or ''} {h.passage.part_title or ''}"
        for h in hits
    )
    return sorted(w for w in wanted if w not in seen)


def access_for(role: str) -> tuple[str, ...]:
    """The access levels a role may read."""
    return ("public", "restricted") if role in ("member", "admin") else ("public",)


class Assistant:
    """Answers questions over an open index; holds the index and the chat history."""

    def __init__(self, settings: Settings, index: Index | None = None) -> None:
        self.settings = settings
        self.index = index or Index(settings.home, settings.model, approx_from=settings.approx_from)
        self.history = ChatHistory(self.index.store.db)
        self.llm = None
        if settings.llm_model:
            from assistant.llm import LLMAnswerer

            self.llm = LLMAnswerer.from_settings(settings)

    def close(self) -> None:
        self.index.close()

    def retrieve(
        self, query: str, k: int, filters: Filters | None, access: tuple[str, ...], timings: Timings
    ) -> list[Hit]:
        """Hybrid search, then passages of the kinds the question asks for move up a little."""
        hits = self.index.search(query, k=k * 2, filters=filters, access=access, timings=timings)
        kinds = wanted_kinds(query)
        if kinds:
            hits = sorted(hits, key=lambda h: -(h.score + (KIND_BONUS if h.passage.kind in kinds else 0.0)))
        return hits[:k]

    def ask(
        self,
        question: str,
        filters: Filters | None = None,
        k: int | None = None,
        role: str = "public",
        query: str | None = None,
    ) -> Answer:
        """Answer a question from the papers the role may read, citing every sentence."""
        question = question.strip()
        if not question:
            raise BadRequest("the question is empty")
        if len(question) > self.settings.max_question_chars:
            raise BadRequest(f"the question is over {self.settings.max_question_chars} characters")
        k = k or self.settings.k
        if not 1 <= k <= 50:
            raise BadRequest("k must be between 1 and 50")
        started = time.perf_counter()
        t = Timings()
        query = query or question
        hits = self.retrieve(query, k, filters, access_for(role), t)
        t0 = time.perf_counter()
        if self.llm is not None:
            answer = self.llm.answer(question, query, hits)
        else:
            answer = self.compose(question, query, hits)
        answer.timings = {
            "embed_ms": round(t.embed_ms, 2),
            "dense_ms": round(t.dense_ms, 2),
            "lexical_ms": round(t.lexical_ms, 2),
            "fuse_ms": round(t.fuse_ms, 2),
            "answer_ms": round((time.perf_counter() - t0) * 1e3, 2),
            "total_ms": round((time.perf_counter() - started) * 1e3, 2),
        }
        return answer

    def should_abstain(self, question: str, hits: list[Hit], best: extractive.Sentence | None) -> bool:
        """Abstain when the passages do not match the question's meaning, its words, or its specifics."""
        if not hits or best is None:
            return True
        cosine = max((h.dense for h in hits[:ABSTAIN_DEPTH] if h.dense is not None), default=0.0)
        if cosine < self.settings.abstain_cosine:
            return True
        if self.index.coverage(question, hits[:ABSTAIN_DEPTH]) < self.settings.abstain_coverage:
            return True
        return bool(missing_specifics(question, hits))

    def compose(self, question: str, query: str, hits: list[Hit]) -> Answer:
        """The extractive answer: chosen sentences, each followed by its passage's marker."""
        scored = extractive.score_sentences(query, hits)
        chosen = extractive.choose(scored)
        best = max(scored, key=lambda s: s.score, default=None)
        if self.should_abstain(query, hits, best):
            return Answer.declined(question, query, hits)
        numbers: dict[int, int] = {}
        parts, sentences = [], []
        for s in chosen:
            n = numbers.setdefault(s.hit_rank, len(numbers) + 1)
            text = s.text if s.text.endswith((".", "!", "?", ":")) else s.text + "."
            parts.append(f"{text} [{n}]")
            sentences.append(AnswerSentence(text=text, citations=[n]))
        citations = [Citation.from_hit(n, hits[rank]) for rank, n in numbers.items()]
        related = [Citation.from_hit(0, h) for i, h in enumerate(hits) if i not in numbers][:RELATED]
        return Answer(
            question=question,
            query=query,
            answer=" ".join(parts),
            abstained=False,
            citations=citations,
            related=related,
            sentences=sentences,
            passages=[Citation.from_hit(n, h) for n, h in enumerate(hits, start=1)],
        )

    def chat(
        self,
        question: str,
        conversation_id: str | None = None,
        filters: Filters | None = None,
        k: int | None = None,
        role: str = "public",
    ) -> Answer:
        """Answer within a conversation: a follow-up is searched together with the question it follows."""
        scope = ",".join(access_for(role))
        with self.index.store.transaction():
            cid = conversation_id or self.history.start(scope)
            turns = self.history.turns(cid, scope)
        answer = self.ask(question, filters=filters, k=k, role=role, query=rewrite(question.strip(), turns))
        with self.index.store.transaction():
            self.history.add(cid, answer.question, answer.query, answer.answer)
        answer.conversation_id = cid
        return answer
