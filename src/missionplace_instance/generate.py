"""Generated content for benchmarks: ``missionplace-instance generate --items N [--seed S]``.

Run in a process of its own, like the other commands of the instance (the
server must not be serving from FileStorage at the same time)::

    python -m missionplace_instance.generate etc/zope.conf missionplace --items 2000 [--seed 2026]

An *item* is one content object in one language: a page and its five
translations are six items, so N is rounded up to a whole number of
translation groups.  Places, rooms, organs and elections are the structure
the items go in and are not counted.  What it makes, all through the add-on's
own functions and the real workflow:

- working-group places (``gen-wg-001``...), one per ~500 items, created by the
  generated Secretariat moderator ``gen-moderator`` with create_place (rooms,
  forms, membership, policy like any place), with a dozen of the 195 missions
  taking part (as Mission editor or Delegate), chosen from the seed;
- pages with several paragraphs of rich text and files holding a PDF with that
  text, in all six languages and scripts, linked as translations: the same
  pseudo-text (UN words from parallel word lists) in each language;
- candidatures in the CandiWeb place (created if missing), for elections it
  generates (the State organs of the CandiWeb demo), one mission per election;
- accounts: ``gen-editor-<iso3>-1``/``-2`` (mission editors) and
  ``gen-delegate-<iso3>`` for each mission taking part, given their function
  by the staff API, with the demo accounts' password.  Editors create their
  mission's items; the pending ones (``--pending-ratio``, 5%: exactly the
  floor of groups x ratio, spread evenly) are submitted by their author, the
  published ones then approved by gen-moderator (a version is saved, as on
  any approval), a few stay drafts.  Nobody is mailed.

Deterministic and incremental: group k is drawn from its own random
generator, seeded by (seed, k), and goes to the place of k.  Generated items
carry the tag "generated"; the English ones count the groups already there,
so ``--items 2000`` then ``--items 10000`` tops the site up to the same
10,002 items that ``--items 10000`` makes at once.

Speed (20,000 items in about 20 minutes of one core): nothing is indexed
twice for nothing.  Products.CMFCore's indexing queue already defers every
(re)index until the transaction commits or something searches the catalog,
and merges what is queued for one object; reindexObjectSecurity no longer
flushes it.  Linking translations searches (plone.app.multilingual), so an
item is catalogued about three times: when it is linked, after its link, and
once for everything after (state, tags, version).  The command commits every
~200 items, whole groups at a time (neither one transaction for everything,
which would hold every changed object in memory, nor one per item, which
would write the catalog's BTrees thousands of times), then trims the object
cache; an interrupted run keeps what it committed and the next run carries
on.  Members join a place while it is empty, so no place's tree is reindexed
for them later.  The rest is the price of the real thing: events, workflow
and the version each approval saves.
"""

from Acquisition import aq_base
from datetime import date
from missionplace.candiweb.candidature import candidature_title
from missionplace.candiweb.demo import ORGANS
from missionplace.candiweb.records import relation_to
from missionplace.common.languages import language_root
from missionplace.common.languages import OFFICIAL_LANGUAGES
from missionplace.common.languages import RIGHT_TO_LEFT
from missionplace.common.translations import create_in_languages
from missionplace.common.translations import translations
from missionplace.missions import mission as missions
from missionplace.missions import staff
from missionplace.places import membership
from missionplace.places import roles
from missionplace.places.place import create_place
from missionplace.review import notifications
from missionplace.setuphandlers.demo import demo_password
from missionplace_instance.app import open_site
from missionplace_instance.app import zope_app
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.namedfile.file import NamedBlobFile
from types import SimpleNamespace
import argparse
import bisect
import functools
import itertools
import math
import os
import random
import sys
import textwrap
import time
import transaction
import unicodedata
import zlib


MARK = "generated"
DEFAULT_SEED = 2026
DEFAULT_PENDING_RATIO = 0.05
LANGUAGES = OFFICIAL_LANGUAGES
GROUP = len(LANGUAGES)
ITEMS_PER_PLACE = 500
BATCH = 200
MODERATOR = "gen-moderator"
EDITORS_PER_MISSION = 2
DRAFTING_PER_PLACE = 8
READING_PER_PLACE = 4
CANDIWEB_MISSIONS = 48
PER_ELECTION = 24
DRAFT_RATIO = 0.08
PUBLIC_RATIO = 0.3
# (kind, share of the groups); First Committee drafts and meetings join once they exist.
KINDS = (("page", 0.55), ("file", 0.25), ("candidature", 0.20))
ROOMS = ("agendas", "documents", "minutes")


# -- Parallel pseudo-text: the same words, one list per concept, in (ar, zh, en, fr, ru, es) ---------------


def _table(text):
    """Rows of "ar|zh|en|fr|ru|es": one concept per line, in the six languages."""
    return [tuple(line.split("|")) for line in text.strip().splitlines()]


