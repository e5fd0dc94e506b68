"""Country names in the interface languages, for the browse-by-country page.

Python ships no country names and the project avoids a dependency for one page: the list
covers the countries conferences in the region draw from; any other code shows as itself.
"""

from __future__ import annotations

from rostra.core.languages import base_language

# code: (English, Persian, Arabic)
COUNTRY_NAMES = {
    "AE": ("United Arab Emirates", "امارات متحده عربی", "الإمارات العربية المتحدة"),
    "AF": ("Afghanistan", "افغانستان", "أفغانستان"),
    "AT": ("Austria", "اتریش", "النمسا"),
    "AU": ("Australia", "استرالیا", "أستراليا"),
    "AZ": ("Azerbaijan", "جمهوری آذربایجان", "أذربيجان"),
    "BH": ("Bahrain", "بحرین", "البحرين"),
    "BR": ("Brazil", "برزیل", "البرازيل"),
    "CA": ("Canada", "کانادا", "كندا"),
    "CH": ("Switzerland", "سوئیس", "سويسرا"),
    "CN": ("China", "چین", "الصين"),
    "DE": ("Germany", "آلمان", "ألمانيا"),
    "DZ": ("Algeria", "الجزایر", "الجزائر"),
    "EG": ("Egypt", "مصر", "مصر"),
    "ES": ("Spain", "اسپانیا", "إسبانيا"),
    "FR": ("France", "فرانسه", "فرنسا"),
    "GB": ("United Kingdom", "بریتانیا", "المملكة المتحدة"),
    "IN": ("India", "هند", "الهند"),
    "IQ": ("Iraq", "عراق", "العراق"),
    "IR": ("Iran", "ایران", "إيران"),
    "IT": ("Italy", "ایتالیا", "إيطاليا"),
    "JO": ("Jordan", "اردن", "الأردن"),
    "JP": ("Japan", "ژاپن", "اليابان"),
    "KW": ("Kuwait", "کویت", "الكويت"),
    "LB": ("Lebanon", "لبنان", "لبنان"),
    "LY": ("Libya", "لیبی", "ليبيا"),
    "MA": ("Morocco", "مراکش", "المغرب"),
    "MY": ("Malaysia", "مالزی", "ماليزيا"),
    "NL": ("Netherlands", "هلند", "هولندا"),
    "OM": ("Oman", "عمان", "عُمان"),
    "PK": ("Pakistan", "پاکستان", "باكستان"),
    "QA": ("Qatar", "قطر", "قطر"),
    "RU": ("Russia", "روسیه", "روسيا"),
    "SA": ("Saudi Arabia", "عربستان سعودی", "المملكة العربية السعودية"),
    "SD": ("Sudan", "سودان", "السودان"),
    "SE": ("Sweden", "سوئد", "السويد"),
    "SY": ("Syria", "سوریه", "سوريا"),
    "TJ": ("Tajikistan", "تاجیکستان", "طاجيكستان"),
    "TN": ("Tunisia", "تونس", "تونس"),
    "TR": ("Türkiye", "ترکیه", "تركيا"),
    "US": ("United States", "ایالات متحده آمریکا", "الولايات المتحدة"),
    "YE": ("Yemen", "یمن", "اليمن"),
}

_COLUMN = {"en": 0, "fa": 1, "ar": 2}


def country_name(code: str, language: str) -> str:
    """The country's name in ``language`` (English when that language has no name here)."""
    names = COUNTRY_NAMES.get((code or "").upper())
    if not names:
        return (code or "").upper()
    return names[_COLUMN.get(base_language(language), 0)]
