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
    "Reuters": ("Thomson Reuters", "reuters.com", "Reuters News"),
    "Associated Press": ("AP", "The Associated Press", "AP News", "apnews.com"),
    "AFP": ("Agence France-Presse", "Agence France Presse"),
    "BBC": ("BBC News", "bbc.co.uk", "bbc.com", "BBC World Service", "BBC News Online"),
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
    "The Times of India": ("Times of India", "TOI", "timesofindia.indiatimes.com"),
    "Deutsche Welle": ("DW", "dw.com"),
    "France 24": ("France24", "france24.com"),
    "Le Monde": ("lemonde.fr",),
    "Der Spiegel": ("Spiegel", "Spiegel Online", "spiegel.de"),
    "The Independent": ("Independent", "independent.co.uk"),
    "The Telegraph": ("Telegraph", "The Daily Telegraph", "telegraph.co.uk"),
    "Sky News": ("news.sky.com", "Sky"),
    "ABC News": ("abcnews.go.com",),
    "CBS News": ("cbsnews.com",),
    "NBC News": ("nbcnews.com",),
    "Fox News": ("foxnews.com",),
    "Al Arabiya": ("AlArabiya", "Al-Arabiya", "alarabiya.net"),
    "Haaretz": ("haaretz.com",),
    "The Times of Israel": ("Times of Israel", "timesofisrael.com"),
    "South China Morning Post": ("SCMP", "scmp.com"),
    "The Japan Times": ("Japan Times", "japantimes.co.jp"),
    "Yonhap": ("Yonhap News Agency", "Yonhap News", "yna.co.kr", "en.yna.co.kr"),
    "Xinhua": ("Xinhua News Agency", "xinhuanet.com"),
    "TASS": ("tass.com", "TASS Russian News Agency"),
    "Kyiv Independent": ("The Kyiv Independent", "kyivindependent.com"),
    "Middle East Eye": ("MEE", "middleeasteye.net"),
    "The Hindu": ("Hindu", "thehindu.com"),
    "Dawn": ("dawn.com",),
    "Anadolu Agency": ("Anadolu", "aa.com.tr"),
    "EFE": ("Agencia EFE",),
    "ANSA": (),
    "Kyodo News": ("Kyodo",),
    "Euronews": ("euronews.com", "Euronews English"),
    "Voice of America": ("VOA", "voanews.com"),
    "Radio Free Europe/Radio Liberty": ("RFE/RL", "Radio Free Europe", "rferl.org"),
    "NHK": ("NHK World", "NHK World-Japan", "nhk.or.jp", "www3.nhk.or.jp"),
    "Meduza": ("meduza.io",),
    "The Moscow Times": ("Moscow Times", "themoscowtimes.com"),
    "Arab News": ("arabnews.com",),
    "The National": ("The National News", "thenationalnews.com"),
    "The Jerusalem Post": ("Jerusalem Post", "JPost", "jpost.com"),
    "ABC (Australia)": (
        "ABC Australia",
        "ABC News Australia",
        "ABC News (Australia)",
        "Australian Broadcasting Corporation",
        "abc.net.au",
    ),
    "CBC News": ("CBC", "cbc.ca", "Canadian Broadcasting Corporation"),
    "The Globe and Mail": ("Globe and Mail", "theglobeandmail.com"),
    "The Straits Times": ("Straits Times", "straitstimes.com"),
    "Nikkei Asia": ("Nikkei", "Nikkei Asian Review", "asia.nikkei.com"),
    "The Asahi Shimbun": ("Asahi Shimbun", "Asahi", "asahi.com"),
    "The Korea Herald": ("Korea Herald", "koreaherald.com"),
    "Korea JoongAng Daily": ("JoongAng Daily", "koreajoongangdaily.joins.com"),
    "The Korea Times": ("Korea Times", "koreatimes.co.kr"),
    "The Times": ("The Times (UK)", "The Times of London", "thetimes.co.uk"),
    "Daily Mail": ("Mail Online", "MailOnline", "The Daily Mail", "dailymail.co.uk"),
    "Al-Monitor": ("Al Monitor", "al-monitor.com"),
    "Hindustan Times": ("hindustantimes.com",),
    "CNA": ("Channel News Asia", "Channel NewsAsia", "channelnewsasia.com"),
    "NDTV": ("ndtv.com",),
    "Press TV": ("PressTV", "presstv.ir"),
    "RT": ("Russia Today", "rt.com"),
    "Interfax": ("Interfax-Ukraine",),
    "Ukrainska Pravda": ("pravda.com.ua",),
    "Kyiv Post": ("kyivpost.com",),
    "The Sydney Morning Herald": ("Sydney Morning Herald", "SMH", "smh.com.au"),
    "The Irish Times": ("Irish Times", "irishtimes.com"),
    "Los Angeles Times": ("LA Times", "latimes.com"),
    "USA Today": ("usatoday.com",),
    "Newsweek": ("newsweek.com",),
    "The Atlantic": ("theatlantic.com",),
    "Vox": ("vox.com",),
    "The Hill": ("thehill.com",),
    "Semafor": ("semafor.com",),
    "KCNA": ("Korean Central News Agency",),
    "dpa": ("Deutsche Presse-Agentur", "DPA"),
    "PA Media": ("PA", "Press Association", "PA News Agency"),
    "UPI": ("United Press International", "upi.com"),
    "Global Times": ("globaltimes.cn",),
    "China Daily": ("chinadaily.com.cn",),
    "Gulf News": ("gulfnews.com",),
    "Daily Sabah": ("dailysabah.com",),
    "Hürriyet Daily News": ("Hurriyet Daily News", "hurriyetdailynews.com"),
    "The Express Tribune": ("Express Tribune", "tribune.com.pk"),
    "The Daily Star": ("Daily Star", "thedailystar.net"),
    "Bangkok Post": ("bangkokpost.com",),
    "Rappler": ("rappler.com",),
    "Taipei Times": ("taipeitimes.com",),
    "Focus Taiwan": ("CNA Taiwan", "focustaiwan.tw"),
    "Mainichi": ("The Mainichi", "Mainichi Shimbun", "mainichi.jp"),
    "The Kathmandu Post": ("Kathmandu Post", "kathmandupost.com"),
    "Le Figaro": ("lefigaro.fr",),
    "El País": ("El Pais", "elpais.com"),
    "Corriere della Sera": ("corriere.it",),
    "Die Zeit": ("Zeit Online", "zeit.de"),
    "Frankfurter Allgemeine Zeitung": ("FAZ", "faz.net"),
    "Süddeutsche Zeitung": ("Sueddeutsche Zeitung", "SZ", "sueddeutsche.de"),
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
        text = _SCHEME_AND_WWW.sub("", text)
        # "bbc.com/news": an address's path is not the outlet's name ("RFE/RL" has no dot).
        host, slash, _path = text.partition("/")
        if slash and "." in host:
            text = host
        text = _DOMAIN_SUFFIX.sub("", text)
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


