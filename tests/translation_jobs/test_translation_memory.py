"""The translation memory on SQLite and PostgreSQL: the pipeline's cache protocol, keyed by
segment, direction, model version and glossary version."""

from __future__ import annotations

from syndicate.storage import db
from syndicate.storage import translation_memory as store
from syndicate.translation.pipeline import CacheKey, Translator


def key(segment: str, model: str = "argos:translate-en_zh@1.0", glossary: str = "none"):
    return CacheKey(segment, "en", "zh", model, glossary)


def test_put_and_get_many(app):
    memory = store.TranslationMemory(db.database(app))
    hello, bye = key("Hello."), key("Bye.")
    assert memory.get_many([hello, bye]) == {}
    memory.put_many({hello: "你好。"})
    memory.put_many({hello: "something else", bye: "再见。"})  # the first translation wins
    assert memory.get_many([hello, bye, hello]) == {hello: "你好。", bye: "再见。"}
    # Another model version or glossary version is another entry: a miss.
    assert memory.get_many([key("Hello.", model="argos:translate-en_zh@1.1")]) == {}
    assert memory.get_many([key("Hello.", glossary="0123456789abcdef")]) == {}
    assert (memory.hits, memory.misses) == (3, 4)

    many = {key(f"Sentence {i}."): f"句子{i}。" for i in range(450)}  # several statements
    memory.put_many(many)
    assert memory.get_many(list(many)) == many
    with db.database(app).session() as session:
        assert store.count(session) == 452
        assert store.count(session, model_id="argos:translate-en_zh@1.0") == 452


def test_the_pipeline_uses_it(app, packages_dir):
    from syndicate.translation.engine import Engine

    engine = Engine(packages_dir)
    memory = store.TranslationMemory(db.database(app))
    first = Translator(engine, "en", "zh", glossary={"Hongqiao": "虹桥"}, cache=memory)
    assert first.translate_text("Hongqiao opens. Trains run.") == "虹桥 OPENS。TRAINS RUN。"
    assert engine.segments_translated == 2

    again = Translator(engine, "en", "zh", glossary={"Hongqiao": "虹桥"}, cache=memory)
    assert again.translate_text("Trains run. Hongqiao opens.") == "TRAINS RUN。虹桥 OPENS。"
    assert engine.segments_translated == 2  # both from the memory

    # A glossary edit invalidates exactly the segments containing the term.
    edited = Translator(engine, "en", "zh", glossary={"Hongqiao": "虹桥枢纽"}, cache=memory)
    assert edited.translate_text("Hongqiao opens. Trains run.") == "虹桥枢纽 OPENS。TRAINS RUN。"
    assert engine.segments_translated == 3


def test_a_job_looks_its_segments_up_once(app, packages_dir):
    """A job asks for its segments three times (what the model must translate, each batch
    before the model, every field to rebuild it); ``JobCache`` sends one query of them to the
    database and remembers what it found, did not find and translated."""
    from syndicate.translation.engine import Engine
    from syndicate.translation.pipeline import JobCache
    from syndicate.translation.service import translate_fields

    engine = Engine(packages_dir)
    memory = store.TranslationMemory(db.database(app))
    calls: list[tuple[str, int]] = []
    get_many, put_many = memory.get_many, memory.put_many
    memory.get_many = lambda keys: calls.append(("get", len(keys))) or get_many(keys)
    memory.put_many = lambda items: calls.append(("put", len(items))) or put_many(items)
    fields = {
        "title": "Hongqiao opens.",
        "summary": "Trains run. Hongqiao opens.",
        "body_html": "<p>Trains run every day.</p><p>Hongqiao <em>opens</em> again.</p>",
    }

    def job() -> dict[str, str]:
        translator = Translator(engine, "en", "zh", cache=JobCache(memory))
        return translate_fields(translator, fields, batch_size=2)

    first = job()
    assert calls[0] == ("get", 4) and [c[0] for c in calls[1:]] == ["put", "put"]
    assert engine.segments_translated == 4  # in two batches, each stored as it came
    calls.clear()
    assert job() == first
    assert calls == [("get", 4)] and engine.segments_translated == 4  # all from the memory
    plain = Translator(engine, "en", "zh", cache=memory)  # the database alone: same text
    assert translate_fields(plain, fields, batch_size=2) == first
