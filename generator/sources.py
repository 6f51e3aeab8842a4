"""Canonical names of news sources, whatever spelling a seed uses. Pure."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

# Canonical display name -> other spellings met in the wild. The canonical name is
# also accepted as a spelling of itself.
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "Al Jazeera": ("AlJazeera", "Al Jazeera English", "Al-Jazeera", "aljazeera.com"),
    "Reuters": ("Thomson Reuters", "reuters.com"),
    "Associated Press": ("AP", "The Associated Press", "AP News", "apnews.com"),
    "AFP": ("Agence France-Presse", "Agence France Presse"),
    "BBC News": ("BBC", "bbc.co.uk", "bbc.com"),
    "The Guardian": ("Guardian", "theguardian.com"),
    "The New York Times": ("New York Times", "NYT", "NYTimes", "nytimes.com"),
    "The Washington Post": ("Washington Post", "WaPo", "washingtonpost.com"),
    "CNN": ("cnn.com",),
    "NPR": ("National Public Radio", "npr.org"),
    "Bloomberg": ("Bloomberg News", "bloomberg.com"),
    "Financial Times": ("The Financial Times", "FT", "ft.com"),
    "The Wall Street Journal": ("Wall Street Journal", "WSJ", "wsj.com"),
    "The Economist": ("Economist", "economist.com"),
    "Politico": ("politico.com", "politico.eu"),
    "Axios": ("axios.com",),
    "The Times of India": ("Times of India",),
    "Deutsche Welle": ("DW", "dw.com"),
    "France 24": ("France24", "france24.com"),
    "Le Monde": ("lemonde.fr",),
    "Der Spiegel": ("Spiegel", "Spiegel Online", "spiegel.de"),
    "The Independent": ("Independent", "independent.co.uk"),
    "The Telegraph": ("Telegraph", "The Daily Telegraph", "telegraph.co.uk"),
    "Sky News": ("news.sky.com",),
    "ABC News": ("abcnews.go.com",),
    "CBS News": ("cbsnews.com",),
    "NBC News": ("nbcnews.com",),
    "Fox News": ("foxnews.com",),
    "Al Arabiya": ("AlArabiya", "Al-Arabiya", "alarabiya.net"),
    "Haaretz": ("haaretz.com",),
    "The Times of Israel": ("Times of Israel", "timesofisrael.com"),
    "South China Morning Post": ("SCMP", "scmp.com"),
    "The Japan Times": ("Japan Times", "japantimes.co.jp"),
    "Yonhap": ("Yonhap News Agency", "Yonhap News"),
    "Xinhua": ("Xinhua News Agency",),
    "TASS": ("tass.com",),
    "Kyiv Independent": ("The Kyiv Independent", "kyivindependent.com"),
    "Middle East Eye": ("MEE", "middleeasteye.net"),
    "The Hindu": ("Hindu", "thehindu.com"),
    "Dawn": ("dawn.com",),
    "Anadolu Agency": ("Anadolu", "aa.com.tr"),
    "EFE": ("Agencia EFE",),
    "ANSA": (),
    "Kyodo News": ("Kyodo",),
    "Euronews": ("euronews.com",),
    "Voice of America": ("VOA", "voanews.com"),
    "Radio Free Europe/Radio Liberty": ("RFE/RL", "Radio Free Europe", "rferl.org"),
}

DEFAULT_SOURCES: Mapping[str, str] = MappingProxyType(
    {
        spelling: canonical
        for canonical, spellings in _SPELLINGS.items()
        for spelling in (canonical, *spellings)
    }
)

_SCHEME_AND_WWW = re.compile(r"^(?:https?://)?(?:www\.)?")
# Only a name without spaces is read as a domain, so "BBC News" keeps its "News".
_DOMAIN_SUFFIX = re.compile(r"\.(?:co|com|org|ac|gov|net|go)?\.?[a-z]{2,6}/?$")


# Remembered: normalise_source keys every spelling of the table for each seed.
@functools.lru_cache(maxsize=4096)
def source_key(raw: str) -> str:
    """A spelling-blind key: 'The Guardian', 'theguardian.com' and 'GUARDIAN' meet."""
    text = unicodedata.normalize("NFKC", raw).strip().casefold()
    if text and not any(char.isspace() for char in text):
        text = _DOMAIN_SUFFIX.sub("", _SCHEME_AND_WWW.sub("", text))
    key = "".join(char for char in text if char.isalnum())
    # Dropped after joining so that the one-word domain 'theguardian' loses it too.
    return key.removeprefix("the") if len(key) > len("the") else key


def normalise_source(raw: str, table: Mapping[str, str]) -> str:
    """The canonical name of a source; an unknown source is returned as written, stripped.

    The first entry that matches wins, so a site's own spellings go first.
    """
    wanted = source_key(raw)
    for spelling, canonical in table.items():
        if source_key(spelling) == wanted:
            return canonical
    return raw.strip()