NOUNS = _table(
    """
جدول الأعمال|议程|agenda|ordre du jour|повестка дня|programa
القرار|决议|resolution|résolution|резолюция|resolución
المشروع|草案|draft|projet|проект|proyecto
الوفد|代表团|delegation|délégation|делегация|delegación
الدول الأعضاء|会员国|Member States|États Membres|государства-члены|Estados Miembros
الجمعية العامة|大会|General Assembly|Assemblée générale|Генеральная Ассамблея|Asamblea General
مجلس الأمن|安全理事会|Security Council|Conseil de sécurité|Совет Безопасности|Consejo de Seguridad
الأمانة العامة|秘书处|Secretariat|Secrétariat|Секретариат|Secretaría
الفريق العامل|工作组|working group|groupe de travail|рабочая группа|grupo de trabajo
الدورة|届会|session|session|сессия|período de sesiones
الجلسة|会议|meeting|séance|заседание|sesión
التقرير|报告|report|rapport|доклад|informe
نزع السلاح|裁军|disarmament|désarmement|разоружение|desarme
الأمن الدولي|国际安全|international security|sécurité internationale|международная безопасность|seguridad internacional
التنمية المستدامة|可持续发展|sustainable development|développement durable|устойчивое развитие|desarrollo sostenible
حقوق الإنسان|人权|human rights|droits de l'homme|права человека|derechos humanos
التعاون|合作|cooperation|coopération|сотрудничество|cooperación
المشاورات غير الرسمية|非正式磋商|informal consultations|consultations officieuses|неофициальные консультации|consultas oficiosas
الاقتراح|提案|proposal|proposition|предложение|propuesta
التعديل|修正案|amendment|amendement|поправка|enmienda
الفقرة|段落|paragraph|paragraphe|пункт|párrafo
النص|案文|text|texte|текст|texto
توافق الآراء|协商一致|consensus|consensus|консенсус|consenso
التصويت|表决|vote|vote|голосование|votación
الاعتماد|通过|adoption|adoption|принятие|aprobación
الرئيس|主席|Chair|Président|Председатель|Presidencia
المكتب|主席团|Bureau|Bureau|Бюро|Mesa
البيان|发言|statement|déclaration|заявление|declaración
برنامج العمل|工作方案|programme of work|programme de travail|программа работы|programa de trabajo
الميزانية|预算|budget|budget|бюджет|presupuesto
الولاية|任务|mandate|mandat|мандат|mandato
التنفيذ|执行|implementation|mise en œuvre|осуществление|aplicación
بناء القدرات|能力建设|capacity-building|renforcement des capacités|наращивание потенциала|creación de capacidad
تكنولوجيا المعلومات والاتصالات|信息和通信技术|information and communications technologies|technologies de l'information et des communications|информационно-коммуникационные технологии|tecnologías de la información y las comunicaciones
الفضاء الخارجي|外层空间|outer space|espace extra-atmosphérique|космическое пространство|espacio ultraterrestre
الأسلحة النووية|核武器|nuclear weapons|armes nucléaires|ядерное оружие|armas nucleares
الأسلحة الصغيرة|小武器|small arms|armes légères|стрелковое оружие|armas pequeñas
التحقق|核查|verification|vérification|контроль|verificación
الشفافية|透明度|transparency|transparence|транспарентность|transparencia
تدابير بناء الثقة|建立信任措施|confidence-building measures|mesures de confiance|меры укрепления доверия|medidas de fomento de la confianza
المجموعات الإقليمية|区域集团|regional groups|groupes régionaux|региональные группы|grupos regionales
الترشيح|候选资格|candidature|candidature|кандидатура|candidatura
الانتخاب|选举|election|élection|выборы|elección
تغير المناخ|气候变化|climate change|changements climatiques|изменение климата|cambio climático
حفظ السلام|维持和平|peacekeeping|maintien de la paix|поддержание мира|mantenimiento de la paz
المساعدة الإنسانية|人道主义援助|humanitarian assistance|aide humanitaire|гуманитарная помощь|asistencia humanitaria
المساواة بين الجنسين|性别平等|gender equality|égalité des genres|гендерное равенство|igualdad de género
المجتمع المدني|民间社会|civil society|société civile|гражданское общество|sociedad civil
اللجنة|委员会|the Committee|la Commission|Комитет|la Comisión
الأمين العام|秘书长|the Secretary-General|le Secrétaire général|Генеральный секретарь|el Secretario General
مشروع المقرر|决定草案|draft decision|projet de décision|проект решения|proyecto de decisión
الوثيقة|文件|document|document|документ|documento
المحضر|记录|minutes|compte rendu|протокол|acta
التسجيل|登记|registration|inscription|регистрация|inscripción
الموعد النهائي|截止日期|deadline|date limite|крайний срок|plazo
التنسيق|协调|coordination|coordination|координация|coordinación
جهة التنسيق|协调人|focal point|point focal|координатор|coordinador
المساهمات|捐款|contributions|contributions|взносы|contribuciones
الأولويات|优先事项|priorities|priorités|приоритеты|prioridades
الإطار|框架|framework|cadre|рамки|marco
المفاوضات|谈判|negotiations|négociations|переговоры|negociaciones
الخبراء|专家|experts|experts|эксперты|expertos
الالتزام|承诺|commitment|engagement|обязательство|compromiso
الحوار|对话|dialogue|dialogue|диалог|diálogo
التعليم|教育|education|éducation|образование|educación
الصحة|卫生|health|santé|здравоохранение|salud
المحيطات|海洋|oceans|océans|океаны|océanos
الهجرة|移民|migration|migrations|миграция|migración
التمويل|筹资|financing|financement|финансирование|financiación
التكنولوجيا|技术|technology|technologie|технология|tecnología
البيانات|数据|data|données|данные|datos
الدول الأطراف|缔约国|States parties|États parties|государства-участники|Estados partes
المعاهدة|条约|treaty|traité|договор|tratado
الاتفاقية|公约|convention|convention|конвенция|convención
"""
)

