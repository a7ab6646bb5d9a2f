"""What must never reach the audit site: secrets, personal data and internal names, as rules.

Every pattern is linear: quantifiers are bounded and each pattern starts with a negative
look-behind (or a literal) so that a match is only tried where a token starts, never at
every character of a long run. A 1 MB single line scans in a fraction of a second.
A cheap substring hint skips a rule when its text cannot occur at all.
"""

from __future__ import annotations

import bisect
import hashlib
import html
import ipaddress
import math
import re
import string
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

Validator = Callable[[str], bool]


@dataclass(frozen=True)
class Rule:
    """One kind of sensitive value: how to find it and how to tell it from look-alikes."""

    id: str
    kind: str
    """What the reports count and the redaction note says: secret, email, phone, ..."""
    description: str
    pattern: re.Pattern[str]
    group: int = 0
    """The group holding the value itself (a keyword around it stays)."""
    valid: Validator | None = None
    hints: tuple[str, ...] = ()
    """Substrings (lower case) one of which the text must contain for the rule to apply."""
    precise: bool = True
    """Precise rules also run over scripts, styles and binary files, where loose rules
    (numbers, addresses, entropy) would mostly find look-alikes."""
    left: frozenset[str] | None = None
    """Characters the value extends over before the pattern's match (at least one)."""
    left_max: int = 0


@dataclass(frozen=True)
class Match:
    """One sensitive value found in a text."""

    rule: Rule
    start: int
    end: int
    value: str

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.value)


