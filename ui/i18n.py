"""UI languages: English in the source, Simplified Chinese from Qt Linguist files.

`ui/i18n/floorwatch_zh_CN.ts` is the source translators edit (`make i18n`
refreshes it from the code and compiles the `.qm` the app loads); a test
checks that both are complete and in step with the code.
"""

from __future__ import annotations

import locale
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

I18N_DIR = Path(__file__).with_name("i18n")
LANGUAGES = ("en", "zh_CN")


def system_language() -> str:
    """'zh_CN' for a Chinese system locale, else 'en'."""
    name = QLocale.system().name() or (locale.getlocale()[0] or "")
    return "zh_CN" if name.lower().startswith("zh") else "en"


def install_translator(app: QCoreApplication, lang: str) -> QTranslator | None:
    """Install the translator for `lang` (English needs none); returns it to keep alive."""
    if lang == "en":
        return None
    path = I18N_DIR / f"floorwatch_{lang}.qm"
    translator = QTranslator(app)
    if not path.exists() or not translator.load(str(path)):
        raise ValueError(f"no translation for {lang!r}; available: {', '.join(LANGUAGES)}")
    app.installTranslator(translator)
    return translator