VERBS = _table(
    """
توصي بـ|建议|recommends|recommande|рекомендует|recomienda
تطلب|请求|requests|prie|просит|solicita
ترحب بـ|欢迎|welcomes|se félicite de|приветствует|acoge con beneplácito
تحيط علما بـ|注意到|takes note of|prend note de|принимает к сведению|toma nota de
تؤكد من جديد|重申|reaffirms|réaffirme|подтверждает|reafirma
تشجع|鼓励|encourages|encourage|призывает|alienta
تقرر|决定|decides on|décide de|постановляет|decide
تدعو|邀请|invites|invite|предлагает|invita
تعرب عن القلق إزاء|关切|expresses concern at|se déclare préoccupée par|выражает обеспокоенность|expresa preocupación por
تدعم|支持|supports|appuie|поддерживает|apoya
"""
)

CONNECTORS = _table(
    """
و|和|and|et|и|y
بشأن|关于|on|sur|о|sobre
من أجل|为|for|pour|для|para
مع|与|with|avec|с|con
في|在|in|dans|в|en
"""
)

# Places' titles: "Open-ended working group on <topic>", the topics being nouns above.
TOPICS = (12, 33, 34, 35, 36, 43, 14, 45, 67, 13, 15, 68, 65, 46, 64)
WORKING_GROUP = {
    "ar": "الفريق العامل المفتوح العضوية المعني بمسألة {topic}",
    "zh": "{topic}问题不限成员名额工作组",
    "en": "Open-ended working group on {topic}",
    "fr": "Groupe de travail à composition non limitée : {topic}",
    "ru": "Рабочая группа открытого состава: {topic}",
    "es": "Grupo de trabajo de composición abierta: {topic}",
}
GENERATED = {
    "ar": "بيانات مولدة",
    "zh": "生成的数据",
    "en": "Generated data",
    "fr": "Données générées",
    "ru": "Сгенерированные данные",
    "es": "Datos generados",
}
# Election seats of the State organs of CandiWeb's demo (candiweb.demo.ORGANS), and their terms in years.
SEATS = {
    "security-council": (
        {"african": 2, "asia-pacific": 1, "latin-american-caribbean": 1, "western-european-others": 1},
        2,
    ),
    "economic-and-social-council": (
        {
            "african": 5,
            "asia-pacific": 4,
            "eastern-european": 2,
            "latin-american-caribbean": 4,
            "western-european-others": 3,
        },
        3,
    ),
    "human-rights-council": (
        {
            "african": 5,
            "asia-pacific": 5,
            "eastern-european": 2,
            "latin-american-caribbean": 3,
            "western-european-others": 3,
        },
        3,
    ),
}
STATE_ORGANS = [organ for organ in ORGANS if organ[0] in SEATS]
LAST_YEAR = 2027

# Zipf-like: the first words of each list are the common ones.
_NOUN_WEIGHTS = list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(NOUNS))))


def _index(language):
    return LANGUAGES.index(language)


def _noun(rng):
    return NOUNS[bisect.bisect(_NOUN_WEIGHTS, rng.random() * _NOUN_WEIGHTS[-1])]


def _phrase(rng):
    """A noun, or two joined by a connector."""
    if rng.random() < 0.5:
        return [_noun(rng)]
    return [_noun(rng), rng.choice(CONNECTORS), _noun(rng)]


def _sentence(rng):
    words = [*_phrase(rng), rng.choice(VERBS), *_phrase(rng)]
    while rng.random() < 0.45:
        words += [rng.choice(CONNECTORS), *_phrase(rng)]
    return words


def render(words, language, end=True):
    """The concept ``words`` in ``language``: a sentence (``end``) or a title."""
    at = _index(language)
    if language == "zh":
        return "".join(word[at] for word in words) + ("。" if end else "")
    text = " ".join(word[at] for word in words).replace("بـ ", "ب")
    text = text[:1].upper() + text[1:]
    return text + ("." if end else "")


# The kinds of document of a working group, by the series of their symbol.
SERIES = dict(
    zip(
        ("AGENDA", "SR", "WP", "CRP"),
        _table(
            """
جدول الأعمال المؤقت|临时议程|Provisional agenda|Ordre du jour provisoire|Предварительная повестка дня|Programa provisional
المحضر الموجز|简要记录|Summary record|Compte rendu analytique|Краткий отчет|Acta resumida
ورقة عمل|工作文件|Working paper|Document de travail|Рабочий документ|Documento de trabajo
ورقة غرفة الاجتماعات|会议室文件|Conference room paper|Document de séance|Документ зала заседаний|Documento de sesión
"""
        ),
        strict=True,
    )
)