# Outlets whose pages print a standfirst (a one-sentence summary under the headline),
# by canonical name. Ingest reads the block after the byline as a dek for these even
# when nothing else marks it; for other outlets that block is the lede unless the
# layout says otherwise (a dateline in the next block, no closing punctuation).
HAS_STANDFIRST: frozenset[str] = frozenset(
    {"Al Jazeera", "The Guardian", "The Independent", "The Telegraph", "The Times"}
    | {"The Economist", "Financial Times", "Der Spiegel", "Deutsche Welle", "France 24"}
    | {"Euronews", "Middle East Eye", "Al-Monitor", "The Jerusalem Post", "Haaretz"}
    | {"The Times of Israel", "Sky News", "The Straits Times", "Nikkei Asia", "Daily Mail"}
    | {"Hindustan Times", "South China Morning Post", "The National", "The Atlantic", "Vox"}
    | {"The New York Times", "Politico"}
    | {"Meduza", "The Moscow Times", "CNA", "The Irish Times", "The Sydney Morning Herald"}
)

# Outlets that never print one: their first block is always the lede.
NO_STANDFIRST: frozenset[str] = frozenset(
    {"BBC", "Reuters", "Associated Press", "AFP", "CNN", "NPR", "Yonhap", "Xinhua", "TASS"}
    | {"Kyodo News", "Anadolu Agency", "EFE", "ANSA", "dpa", "PA Media", "UPI", "KCNA"}
    | {"The Times of India", "The Korea Herald", "Korea JoongAng Daily", "The Korea Times"}
    | {"NHK", "Arab News", "Kyiv Independent", "NDTV", "Voice of America", "Interfax"}
)
