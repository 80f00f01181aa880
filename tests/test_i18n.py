"""Every user-facing string of MissionPlace is translated into the six languages."""

from io import BytesIO
from missionplace.languages import OFFICIAL_LANGUAGES
from pathlib import Path
from pythongettext.msgfmt import Msgfmt
import gettext
import pytest
import re


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
        found.update(re.findall(r'i18n:translate="([^"]+)"', path.read_text()))
    return found


def test_pot_has_every_message_of_the_code():
    assert code_msgids() - pot_msgids() == set()


def test_pot_has_no_stale_message():
    assert pot_msgids() - code_msgids() == set()


@pytest.mark.parametrize("language", OFFICIAL_LANGUAGES)
def test_catalog_translates_everything(language):
    po = LOCALES / language / "LC_MESSAGES" / "missionplace.po"
    catalog = gettext.GNUTranslations(BytesIO(Msgfmt(str(po), name="missionplace").get()))
    untranslated = sorted(msgid for msgid in pot_msgids() if catalog.gettext(msgid) == msgid)
    assert untranslated == []