class Text:
    """A generated document: title and paragraphs as concepts, rendered alike in the six languages.

    ``series`` (a key of SERIES) names the kind of document before the title; ``symbol`` follows it.
    """

    def __init__(self, rng, symbol="", series=None):
        self.symbol = symbol
        self.series = SERIES.get(series)
        self.title = _phrase(rng) + ([rng.choice(CONNECTORS), *_phrase(rng)] if rng.random() < 0.6 else [])
        self.heading = _phrase(rng)
        self.paragraphs = [[_sentence(rng) for _s in range(rng.randint(3, 6))] for _p in range(rng.randint(3, 6))]
        self.bullets = [_phrase(rng) for _b in range(rng.randint(3, 5))] if rng.random() < 0.5 else []

    def title_in(self, language):
        title = render(self.title, language, end=False)
        if self.series:
            title = self.series[_index(language)] + {"zh": "：", "fr": " : "}.get(language, ": ") + title
        return f"{title} ({self.symbol})" if self.symbol else title

    def description_in(self, language):
        return render(self.paragraphs[0][0], language)

    def paragraphs_in(self, language):
        sep = "" if language == "zh" else " "
        return [sep.join(render(sentence, language) for sentence in paragraph) for paragraph in self.paragraphs]

    def html_in(self, language):
        parts = [f"<h2>{render(self.heading, language, end=False)}</h2>"]
        parts += [f"<p>{paragraph}</p>" for paragraph in self.paragraphs_in(language)]
        if self.bullets:
            items = "".join(f"<li>{render(bullet, language, end=False)}</li>" for bullet in self.bullets)
            parts.insert(2, f"<ul>{items}</ul>")
        return "\n".join(parts)


# -- Minimal PDF files with the text (no dependency): one font, pages of wrapped lines ------------------------


def _pdf_string(data):
    """A PDF hexadecimal string: any bytes, nothing to escape."""
    return b"<" + data.hex().encode() + b">"


def _to_unicode(codes):
    """A ToUnicode CMap for {code bytes: character}: text extraction (indexing, copying) reads it."""
    width = len(next(iter(codes)))
    lines = [
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /MissionPlace-UCS def /CMapType 2 def",
        f"1 begincodespacerange <{'00' * width}> <{'FF' * width}> endcodespacerange",
    ]
    entries = sorted(codes.items())
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{code.hex()}> <{char.encode('utf-16-be').hex()}>" for code, char in chunk]
        lines.append("endbfchar")
    lines += ["endcmap CMapName currentdict /CMap defineresource pop end end"]
    return "\n".join(lines).encode()


class _Font:
    """The one font of a generated PDF and how its text is encoded.

    Chinese: Adobe's standard STSong-Light (every PDF reader has it), UCS-2
    codes.  Other scripts: Helvetica, with the Latin-1 characters in
    WinAnsiEncoding and any other (Cyrillic, Arabic) given a code of its own
    and its Unicode glyph name; a ToUnicode map says what every code is.
    """

    def __init__(self, text, language):
        self.cjk = language == "zh"
        chars = sorted(set(text))
        self.differences = []
        if self.cjk:
            self.codes = {char: char.encode("utf-16-be") for char in chars}
            return
        try:
            self.codes = {char: char.encode("cp1252") for char in chars}
            return
        except UnicodeEncodeError:
            pass
        self.codes = {char: bytes([ord(char)]) for char in chars if ord(char) < 128}
        others = [char for char in chars if ord(char) >= 128]
        if len(others) > 128:
            raise ValueError(f"{len(others)} characters do not fit in one PDF simple font")
        for code, char in enumerate(others, start=128):
            self.codes[char] = bytes([code])
            self.differences.append((code, f"/uni{ord(char):04X}"))

    def to_unicode(self):
        return _to_unicode({code: BASE.get(char, char) for char, code in self.codes.items()})

    def encode(self, text):
        return b"".join(self.codes[char] for char in text)

    def objects(self, first):
        """The font's objects, numbered from ``first``: [(number, body)]; the font is ``first``."""
        to_unicode = _stream(self.to_unicode())
        if self.cjk:
            return [
                (
                    first,
                    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
                    b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (first + 1, first + 3),
                ),
                (
                    first + 1,
                    b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
                    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
                    b"/FontDescriptor %d 0 R /DW 1000 >>" % (first + 2),
                ),
                (
                    first + 2,
                    b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
                    b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 "
                    b"/StemV 93 >>",
                ),
                (first + 3, to_unicode),
            ]
        if not self.differences:  # WinAnsiEncoding: readers know Helvetica's widths
            return [
                (
                    first,
                    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding "
                    b"/ToUnicode %d 0 R >>" % (first + 1),
                ),
                (first + 1, to_unicode),
            ]
        differences = b" ".join(b"%d %s" % (code, name.encode()) for code, name in self.differences)
        encoding = b"<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [%s] >>" % differences
        # Glyphs of their own need widths, or readers draw (and text extraction finds) them on top of each other.
        chars = {code[0]: char for char, code in self.codes.items()}
        widths = b" ".join(b"%d" % _width(chars.get(code, " ")) for code in range(32, 256))
        return [
            (
                first,
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding %s /FirstChar 32 /LastChar 255 "
                b"/Widths [%s] /ToUnicode %d 0 R >>" % (encoding, widths, first + 1),
            ),
            (first + 1, to_unicode),
        ]


