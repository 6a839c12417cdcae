"""A seeded newsroom corpus for the feed benchmarks, written with bulk inserts through the models.

Every article is published in its own language (English or Chinese) and has a ready machine
translation into the other one, so the feeds of both languages are full. Bodies are realistic
HTML (paragraphs, links, emphasis, a quote, a figure with an image) of about 3-4 KB, built from
fragments that went through syndicate's own sanitizer, so the rows are what the editorial
services would have stored; articles are spread over sections with a Zipf-like skew, as in a
real newsroom (the first section is the busiest).

One API call per article would take hours at 100,000 articles; bulk inserts take seconds.

    python -m benchmarks.corpus --database-url sqlite:////tmp/bench.db --articles 5000
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, insert, select, text

from syndicate.content.sanitize import clean_html
from syndicate.storage import db, migrate, search
from syndicate.storage.models import Article, ArticleVariant, Section

SEED = 20240717
NEWEST = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
# The corpus reaches back ~2 years at 100,000 articles, which keeps dates realistic.
SPACING = timedelta(minutes=10)
DRAFT_SHARE = 0.03
ENGINE_ID = "benchmark-corpus/1"
BATCH = 2000

TOPICS = [
    ("top-news", "Top News", "头条新闻"),
    ("business", "Business", "商业"),
    ("industrial-cooperation", "Industrial Cooperation", "产业合作"),
    ("yrd-integration", "YRD Integration", "长三角一体化"),
    ("transport", "Transport", "交通"),
    ("exhibitions", "Exhibitions", "会展"),
    ("culture", "Culture", "文化"),
    ("technology", "Technology", "科技"),
    ("people", "People", "人物"),
    ("policy", "Policy", "政策"),
    ("environment", "Environment", "环境"),
    ("education", "Education", "教育"),
    ("health", "Health", "健康"),
    ("sports", "Sports", "体育"),
    ("property", "Property", "房产"),
    ("finance", "Finance", "金融"),
    ("trade", "Trade", "贸易"),
    ("tourism", "Tourism", "旅游"),
    ("food", "Food", "美食"),
    ("community", "Community", "社区"),
]

EN_SUBJECTS = [
    "The district's planning bureau",
    "A group of logistics firms",
    "Hongqiao's exhibition center",
    "Officials from four provinces",
    "A Suzhou robotics start-up",
    "Local residents",
    "The new metro operator",
    "Researchers at Tongji University",
    "A delegation of investors",
    "The customs office",
    "Small retailers near the hub",
    "The airport authority",
    "A coalition of industrial parks",
    "Volunteers from the community center",
    "The municipal trade commission",
    "A Hangzhou software company",
    "Hotel operators",
    "Several multinational firms",
    "The organising committee",
    "Young entrepreneurs",
]
EN_VERBS = [
    "announced plans for",
    "signed an agreement on",
    "opened",
    "began a pilot of",
    "presented a study of",
    "called for faster progress on",
    "unveiled",
    "expanded",
    "completed the first phase of",
    "raised concerns about",
    "invested in",
    "launched",
]
EN_OBJECTS = [
    "a cross-border data service",
    "shared public services",
    "a freight rail link",
    "a green building standard",
    "a one-stop licensing portal",
    "an innovation fund",
    "night-time bus routes",
    "a trade fair for medical devices",
    "a talent housing program",
    "a hydrogen refuelling network",
    "a digital customs platform",
    "a riverside park",
    "bilingual signage",
    "a start-up incubator",
    "a carbon accounting system",
]
EN_TAILS = [
    "in the Yangtze River Delta",
    "before the end of the year",
    "with partners in Jiangsu",
    "across the central business district",
    "after months of consultation",
    "as demand keeps growing",
    "with support from the city government",
    "near the transport hub",
    "for the first time",
    "in cooperation with Zhejiang and Anhui",
]
EN_DETAILS = [
    "Travel times between the district and 27 cities have fallen by 18 percent in five years.",
    "The first results are expected to be published in the autumn.",
    "More than 300 companies have already registered their interest.",
    "Critics say the timetable is ambitious but achievable.",
    "The project is financed jointly by the city and private investors.",
    "A public consultation will run for six weeks.",
    "Similar schemes have been tested in Shenzhen and Chengdu.",
    "Organisers expect some 40,000 visitors over three days.",
    "The measure applies to firms of every size, including foreign-invested ones.",
    "Officials promised to review the rules after twelve months.",
]
EN_NAMES = [
    "Helen Xu",
    "Marcus Hale",
    "Li Wei",
    "Zhang Min",
    "Sarah Okafor",
    "Chen Jie",
    "David Moreau",
    "Wang Fang",
    "Ana Lima",
    "Liu Yang",
]

ZH_SUBJECTS = [
    "虹桥商务区管委会",
    "多家物流企业",
    "国家会展中心",
    "来自四省市的代表",
    "一家苏州机器人初创企业",
    "周边居民",
    "新的地铁运营方",
    "同济大学研究团队",
    "投资者代表团",
    "海关部门",
    "枢纽周边的小商户",
    "机场管理方",
    "多个产业园区",
    "社区志愿者",
    "市商务委员会",
    "一家杭州软件企业",
    "酒店经营者",
    "多家跨国企业",
    "组委会",
    "青年创业者",
]
ZH_VERBS = [
    "宣布启动",
    "签署了关于",
    "正式开放",
    "试点推出",
    "发布了有关",
    "呼吁加快推进",
    "揭晓了",
    "进一步扩大",
    "完成了第一阶段的",
    "对此表达了关切的",
    "投资建设",
    "上线了",
]
ZH_OBJECTS = [
    "跨境数据服务",
    "公共服务共享机制",
    "货运铁路专线",
    "绿色建筑标准",
    "一站式审批平台",
    "创新基金",
    "夜间公交线路",
    "医疗器械专业展会",
    "人才安居项目",
    "加氢站网络",
    "数字口岸平台",
    "滨水公园",
    "双语标识系统",
    "创业孵化器",
    "碳核算体系",
]
ZH_TAILS = [
    "覆盖长三角地区",
    "计划于年底前完成",
    "与江苏合作伙伴共同推进",
    "遍及中央商务区",
    "经过数月的征求意见",
    "以满足持续增长的需求",
    "得到市政府的支持",
    "位于交通枢纽附近",
    "尚属首次",
    "与浙江、安徽协同开展",
]
ZH_DETAILS = [
    "五年来，虹桥与长三角27个城市之间的通行时间平均缩短了18%。",
    "首批成果预计将于今年秋季发布。",
    "目前已有300多家企业登记了合作意向。",
    "有评论认为，这一时间表虽然紧凑，但可以实现。",
    "该项目由市政府与社会资本共同出资。",
    "公众意见征集将持续六周。",
    "深圳、成都已试行过类似做法。",
    "主办方预计三天内将接待约四万人次观众。",
    "该措施适用于各类规模的企业，包括外商投资企业。",
    "有关部门表示，将在一年后对相关规定进行评估。",
]
ZH_NAMES = ["徐海伦", "马克", "李伟", "张敏", "陈杰", "王芳", "刘洋", "周婷"]


@dataclass
class CorpusReport:
    articles: int
    sections: list[str]
    seconds: float
    per_section: dict[str, int] = field(default_factory=dict)

    @property
    def busiest(self) -> str:
        return max(self.per_section, key=self.per_section.__getitem__)


def section_topics(count: int) -> list[tuple[str, str, str]]:
    """``count`` sections: the topic list, then numbered desks once it runs out."""
    topics = []
    for index in range(count):
        slug, en, zh = TOPICS[index % len(TOPICS)]
        if index >= len(TOPICS):
            round_ = index // len(TOPICS) + 1
            slug, en, zh = f"{slug}-{round_}", f"{en} {round_}", f"{zh}{round_}"
        topics.append((slug, en, zh))
    return topics


class _Writer:
    """Builds sentences, paragraphs and bodies from pools sanitized once (nh3 per body, for
    200,000 bodies, would cost more than the inserts)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.paragraphs = {"en": [self._paragraph("en") for _ in range(400)]}
        self.paragraphs["zh"] = [self._paragraph("zh") for _ in range(400)]
        self.figure = {
            "en": clean_html(
                '<figure><img src="https://media.example.com/bench/IMAGEID.jpg" alt="ALT" '
                'width="1200" height="800"><figcaption>CAPTION</figcaption></figure>'
            ),
        }
        self.figure["zh"] = self.figure["en"]
        self.quote = {
            lang: [
                clean_html(f"<blockquote><p>{self._sentence(lang)}</p></blockquote>")
                for _ in range(100)
            ]
            for lang in ("en", "zh")
        }

    def _sentence(self, lang: str) -> str:
        c = self.rng.choice
        if lang == "en":
            return f"{c(EN_SUBJECTS)} {c(EN_VERBS)} {c(EN_OBJECTS)} {c(EN_TAILS)}."
        return f"{c(ZH_SUBJECTS)}{c(ZH_VERBS)}{c(ZH_OBJECTS)}，{c(ZH_TAILS)}。"

    def _paragraph(self, lang: str) -> str:
        details = EN_DETAILS if lang == "en" else ZH_DETAILS
        sentences = [self._sentence(lang) for _ in range(self.rng.randint(3, 5))]
        sentences.insert(self.rng.randint(1, len(sentences)), self.rng.choice(details))
        if lang == "en":
            sentences[0] = f"<strong>{sentences[0]}</strong>"
            sentences[-1] = (
                f'{sentences[-1]} <a href="https://www.example.com/report/'
                f'{self.rng.randint(1, 9999)}">Read the report</a>.'
            )
            return clean_html(f"<p>{' '.join(sentences)}</p>")
        sentences[-1] = (
            f'{sentences[-1]}<a href="https://www.example.com/report/{self.rng.randint(1, 9999)}">'
            "查看报告</a>。"
        )
        return clean_html(f"<p>{''.join(sentences)}</p>")

    def title(self, lang: str) -> str:
        c = self.rng.choice
        if lang == "en":
            verb = c(EN_VERBS)
            return f"{c(EN_SUBJECTS)} {verb} {c(EN_OBJECTS)}"
        return f"{c(ZH_SUBJECTS)}{c(ZH_VERBS)}{c(ZH_OBJECTS)}"

    def summary(self, lang: str) -> str:
        separator = " " if lang == "en" else ""
        return separator.join(self._sentence(lang) for _ in range(2))

    def caption(self, lang: str) -> str:
        c = self.rng.choice
        if lang == "en":
            return f"{c(EN_SUBJECTS)} {c(EN_TAILS)}"
        return f"{c(ZH_SUBJECTS)}{c(ZH_TAILS)}"

    def body(self, lang: str, image_id: str, caption: str, alt: str) -> str:
        rng = self.rng
        parts = rng.sample(self.paragraphs[lang], rng.randint(5, 6))
        figure = (
            self.figure[lang]
            .replace("IMAGEID", image_id)
            .replace("ALT", alt)
            .replace("CAPTION", caption)
        )
        parts.insert(1, figure)
        parts.insert(rng.randint(3, len(parts)), rng.choice(self.quote[lang]))
        return "\n".join(parts)