def fingerprint(value: str) -> str:
    """A stable id of a value that names it in reports and allow-lists without showing it."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- validators

_STOPWORDS = (
    "example",
    "xxxx",
    "****",
    "<<",
    ">>",
    "${",
    "{{",
    "%(",
    "changeme",
    "change-me",
    "redacted",
    "placeholder",
    "dummy",
    "your_",
    "your-",
    "\u27e6",
)


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts = Counter(value)
    size = len(value)
    return -sum(n / size * math.log2(n / size) for n in counts.values())


def _not_stopword(value: str) -> bool:
    lowered = value.lower()
    return not any(word in lowered for word in _STOPWORDS)


_CLASSES = (
    frozenset(string.ascii_lowercase),
    frozenset(string.ascii_uppercase),
    frozenset(string.digits),
)
_ALNUM = frozenset(string.ascii_letters + string.digits)


def _high_entropy(value: str) -> bool:
    chars = set(value)
    classes = sum(bool(chars & c) for c in _CLASSES) + bool(chars - _ALNUM)
    return classes >= 2 and entropy(value) >= 3.5 and _not_stopword(value)


# What documentation writes where a password goes.
_STAND_INS = frozenset(("password", "passwd", "pass", "pwd", "secret", "token", "***"))


def _real_password(value: str) -> bool:
    return len(value) >= 3 and value.lower() not in _STAND_INS and _not_stopword(value)


def _not_aws_example(value: str) -> bool:
    return not value.endswith("EXAMPLE")


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def luhn(number: str) -> bool:
    """The check digit of payment card numbers."""
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


_CARD_PREFIX = re.compile(r"4|5[1-5]|2[2-7]|3[47]|3[068]|6(?:011|5|4[4-9]|2)|35")


def _card(value: str) -> bool:
    digits = _digits(value)
    return (
        13 <= len(digits) <= 19
        and len(set(digits)) > 1
        and _CARD_PREFIX.match(digits) is not None
        and luhn(digits)
    )


# Lengths of IBANs by country (ISO 13616 registry, the common ones).
_IBAN_LENGTH = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BR": 29, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22,
    "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21,
    "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27,
    "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25,
    "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}  # fmt: skip


def iban(value: str) -> bool:
    """A country length and the ISO 7064 mod-97 check of an IBAN."""
    compact = value.replace(" ", "")
    if _IBAN_LENGTH.get(compact[:2]) != len(compact):
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _phone(value: str) -> bool:
    digits = _digits(value)
    if value.startswith("+"):
        return 8 <= len(digits) <= 15
    return 9 <= len(digits) <= 12 and len(set(digits)) > 2


# Unspecified, broadcast, loopback and the documentation ranges of RFC 5737.
_HARMLESS = ("0.0.0.0/32", "255.255.255.255/32", "127.0.0.0/8", "192.0.2.0/24")
_HARMLESS_NETWORKS = tuple(
    ipaddress.ip_network(n) for n in (*_HARMLESS, "198.51.100.0/24", "203.0.113.0/24")
)
_PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16")
)


def _address(value: str) -> ipaddress.IPv4Address | None:
    try:
        address = ipaddress.IPv4Address(value)
    except ValueError:
        return None
    return None if any(address in n for n in _HARMLESS_NETWORKS) else address


def _public_ip(value: str) -> bool:
    address = _address(value)
    return address is not None and not any(address in n for n in _PRIVATE_NETWORKS)


def _private_ip(value: str) -> bool:
    address = _address(value)
    return address is not None and any(address in n for n in _PRIVATE_NETWORKS)


# ---------------------------------------------------------------- the rules

# Most patterns start with a literal or a character class and check the character before
# it with a fixed-width look-behind right after it (`x(?<![class].)`): `re` then skips to
# candidate characters quickly, and a long run of token characters is tried once, not at
# every position. Where a value is found from its middle (the `@` of an email, the domain
# suffix of a host), `left` extends the match over the characters before it.
_B64 = r"A-Za-z0-9_-"
_LOCAL_PART = frozenset(string.ascii_letters + string.digits + "._%+-")
_HOST_CHARS = frozenset(string.ascii_letters + string.digits + ".-")


def _words(words: Iterable[tuple[str, str]], not_after: str) -> str:
    """An alternation of words (first letter, regex of the rest, any case) that starts with
    one character class, so `re` skips quickly to where a word can begin."""
    by_first: dict[str, list[str]] = {}
    for first, rest in words:
        by_first.setdefault(first.lower(), []).append(rest)
    firsts = "".join(re.escape(c + c.upper()) for c in sorted(by_first))
    branches = "|".join(
        f"(?<=[{re.escape(c + c.upper())}])(?i:{'|'.join(sorted(rests, key=len, reverse=True))})"
        for c, rests in sorted(by_first.items())
    )
    return f"[{firsts}](?<![{not_after}].)(?:{branches})"


_SECRET_WORDS = _words(
    [
        ("p", r"ass(?:word|wd|phrase)|wd|rivate[_-]?key"),
        ("s", "ecret"),
        ("t", "oken"),
        ("a", r"pi[_-]?key|ccess[_-]?key|uth[_-]?token"),
        ("c", r"lient[_-]?secret|redentials?"),
    ],
    "A-Za-z0-9",
)

BEGIN_PRIVATE_KEY = re.compile(r"-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----")
END_PRIVATE_KEY = re.compile(r"-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----")


def _rule(
    id: str,
    kind: str,
    description: str,
    pattern: str,
    *,
    group: int = 0,
    valid: Validator | None = None,
    hints: Iterable[str] = (),
    precise: bool = True,
    left: frozenset[str] | None = None,
    left_max: int = 0,
) -> Rule:
    return Rule(
        id,
        kind,
        description,
        re.compile(pattern),
        group,
        valid,
        tuple(hints),
        precise,
        left,
        left_max,
    )


SECRET_RULES: tuple[Rule, ...] = (
    _rule(
        "private-key",
        "secret",
        "a private key",
        BEGIN_PRIVATE_KEY.pattern,
        hints=("private key",),
    ),
    _rule(
        "aws-access-key",
        "secret",
        "an AWS access key id",
        r"A(?<![A-Za-z0-9].)(?:KIA|SIA|BIA|CCA|3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])",
        valid=_not_aws_example,
        hints=("akia", "asia", "abia", "acca", "a3t"),
    ),
    _rule(
        "github-token",
        "secret",
        "a GitHub token",
        r"g(?<![A-Za-z0-9_].)(?:h[pousr]_[A-Za-z0-9]{36,251}|ithub_pat_[A-Za-z0-9_]{22,251})"
        r"(?![A-Za-z0-9_])",
        hints=("gh", "github_pat_"),
    ),
    _rule(
        "gitlab-token",
        "secret",
        "a GitLab token",
        r"glpat-(?<![A-Za-z0-9_-]glpat-)[A-Za-z0-9_-]{20,64}(?![A-Za-z0-9_-])",
        hints=("glpat-",),
    ),
    _rule(
        "slack-token",
        "secret",
        "a Slack token",
        r"xox(?<![A-Za-z0-9]xox)[abposr]-[A-Za-z0-9-]{10,250}(?![A-Za-z0-9-])",
        hints=("xox",),
    ),
    _rule(
        "slack-webhook",
        "secret",
        "a Slack webhook URL",
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{16,200}",
        hints=("hooks.slack.com",),
    ),
    _rule(
        "teams-webhook",
        "secret",
        "a Microsoft Teams webhook URL",
        r"\.webhook\.office\.com/webhookb2/[A-Za-z0-9@/_-]{16,400}",
        hints=("webhook.office.com",),
        left=_HOST_CHARS | {":", "/"},
        left_max=80,
    ),
    _rule(
        "discord-webhook",
        "secret",
        "a Discord webhook URL",
        r"https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/[0-9]{5,30}/"
        r"[A-Za-z0-9_-]{20,100}",
        hints=("/api/webhooks/",),
    ),
    _rule(
        "jwt",
        "secret",
        "a JSON web token",
        rf"eyJ(?<![{_B64}]eyJ)[{_B64}]{{5,2000}}\.eyJ[{_B64}]{{5,4000}}\.[{_B64}]{{0,2000}}"
        rf"(?![{_B64}])",
        hints=("eyj",),
    ),
    _rule(
        "google-api-key",
        "secret",
        "a Google API key",
        r"AIza(?<![A-Za-z0-9_-]AIza)[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])",
        hints=("aiza",),
    ),
    _rule(
        "stripe-key",
        "secret",
        "a Stripe live key",
        r"[sr](?<![A-Za-z0-9].)k_live_[0-9A-Za-z]{16,247}(?![A-Za-z0-9])",
        hints=("_live_",),
    ),
    _rule(
        "pagerduty-key",
        "secret",
        "a PagerDuty key",
        r"(?i:pagerduty)[^\n]{0,40}?(?<![A-Za-z0-9_+-])([a-f0-9]{32}|[A-Za-z0-9_+-]{20})"
        r"(?![A-Za-z0-9_+-])",
        group=1,
        valid=lambda v: _not_stopword(v) and entropy(v) >= 3.0,
        hints=("pagerduty",),
    ),
    _rule(
        "opsgenie-key",
        "secret",
        "an Opsgenie key",
        r"(?i:opsgenie)[^\n]{0,40}?(?<![A-Za-z0-9-])"
        r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
        r"(?![A-Za-z0-9-])",
        group=1,
        hints=("opsgenie",),
    ),
    _rule(
        "url-credentials",
        "secret",
        "credentials in a URL",
        r"(?<=[A-Za-z0-9])://([^\s/?#@:\"'<>]{1,128}:[^\s/?#@\"'<>]{1,256})@(?=[A-Za-z0-9\[])",
        group=1,
        valid=lambda v: _real_password(v.split(":", 1)[1]),
        hints=("://",),
    ),
    _rule(
        "generic-secret",
        "secret",
        "a high-entropy value after a secret keyword",
        rf"(?:{_SECRET_WORDS})(?:[_-][A-Za-z0-9]{{1,20}}){{0,2}}[\"']?[ \t]{{0,3}}"
        r"(?::|=|:=|=>)[ \t]{0,3}[\"']?([^\s\"'`<>,;|]{8,200})",
        group=1,
        valid=_high_entropy,
        hints=("pass", "pwd", "secret", "token", "key", "credential"),
        precise=False,
    ),
)

_PHONE_END = r"(?![\w-]|\.[0-9])"
_PHONE_START = r"(?<![\w+.:/-].)"

PERSONAL_RULES: tuple[Rule, ...] = (
    _rule(
        "card-number",
        "card-number",
        "a payment card number",
        # A card number stands alone: digits inside a longer token (a hex digest, an id)
        # are not one, however their Luhn sum falls.
        r"[0-9](?<![0-9A-Za-z_.-].)(?:[ -]?[0-9]){12,18}(?![0-9A-Za-z_])",
        valid=_card,
        precise=False,
    ),
    _rule(
        "iban",
        "iban",
        "an IBAN",
        r"[A-Z](?<![A-Za-z0-9].)[A-Z][0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?"
        r"(?![A-Za-z0-9])",
        valid=iban,
        precise=False,
    ),
    _rule(
        "email",
        "email",
        "an email address",
        r"@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])",
        hints=("@",),
        precise=False,
        left=_LOCAL_PART,
        left_max=64,
    ),
    # Phone numbers: international (E.164, separators allowed), North American, and
    # national with a trunk 0; the validator counts the digits.
    _rule(
        "phone",
        "phone",
        "a phone number",
        rf"\+{_PHONE_START}[1-9](?:[ .()-]{{0,2}}[0-9]){{6,14}}{_PHONE_END}",
        valid=_phone,
        hints=("+",),
        precise=False,
    ),
    _rule(
        "phone",
        "phone",
        "a phone number",
        rf"[2-9]{_PHONE_START}[0-9]{{2}}[ .-][2-9][0-9]{{2}}[ .-][0-9]{{4}}{_PHONE_END}"
        rf"|\({_PHONE_START}[2-9][0-9]{{2}}\)[ .-]?[2-9][0-9]{{2}}[ .-][0-9]{{4}}{_PHONE_END}",
        valid=_phone,
        precise=False,
    ),
    _rule(
        "phone",
        "phone",
        "a phone number",
        rf"0{_PHONE_START}[1-9][0-9]{{0,4}}(?:[ /.-]?[0-9]{{2,4}}){{2,4}}{_PHONE_END}"
        rf"|\({_PHONE_START}0[1-9][0-9]{{0,4}}\)(?:[ /.-]?[0-9]{{2,4}}){{2,4}}{_PHONE_END}",
        valid=_phone,
        precise=False,
    ),
    _rule(
        "ip-address",
        "ip-address",
        "a public IP address",
        r"[0-9](?<![\w.].)[0-9]{0,2}(?:\.[0-9]{1,3}){3}(?![\w]|\.[0-9])",
        valid=_public_ip,
        hints=(".",),
        precise=False,
    ),
    _rule(
        "private-ip",
        "ip-address",
        "a private-range IP address",
        r"[0-9](?<![\w.].)[0-9]{0,2}(?:\.[0-9]{1,3}){3}(?![\w]|\.[0-9])",
        valid=_private_ip,
        hints=(".",),
        precise=False,
    ),
)

PLACEHOLDER_RULE = _rule(
    "placeholder",
    "placeholder",
    "an unfilled <<placeholder>>",
    r"<<[A-Za-z0-9][A-Za-z0-9 _./-]{0,78}?>>",
    hints=("<<",),
    precise=False,
)

BUILTIN_RULES: tuple[Rule, ...] = SECRET_RULES + PERSONAL_RULES
CONFIG_RULE_IDS = ("internal-host", "deny-term")
RULE_IDS: tuple[str, ...] = tuple(
    dict.fromkeys((*(r.id for r in BUILTIN_RULES), *CONFIG_RULE_IDS, PLACEHOLDER_RULE.id))
)

_HOST_GLOB = re.compile(r"^[A-Za-z0-9*?.-]{1,253}$")
_HOST_END = r"(?![A-Za-z0-9-]|\.[A-Za-z0-9])"


def host_rules(patterns: Sequence[str]) -> list[Rule]:
    """Rules for internal host names given as globs (`*.corp.example.com`, `db-?.lan`)."""
    rules = []
    for pattern in patterns:
        glob = pattern.lower()
        if glob.startswith("*.") and "*" not in glob[2:] and "?" not in glob[2:]:
            # Found from its fixed suffix, then extended over the labels before it.
            regex = "(?i:" + re.escape(glob[1:]) + ")" + _HOST_END
            rules.append(_host(regex, left=_HOST_CHARS, left_max=253))
            continue
        out = [{"*": "[a-z0-9-]{0,63}", "?": "[a-z0-9-]"}.get(c, re.escape(c)) for c in glob]
        if glob[0] in "*?":
            regex = r"(?i)(?<![a-z0-9.-])" + "".join(out)
        else:
            # A literal first character in both cases, so `re` skips to it quickly.
            first = re.escape(glob[0] + glob[0].upper())
            regex = f"[{first}](?<![A-Za-z0-9.-].)(?i:{''.join(out[1:])})"
        rules.append(_host(regex + _HOST_END))
    return rules


def _host(regex: str, **extra: object) -> Rule:
    return _rule("internal-host", "internal-host", "an internal host name", regex, **extra)  # type: ignore[arg-type]


def valid_host_pattern(pattern: str) -> bool:
    """A host glob is letters, digits, dots, dashes and `*`/`?` wildcards."""
    return bool(_HOST_GLOB.match(pattern)) and ".." not in pattern


def deny_rule(terms: Sequence[str]) -> Rule | None:
    """The rule for deny-listed terms (customer names): whole words, any case, and also
    spelled with `-` or `_` between words, as in anchors and file names."""
    if not terms:
        return None
    words = []
    for term in terms:
        spelled = r"[\s_-]{1,5}".join(re.escape(w) for w in term.split())
        words.append((term[0], spelled[len(re.escape(term[0])) :]))
    return _rule(
        "deny-term",
        "deny-term",
        "a deny-listed term",
        _words(words, "A-Za-z0-9") + "(?![A-Za-z0-9])",
    )


@dataclass(frozen=True)
class Detector:
    """The rules of one project: switched on or off, with exact values allowed per rule."""

    rules: tuple[Rule, ...]
    allow: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def configure(
        cls,
        *,
        disabled: Iterable[str] = (),
        allow: Mapping[str, Iterable[str]] | None = None,
        internal_hosts: Sequence[str] = (),
        deny_terms: Sequence[str] = (),
        placeholders: bool = False,
    ) -> Detector:
        off = set(disabled)
        extra = [*host_rules(internal_hosts), deny_rule(deny_terms)]
        if placeholders:
            extra.append(PLACEHOLDER_RULE)
        # Configured names first: a customer's name in an email is counted as the name.
        rules = [r for r in extra if r is not None] + list(BUILTIN_RULES)
        allowed = {k: frozenset(v) for k, v in (allow or {}).items()}
        return cls(tuple(r for r in rules if r.id not in off), allowed)

    def find(self, text: str, *, precise_only: bool = False) -> list[Match]:
        """Every sensitive value in `text`, without overlaps, in order."""
        lowered: str | None = None
        key_ends: list[int] | None = None
        key_reach = -1
        found: list[tuple[int, int, int, Match]] = []
        for priority, rule in enumerate(self.rules):
            if precise_only and not rule.precise:
                continue
            if rule.hints:
                if lowered is None:
                    lowered = text.lower()
                if not any(h in lowered for h in rule.hints):
                    continue
            allowed = self.allow.get(rule.id, frozenset())
            for m in rule.pattern.finditer(text):
                start, end = m.span(rule.group)
                if rule.left is not None:
                    start = _extend_left(text, start, rule.left, rule.left_max)
                    if start < 0:
                        continue
                if rule.id == "private-key":
                    if start < key_reach:
                        continue  # a header inside the previous key
                    if key_ends is None:
                        key_ends = _key_ends(text)
                    end = key_reach = _key_end(text, end, key_ends)
                value = text[start:end]
                if value in allowed or (rule.valid is not None and not rule.valid(value)):
                    continue
                found.append((start, start - end, priority, Match(rule, start, end, value)))
        found.sort(key=lambda item: item[:3])
        result: list[Match] = []
        reach = -1
        for start, _, _, match in found:
            if start >= reach:
                result.append(match)
                reach = match.end
        return result


def _extend_left(text: str, start: int, chars: frozenset[str], most: int) -> int:
    """The start of a value whose pattern matched at `start`; -1 if nothing or too much
    precedes it."""
    index = start
    while index > 0 and start - index < most and text[index - 1] in chars:
        index -= 1
    if index == start or (index > 0 and text[index - 1] in chars):
        return -1
    return index


def _key_ends(text: str) -> list[int]:
    return [m.start() for m in END_PRIVATE_KEY.finditer(text)]


_KEY_REACH = 20_000


def _key_end(text: str, header_end: int, ends: list[int]) -> int:
    """Where a private key that starts at a BEGIN header ends: its END line, else the first
    blank line, within a bounded reach so that many headers still scan in linear time."""
    at = bisect.bisect_left(ends, header_end)
    if at < len(ends) and ends[at] - header_end <= _KEY_REACH:
        found = END_PRIVATE_KEY.match(text, ends[at])
        if found is not None:
            return found.end()
    blank = text.find("\n\n", header_end, header_end + _KEY_REACH)
    return blank if blank >= 0 else min(len(text), header_end + _KEY_REACH)


# ---------------------------------------------------------------- text with entities

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


@dataclass(frozen=True)
class Decoded:
    """A text with its HTML character references decoded, mapped back to the original, so
    `&#64;` in a page or `&#95;` in a filled placeholder cannot hide a value."""

    text: str
    source: str
    _starts: tuple[int, ...] = ()
    _origins: tuple[int, ...] = ()

    @classmethod
    def of(cls, source: str) -> Decoded:
        if "&" not in source:
            return cls(source, source)
        parts: list[str] = []
        starts: list[int] = []
        origins: list[int] = []
        size = 0
        last = 0
        for m in _ENTITY.finditer(source):
            plain = source[last : m.start()]
            char = html.unescape(m.group())
            if char == m.group():
                continue
            parts.append(plain)
            size += len(plain)
            starts.append(size)
            origins.append(m.start())
            parts.append(char)
            size += len(char)
            starts.append(size)
            origins.append(m.end())
            last = m.end()
        parts.append(source[last:])
        return cls("".join(parts), source, tuple(starts), tuple(origins))

    def origin(self, index: int) -> int:
        """The position in `source` of position `index` of `text`."""
        if not self._starts:
            return index
        at = bisect.bisect_right(self._starts, index) - 1
        if at < 0:
            return index
        if at % 2 == 0 and index > self._starts[at]:
            # Inside a decoded reference: map to the reference's start.
            return self._origins[at]
        return self._origins[at] + (index - self._starts[at])


def redact(
    text: str, detector: Detector, note: Callable[[Match], str]
) -> tuple[str, list[tuple[Match, int, int]]]:
    """`text` with every match replaced by `note(match)`; also the matches with their spans
    in `text` (entities included)."""
    decoded = Decoded.of(text)
    matches = detector.find(decoded.text)
    if not matches:
        return text, []
    out: list[str] = []
    spans: list[tuple[Match, int, int]] = []
    last = 0
    for match in matches:
        start = decoded.origin(match.start)
        end = decoded.origin(match.end)
        if start < last:
            continue
        out.append(text[last:start])
        out.append(note(match))
        spans.append((match, start, end))
        last = end
    out.append(text[last:])
    return "".join(out), spans


def note_for(match: Match) -> str:
    """The visible mark left where a value was redacted (no markdown or URL syntax in it)."""
    return f"\u27e6redacted-{match.rule.kind}\u27e7"