# Helvetica's widths of the printable ASCII characters (thousandths of the font size), from its AFM file.
HELVETICA = (
    [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278]
    + [556] * 10
    + [278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722]
    + [778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500]
    + [556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500]
    + [500, 500, 334, 260, 334, 584]
)


def _width(char):
    """The advance of ``char`` in a generated PDF: Helvetica's for ASCII, a fair average for the rest."""
    if " " <= char <= "~":
        return HELVETICA[ord(char) - 32]
    if char in BASE:  # Arabic: joining forms are narrower than the final and isolated ones
        return 330 if unicodedata.name(char).endswith(("INITIAL FORM", "MEDIAL FORM")) else 520
    return 667 if char.isupper() else 556


def _stream(data):
    data = zlib.compress(data, 6)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data)


def _wrap(paragraph, language):
    if language == "zh":
        return [paragraph[i : i + 42] for i in range(0, len(paragraph), 42)]
    lines = textwrap.wrap(paragraph, 86, break_long_words=False, break_on_hyphens=False)
    return [_visual(line) for line in lines] if language in RIGHT_TO_LEFT else lines


FORMS = ("ISOLATED", "FINAL", "INITIAL", "MEDIAL")


@functools.cache
def _forms(char):
    """{form: presentation form} of an Arabic letter; {} for any other character."""
    name = unicodedata.name(char, "")
    if not name.startswith("ARABIC LETTER "):
        return {}
    found = {}
    for form in FORMS:
        try:
            found[form] = unicodedata.lookup(f"{name} {form} FORM")
        except KeyError:
            continue
    return found


# The letter each presentation form stands for: what a PDF's ToUnicode map gives back.
BASE = {form: char for char in map(chr, range(0x0621, 0x064B)) for form in _forms(char).values()}


def _shape(word):
    """An Arabic word (logical order) in its joined presentation forms."""
    shaped = []
    for at, char in enumerate(word):
        forms = _forms(char)
        if not forms:
            shaped.append(char)
            continue
        after = _forms(word[at + 1]) if at + 1 < len(word) else {}
        joins_before = at > 0 and "INITIAL" in _forms(word[at - 1]) and "FINAL" in forms
        joins_after = "INITIAL" in forms and "FINAL" in after
        form = {(True, True): "MEDIAL", (True, False): "FINAL", (False, True): "INITIAL"}.get(
            (joins_before, joins_after), "ISOLATED"
        )
        shaped.append(forms.get(form) or forms["ISOLATED"])
    return "".join(shaped)


def _visual(line):
    """A right-to-left line as PDFs hold it: shaped, and in the order it is drawn from the left."""
    words = [_shape(word)[::-1] if any(_forms(c) for c in word) else word for word in line.split(" ")]
    return " ".join(reversed(words))


LINES_PER_PAGE = 48


def pdf(title, paragraphs, language):
    """A PDF (A4, as many pages as the text needs) of ``title`` and ``paragraphs`` in ``language``."""
    lines = []
    for paragraph in paragraphs:
        lines += [*_wrap(paragraph, language), ""]
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    drawn = _visual(title) if language in RIGHT_TO_LEFT else title
    font = _Font(drawn + "".join(lines), language)
    # 1 the catalog, 2 the page tree, 3 the document information, then the font, then each page and its content.
    objects = dict(font.objects(4))
    first_page = max(objects) + 1
    page_numbers = []
    for number, page_lines in enumerate(pages):
        ops = [b"BT /F1 10.5 Tf 14 TL"]
        if number == 0:
            ops += [b"/F1 15 Tf 56 780 Td %s Tj /F1 10.5 Tf 0 -30 Td" % _pdf_string(font.encode(drawn))]
        else:
            ops += [b"56 780 Td"]
        ops += [b"%s Tj T*" % _pdf_string(font.encode(line)) for line in page_lines]
        ops.append(b"ET")
        page, content = first_page + 2 * number, first_page + 2 * number + 1
        objects[page] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
            b"/Contents %d 0 R >>" % content
        )
        objects[content] = _stream(b"\n".join(ops))
        page_numbers.append(page)
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R /Lang (%s) >>" % language.encode()
    kids = b" ".join(b"%d 0 R" % n for n in page_numbers)
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages))
    objects[3] = b"<< /Title %s /Producer (MissionPlace generator) /CreationDate (D:20270101000000Z) >>" % _pdf_string(
        b"\xfe\xff" + title.encode("utf-16-be")
    )
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


# -- The site: places, accounts, elections, and the items of each group -------------------------------------


def _ordinal(number):
    """1st, 2nd, 3rd, 4th... 11th, 12th, 13th... 21st."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def group_rng(seed, *key):
    """The random generator of one thing to generate: the same seed and key always draw the same."""
    return random.Random(":".join(str(part) for part in (seed, *key)))  # noqa: S311 (pseudo-text, not secrets)


def kind_of(seed, k):
    """The kind of group ``k``: its own generator's first draw, so that it is known without making the group."""
    draw, total = group_rng(seed, "kind", k).random(), 0.0
    for kind, share in KINDS:
        total += share
        if draw < total:
            return kind
    return KINDS[-1][0]