def _sections(connection, topics, now) -> dict[str, int]:
    rows = [
        {
            "slug": slug,
            "parent_id": None,
            "name_en": en,
            "name_zh": zh,
            "description_en": f"The latest from the {en} desk.",
            "description_zh": f"{zh}频道的最新报道。",
            "position": position,
            "created_at": now,
            "updated_at": now,
        }
        for position, (slug, en, zh) in enumerate(topics, start=1)
    ]
    connection.execute(insert(Section), rows)
    found = connection.execute(select(Section.slug, Section.id)).all()
    return {slug: section_id for slug, section_id in found}


def build(
    engine: Engine, *, articles: int, sections: int, seed: int = SEED, quiet: bool = True
) -> CorpusReport:
    """Migrate ``engine``'s database to the newest schema and fill it (it must be empty)."""
    started = time.perf_counter()
    migrate.upgrade(engine)
    rng = random.Random(seed)
    writer = _Writer(rng)
    topics = section_topics(sections)
    weights = [1 / (rank**0.7) for rank in range(1, sections + 1)]
    now = NEWEST
    per_section: dict[str, int] = {}
    with engine.begin() as connection:
        if connection.scalar(select(func.count()).select_from(Article)):
            raise RuntimeError("the corpus goes into an empty database")
        ids = _sections(connection, topics, now)
        slugs = [slug for slug, _en, _zh in topics]
        article_rows: list[dict] = []
        variant_rows: list[dict] = []
        for index in range(articles):
            article_id = index + 1
            slug = rng.choices(slugs, weights)[0]
            per_section[slug] = per_section.get(slug, 0) + 1
            language = "en" if rng.random() < 0.6 else "zh"
            other = "zh" if language == "en" else "en"
            published = NEWEST - SPACING * index - timedelta(seconds=rng.randint(0, 540))
            status = "draft" if rng.random() < DRAFT_SHARE else "published"
            image_id = f"{published:%Y/%m}/{article_id:06d}"
            article_rows.append(
                {
                    "id": article_id,
                    "public_id": f"{published:%Y-%m-%d}-bench-{article_id:06d}",
                    "section_id": ids[slug],
                    "language": language,
                    "status": status,
                    "author": rng.choice(EN_NAMES if language == "en" else ZH_NAMES),
                    "source": "Benchmark Wire",
                    "image_url": f"/media/bench/{image_id}.jpg",
                    "tags": rng.sample(
                        [
                            "YRD",
                            "Hongqiao",
                            "trade",
                            "transport",
                            "policy",
                            "innovation",
                            "culture",
                            "green",
                        ],
                        2,
                    ),
                    "canonical_url": None,
                    "published_at": published if status == "published" else None,
                    "updated_at": published,
                    "modified_at": published,
                    "created_at": published,
                    "revision": 1,
                }
            )
            for lang, origin in ((language, "source"), (other, "machine")):
                caption = writer.caption(lang)
                variant_rows.append(
                    {
                        "article_id": article_id,
                        "language": lang,
                        "title": writer.title(lang),
                        "summary": writer.summary(lang),
                        "body_html": writer.body(lang, image_id, caption, caption),
                        "image_caption": caption,
                        "image_alt": caption,
                        "origin": origin,
                        "source_revision": 1,
                        "engine": None if origin == "source" else ENGINE_ID,
                        "status": "ready",
                        "error": None,
                        "created_at": published,
                        "updated_at": published,
                    }
                )
            if len(article_rows) >= BATCH:
                _flush(connection, article_rows, variant_rows)
        _flush(connection, article_rows, variant_rows)
        if engine.dialect.name == "postgresql":
            # Ids were given explicitly: move the sequences past them for later inserts.
            for table in ("sections", "articles", "article_variants"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"
                    )
                )
        # Bulk inserts bypass the session hook that keeps the search index: index them here.
        search.rebuild(connection)
    # Planner statistics, as any database that has been running a while has them.
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    report = CorpusReport(
        articles, slugs, time.perf_counter() - started, dict(sorted(per_section.items()))
    )
    if not quiet:
        print(f"corpus: {articles} articles in {sections} sections in {report.seconds:.1f} s")
    return report


def _flush(connection, article_rows: list[dict], variant_rows: list[dict]) -> None:
    if article_rows:
        connection.execute(insert(Article), article_rows)
        connection.execute(insert(ArticleVariant), variant_rows)
    article_rows.clear()
    variant_rows.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--sections", type=int, default=10)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    engine = db.make_engine(args.database_url)
    try:
        build(engine, articles=args.articles, sections=args.sections, seed=args.seed, quiet=False)
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
