"""Language choice and the date/amount formats people notice (UI.md, "Details people notice")."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_currency as babel_format_currency
from babel.numbers import format_decimal as babel_format_decimal
from flask import current_app, has_request_context, session
from flask_babel import get_locale
from flask_login import current_user

STOCKHOLM = ZoneInfo("Europe/Stockholm")

#: How a moment in time reads in each language: "5 mars 2026 kl. 12.00" / "5 March 2026, 12:00".
DATETIME_PATTERNS = {"sv": "d MMMM y 'kl.' HH.mm", "en": "d MMMM y, HH:mm"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get("language") in languages:
        return session["language"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or "sv")


@cache
def territory_names(language: str) -> dict[str, str]:
    """Babel's names of countries and regions in `language`, read once per language."""
    return dict(Locale.parse(language).territories)


def format_moment(moment: datetime | None, zone: ZoneInfo = STOCKHOLM) -> str:
    if moment is None:
        return ""
    return _moment_text(moment, zone, current_language())


@lru_cache(maxsize=4096)
def _moment_text(moment: datetime, zone: ZoneInfo, lang: str) -> str:
    """Remembered: a list shows the same few call deadlines on many rows, and Babel's formatting
    is the slowest part of a row."""
    return babel_format_datetime(moment, DATETIME_PATTERNS.get(lang, DATETIME_PATTERNS["en"]), tzinfo=zone, locale=lang)


def format_number(number) -> str:
    """1234 as "1 234" in Swedish and "1,234" in English."""
    return babel_format_decimal(number or 0, locale=current_language())


def format_euro(amount) -> str:
    """30000 as "30 000 €" in Swedish and "€30,000" in English."""
    if amount is None:
        return ""
    locale = Locale.parse(current_language())
    whole_euros = locale.currency_formats["standard"].pattern.replace(".00", "")  # the language's pattern
    return babel_format_currency(amount, "EUR", format=whole_euros, locale=locale, currency_digits=False)


def format_size(size: int) -> str:
    """A file size as people read it: "10 MB", "1,5 MB", "200 kB" (1 MB = 1024 × 1024 bytes)."""
    if size >= 1024 * 1024:
        return f"{babel_format_decimal(round(size / (1024 * 1024), 1), locale=current_language())} MB"
    return f"{babel_format_decimal(max(1, round(size / 1024)), locale=current_language())} kB"


def format_time(moment: datetime | None) -> str:
    """A time of day in Stockholm, e.g. "14.02" / "14:02": for "Saved 14.02"."""
    if moment is None:
        return ""
    return babel_format_datetime(
        moment, "HH.mm" if current_language() == "sv" else "HH:mm", tzinfo=STOCKHOLM, locale=current_language()
    )


def format_day(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.astimezone(STOCKHOLM).date()
    return babel_format_date(day, "long", locale=current_language())


def today_in_stockholm() -> date:
    """Today's date where the schools are: what days left and milestones count from."""
    return datetime.now(STOCKHOLM).date()


def days_until(moment: datetime | None, today: date | None = None) -> int | None:
    if moment is None:
        return None
    today = today or today_in_stockholm()
    return (moment.astimezone(STOCKHOLM).date() - today).days
