"""Translations from Qt Linguist `.ts` files, loaded directly.

Reading the XML source at start-up (a few hundred strings) avoids shipping a
compiled `.qm` next to its source and the two drifting apart; the files stay
standard, so `pyside6-lupdate` and Qt Linguist keep working on them.
"""

from __future__ import annotations

import locale
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

I18N_DIR = Path(__file__).with_name("i18n")
LANGUAGES = ("en", "zh_CN")


class TsTranslator(QTranslator):
    """A QTranslator fed from one `.ts` file's finished translations."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.messages: dict[tuple[str, str], str] = {}
        root = ET.parse(path).getroot()
        for context in root.iter("context"):
            name = context.findtext("name", "")
            for message in context.iter("message"):
                source = message.findtext("source")
                translation = message.find("translation")
                if source is None or translation is None or not translation.text:
                    continue
                if translation.get("type") in ("unfinished", "obsolete", "vanished"):
                    continue
                self.messages[(name, source)] = translation.text

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        return self.messages.get((context, source))

    def isEmpty(self) -> bool:  # noqa: N802 - Qt override
        return not self.messages


def system_language() -> str:
    """'zh_CN' for a Chinese system locale, else 'en'."""
    name = QLocale.system().name() or (locale.getlocale()[0] or "")
    return "zh_CN" if name.lower().startswith("zh") else "en"


def install_translator(app: QCoreApplication, lang: str) -> QTranslator | None:
    """Install the translator for `lang` (English needs none); returns it to keep alive."""
    if lang == "en":
        return None
    path = I18N_DIR / f"floorwatch_{lang}.ts"
    if not path.exists():
        raise ValueError(f"no translation for {lang!r}; available: {', '.join(LANGUAGES)}")
    translator = TsTranslator(path)
    app.installTranslator(translator)
    return translator
