"""Every user-facing string of MissionPlace is translated into the six languages."""

from io import BytesIO
from missionplace.common.languages import OFFICIAL_LANGUAGES
from pathlib import Path
from pythongettext.msgfmt import Msgfmt
import gettext
import pytest
import re
import subprocess
import sys


SRC = Path(__file__).parent.parent / "src" / "missionplace"
LOCALES = SRC / "locales"
MSGID = re.compile(r'^msgid "(.+)"$', re.MULTILINE)


def pot_msgids():
    return set(MSGID.findall((LOCALES / "missionplace.pot").read_text()))


def code_msgids():
    """Message ids used in Python (``_("id"``) and templates (``i18n:translate="id"``)."""
    found = set()
    for path in SRC.rglob("*.py"):
        found.update(re.findall(r'\b_\(\s*"([^"]+)"', path.read_text()))
    for path in SRC.rglob("*.pt"):
        text = path.read_text()
        # A template of another product kept in its own domain (e.g. CMFEditions') is translated there.
        domain = re.search(r'i18n:domain="([^"]+)"', text)
        if domain and domain.group(1) != "missionplace":
            continue
        found.update(re.findall(r'i18n:translate="([^"]+)"', text))
    return found


def test_pot_has_every_message_of_the_code():
    assert code_msgids() - pot_msgids() == set()


def test_pot_is_what_i18ndude_extracts_now(tmp_path):
    """`make i18n` was run after the last change of a message (code, ZCML, XML)."""
    pot = tmp_path / "missionplace.pot"
    i18ndude = Path(sys.executable).with_name("i18ndude")
    subprocess.run(
        [str(i18ndude), "rebuild-pot", "--pot", str(pot), "--create", "missionplace", str(SRC)],
        check=True,
        capture_output=True,
    )
    assert set(MSGID.findall(pot.read_text())) == pot_msgids()


@pytest.mark.parametrize("language", OFFICIAL_LANGUAGES)
def test_catalog_translates_everything(language):
    po = LOCALES / language / "LC_MESSAGES" / "missionplace.po"
    # It compiles, as Zope compiles it at start-up ...
    catalog = gettext.GNUTranslations(BytesIO(Msgfmt(str(po), name="missionplace").get()))
    # ... and every message has a translation (a name like "MissionPlace" may stay as it is).
    translated = {msgid for msgid, text in catalog._catalog.items() if msgid and text}
    assert sorted(pot_msgids() - translated) == []
    assert catalog.gettext("role_secretariat_moderator") != "role_secretariat_moderator"


def test_policies_catalog_template_is_current():
    """`make i18n` was run after the last change of a policy's titles (Plone shows them in "plone")."""
    from missionplace.workflows import policy

    assert (LOCALES / "plone.pot").read_text() == policy.pot()


@pytest.mark.parametrize("language", OFFICIAL_LANGUAGES)
def test_policies_words_are_translated(language):
    from missionplace.workflows import policy

    po = LOCALES / language / "LC_MESSAGES" / "plone.po"
    catalog = gettext.GNUTranslations(BytesIO(Msgfmt(str(po), name="plone").get()))
    missing = [text for text in policy.messages() if not catalog._catalog.get(text)]
    assert missing == []
    if language != "en":
        assert catalog.gettext("Awaiting the bureau") != "Awaiting the bureau"