def pending_group(k, ratio):
    """Whether group ``k`` waits for review: floor(n x ratio) of the first n groups do, spread evenly."""
    return math.floor((k + 1) * ratio) > math.floor(k * ratio)


class Generator:
    def __init__(self, site, seed=DEFAULT_SEED, pending_ratio=DEFAULT_PENDING_RATIO):
        self.site = site
        self.seed = seed
        self.pending_ratio = pending_ratio
        self.catalog = api.portal.get_tool("portal_catalog")
        self.roots = {language: language_root(site, language) for language in LANGUAGES}
        self.users = set()
        self.places = {}
        self.elections = {}
        self.candiweb = None
        self.counts = {}

    # Counting what is there ----------------------------------------------------------------------------

    def existing_groups(self):
        """How many groups earlier runs made: each has one English item tagged "generated"."""
        return len(self.catalog.unrestrictedSearchResults(Subject=MARK, Language="en"))

    # Accounts ---------------------------------------------------------------------------------------

    def account(self, user_id, fullname, group=None, mission=None, function=None):
        """An account (made once), with the demo accounts' password, in ``group`` or with a mission function."""
        if user_id in self.users:
            return user_id
        users = api.portal.get_tool("acl_users")
        if users.getUserById(user_id) is None:
            # Straight into the user folder, like the demo accounts: a known password, shorter than the policy asks.
            users._doAddUser(user_id, demo_password(), ["Member"], [])
            api.user.get(userid=user_id).setMemberProperties(
                {"fullname": fullname, "email": f"{user_id}@missionplace.example"}
            )
            if group:
                api.group.add_user(groupname=group, username=user_id)
            if mission is not None:
                staff.add_staff(mission, user_id, function)
        self.users.add(user_id)
        return user_id

    def moderator(self):
        return self.account(MODERATOR, "Secretariat moderator (generated)", group=roles.SECRETARIAT_MODERATORS)

    def editors(self, mission):
        return [
            self.account(
                f"gen-editor-{mission.code}-{number}",
                f"Mission editor {number} of {mission.name('en')} (generated)",
                mission=mission,
                function=missions.EDITOR,
            )
            for number in range(1, EDITORS_PER_MISSION + 1)
        ]

    def delegate(self, mission):
        return self.account(
            f"gen-delegate-{mission.code}",
            f"Delegate of {mission.name('en')} (generated)",
            mission=mission,
            function=missions.DELEGATE,
        )

    def staff_of(self, taking_part):
        for mission in taking_part:
            self.editors(mission)
            self.delegate(mission)

    # Places -----------------------------------------------------------------------------------------

    def working_group(self, number):
        """{language: place} of generated working group ``number``, created (members first) when first needed."""
        if number in self.places:
            return self.places[number]
        place_id = f"gen-wg-{number + 1:03d}"
        rng = group_rng(self.seed, "place", number)
        chosen = rng.sample(sorted(missions.missions()), DRAFTING_PER_PLACE + READING_PER_PLACE)
        drafting = [missions.get(code) for code in chosen[:DRAFTING_PER_PLACE]]
        reading = [missions.get(code) for code in chosen[DRAFTING_PER_PLACE:]]
        place = self.roots["en"].get(place_id)
        if place is None:
            topic = NOUNS[TOPICS[number % len(TOPICS)]]
            suffix = f" ({number // len(TOPICS) + 1})" if number >= len(TOPICS) else ""
            titles = {
                language: WORKING_GROUP[language].format(topic=topic[_index(language)]) + suffix
                for language in LANGUAGES
            }
            with api.env.adopt_user(username=self.moderator()):
                place = create_place("working-group", place_id, titles)
                # While it is empty, and at once: a membership change reindexes the security of all
                # the place holds.
                entries = {mission.id: roles.MISSION_EDITOR for mission in drafting}
                entries.update({mission.id: roles.DELEGATE for mission in reading})
                membership.set_members(place, entries)
        self.staff_of(drafting + reading)
        found = {translation.Language(): translation for translation in translations(place)}
        self.places[number] = SimpleNamespace(places=found, drafting=drafting)
        return self.places[number]

    def candiweb_place(self):
        """The CandiWeb place (``candiweb``, made if missing), with the missions that stand in its elections."""
        if self.candiweb is not None:
            return self.candiweb
        roots = self.roots["en"].objectValues()
        found = [obj for obj in roots if getattr(aq_base(obj), "place_type", None) == "candiweb"]
        # The demo's (its id is "candiweb"), else the first there is, else a new one.
        found.sort(key=lambda obj: (obj.getId() != "candiweb", obj.getId()))
        if found:
            place = found[0]
        else:
            with api.env.adopt_user(username=self.moderator()):
                place = create_place("candiweb", "candiweb")
        rng = group_rng(self.seed, "candiweb")
        standing = [missions.get(code) for code in rng.sample(sorted(missions.missions()), CANDIWEB_MISSIONS)]
        shared = membership.effective_membership(place)
        missing = [m for m in standing if shared is None or shared.members.get(m.id) != roles.MISSION_EDITOR]
        entries = {mission.id: roles.MISSION_EDITOR for mission in missing}
        if shared is None or MODERATOR not in shared.members:
            entries[MODERATOR] = roles.MODERATOR
        if entries:
            # Once, on the first run, all at once (one reindex of the place): later runs find
            # them there and reindex nothing.
            membership.set_members(place, entries)
        self.staff_of(standing)
        found = {translation.Language(): translation for translation in translations(place)}
        self.candiweb = SimpleNamespace(places=found, standing=standing, organs=self._organs(found))
        return self.candiweb

    def _publish(self, items, user, path):
        with api.env.adopt_user(username=user):
            for obj in items.values():
                for transition in path:
                    api.content.transition(obj=obj, transition=transition)

    def _organs(self, places):
        """The State organs of CandiWeb's demo (made as the demo does if missing): {organ id: {language: organ}}."""
        found = {}
        for organ_id, kind, titles, rules in STATE_ORGANS:
            rooms = {language: places[language]["organs"] for language in LANGUAGES}
            existed = organ_id in rooms["en"].objectIds()
            with api.env.adopt_user(username=MODERATOR):
                found[organ_id] = create_in_languages(
                    rooms,
                    "Organ",
                    organ_id,
                    lambda language, titles=titles, rules=rules, kind=kind: {
                        "title": titles[language],
                        "description": GENERATED[language],
                        "candidate_kind": kind,
                        "membership_rules": RichTextValue(f"<p>{rules}</p>", "text/html", "text/x-html-safe"),
                    },
                    reuse=True,
                )
            if not existed:
                self._publish(found[organ_id], MODERATOR, ("submit", "approve", "make_public"))
        return found

    def election(self, number):
        """{language: election} number ``number`` (one organ after the other, back in time from 2027)."""
        if number in self.elections:
            return self.elections[number]
        candiweb = self.candiweb_place()
        organ_id, _kind, titles, _rules = STATE_ORGANS[number % len(STATE_ORGANS)]
        year = LAST_YEAR - number // len(STATE_ORGANS)
        seats, years = SEATS[organ_id]
        term = f"{year + 1}-{year + years}"
        election_id = f"gen-{organ_id}-{term}"
        rooms = {language: candiweb.places[language]["elections"] for language in LANGUAGES}
        existed = election_id in rooms["en"].objectIds()
        organ = candiweb.organs[organ_id]
        with api.env.adopt_user(username=MODERATOR):
            items = create_in_languages(
                rooms,
                "Election",
                election_id,
                lambda language: {
                    "title": f"{titles[language]} {term}",
                    "description": GENERATED[language],
                    "organ": relation_to(organ[language]),
                    "session": f"{_ordinal(year - 1945)} session",
                    "year": year,
                    "election_date": date(year, 6, 10),
                    "deadline": date(year, 5, 10),
                    "term": term,
                    "seats": dict(seats),
                    "status": "upcoming" if year >= LAST_YEAR else "held",
                },
                reuse=True,
            )
        if not existed:
            self._publish(items, MODERATOR, ("submit", "approve", "make_public"))
        rng = group_rng(self.seed, "election", number)
        self.elections[number] = SimpleNamespace(
            items=items, year=year, standing=rng.sample(candiweb.standing, PER_ELECTION)
        )
        return self.elections[number]

    # Groups -----------------------------------------------------------------------------------------

    def state_of(self, k, rng):
        if pending_group(k, self.pending_ratio):
            return "pending"
        return "draft" if rng.random() < DRAFT_RATIO else "published"

    def group(self, k, candidature_number):
        """Make group ``k`` in the six languages; returns (kind, state)."""
        kind = kind_of(self.seed, k)
        rng = group_rng(self.seed, k)
        state = self.state_of(k, rng)
        if kind == "candidature":
            items, author = self._candidature(rng, candidature_number)
            public = state == "published" and rng.random() < PUBLIC_RATIO
        else:
            items, author = self._document(k, kind, rng)
            public = False
        subjects = (MARK, kind)
        for obj in items.values():
            obj.setSubject(subjects)
            obj.reindexObject(idxs=["Subject"])
        if state != "draft":
            # The author submits, through the real workflow; the moderator approves.
            self._publish(items, author, ("submit",))
        if state == "published":
            self._publish(items, MODERATOR, ("approve", "make_public") if public else ("approve",))
        self.counts[kind] = self.counts.get(kind, 0) + len(items)
        self.counts[state] = self.counts.get(state, 0) + len(items)
        return kind, state

    def _document(self, k, kind, rng):
        number = k * GROUP // ITEMS_PER_PLACE
        place = self.working_group(number)
        mission = rng.choice(place.drafting)
        author = rng.choice(self.editors(mission))
        room = "documents" if kind == "file" else rng.choice(ROOMS)
        series = {"agendas": "AGENDA", "minutes": "SR", "documents": "CRP" if kind == "file" else "WP"}[room]
        text = Text(rng, f"A/AC.{300 + number}/{2020 + k % 8}/{series}.{k + 1}", series)
        item_id = f"{'-'.join(render(text.title, 'en', end=False).lower().split()[:6])}-{k + 1}"
        item_id = "".join(c if c.isalnum() or c == "-" else "-" for c in item_id)

        def fields(language):
            values = {"title": text.title_in(language), "description": text.description_in(language)}
            if kind == "file":
                data = pdf(values["title"], text.paragraphs_in(language), language)
                values["file"] = NamedBlobFile(
                    data=data, contentType="application/pdf", filename=f"{text.symbol.replace('/', '-')}-{language}.pdf"
                )
            else:
                values["text"] = RichTextValue(text.html_in(language), "text/html", "text/x-html-safe")
            return values

        containers = {language: place.places[language][room] for language in LANGUAGES}
        portal_type = "File" if kind == "file" else "Document"
        with api.env.adopt_user(username=author):
            items = create_in_languages(containers, portal_type, item_id, fields)
        return items, author

    def _candidature(self, rng, number):
        election = self.election(number // PER_ELECTION)
        mission = election.standing[number % PER_ELECTION]
        author = rng.choice(self.editors(mission))
        places = self.candiweb.places
        announced = date(election.year - 1, rng.randint(1, 12), rng.randint(1, 28))
        status = "announced" if election.year >= LAST_YEAR else rng.choice(("elected", "not-elected"))
        text = Text(rng)

        def fields(language):
            relation = relation_to(election.items[language])
            data = SimpleNamespace(mission=mission.code, candidate_name=None, election=relation)
            return {
                "title": candidature_title(data, language),
                "description": text.description_in(language),
                "mission": mission.code,
                "election": relation,
                "date_announced": announced,
                "status": status,
            }

        containers = {language: places[language]["candidatures"] for language in LANGUAGES}
        with api.env.adopt_user(username=author):
            items = create_in_languages(
                containers, "Candidature", f"{mission.code}-{election.items['en'].getId()}", fields
            )
        return items, author


# -- Running it ---------------------------------------------------------------------------------------------


class Progress:
    """One line: a bar, done/total, items/s and the time left; rewritten in place on a terminal."""

    def __init__(self, total, out=sys.stdout, width=30):
        self.total, self.out, self.width = total, out, width
        self.started = time.monotonic()
        self.tty = out.isatty()

    def line(self, done):
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        left = (self.total - done) / rate if rate else 0
        filled = round(self.width * done / self.total) if self.total else self.width
        eta = time.strftime("%H:%M:%S", time.gmtime(left)) if done else "--:--:--"
        return (
            f"  [{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total} items  {rate:.1f} items/s  ETA {eta}"
        )

    def show(self, done, final=False):
        end = "\n" if final or not self.tty else ""
        self.out.write(("\r" if self.tty else "") + self.line(done) + end)
        self.out.flush()


def run(site, items, seed=DEFAULT_SEED, pending_ratio=DEFAULT_PENDING_RATIO, out=sys.stdout, batch=BATCH):
    """Top the site up to ``items`` generated items; returns the exit code."""
    generator = Generator(site, seed, pending_ratio)
    start = generator.existing_groups()
    target = math.ceil(items / GROUP)

    def say(line):
        out.write(line + "\n")
        out.flush()

    if start >= target:
        say(f"MissionPlace: the site holds {start * GROUP} generated items already, nothing to do")
        return 0
    total = (target - start) * GROUP
    say(
        f"MissionPlace: {start * GROUP} generated items there, generating {total} more (seed {seed}, "
        f"{target - start} groups in six languages)"
    )
    # Which candidature each group is: the candidatures before it, known from their kind alone.
    candidatures = sum(kind_of(seed, k) == "candidature" for k in range(start))
    progress = Progress(total, out)
    done = since_commit = 0
    with notifications.quiet():
        generator.moderator()
        for k in range(start, target):
            kind, _state = generator.group(k, candidatures)
            candidatures += kind == "candidature"
            done += GROUP
            since_commit += GROUP
            if since_commit >= batch or k == target - 1:
                transaction.commit()
                # What this batch loaded is not needed again: keep the object cache to its target size.
                site._p_jar.cacheGC()
                since_commit = 0
                progress.show(done, final=k == target - 1)
    elapsed = time.monotonic() - progress.started
    counts = generator.counts
    say(
        f"MissionPlace: {done} items generated in {elapsed:.0f} s ({done / elapsed:.1f} items/s): "
        f"{counts.get('page', 0)} pages, {counts.get('file', 0)} files, {counts.get('candidature', 0)} "
        f"candidatures; {counts.get('pending', 0)} pending review, {counts.get('published', 0)} published, "
        f"{counts.get('draft', 0)} drafts"
    )
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("zope_conf")
    parser.add_argument("site_id")
    parser.add_argument("--items", type=int, required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--pending-ratio", type=float, default=DEFAULT_PENDING_RATIO)
    args = parser.parse_args(argv)
    if not 0 <= args.pending_ratio <= 1:
        parser.error("--pending-ratio: a share between 0 and 1")
    # Generated accounts' addresses are not real: whatever is sent stays in the queue.
    os.environ["MAILHOST_QUEUE_ONLY"] = "1"
    with zope_app(args.zope_conf) as app:
        site = open_site(app, args.site_id)
        code = 2 if site is None else run(site, args.items, args.seed, args.pending_ratio)
    sys.exit(code)


if __name__ == "__main__":
    main()
