"""What must never reach the audit site: secrets, personal data and internal names, as rules.

Every pattern is linear: quantifiers are bounded and each pattern starts with a negative
look-behind (or a literal) so that a match is only tried where a token starts, never at
every character of a long run. A 1 MB single line scans in a fraction of a second.
One pass of a keyword automaton (Aho-Corasick) over the text finds the rules' hints: a rule
none of whose hints occurs is skipped, and a keyword rule is tried only where its word
occurs. The loose rules (numbers, addresses, names: no keyword to look for) are first
looked for all at once by a compiled pattern set (hyperscan); a loose rule it does not
report for a text is skipped. Validators (checksums, entropy, placeholders) run on
candidates only.
"""

from __future__ import annotations

import base64
import bisect
import datetime
import functools
import hashlib
import html
import ipaddress
import itertools
import math
import re
import string
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import ahocorasick
import hyperscan

if TYPE_CHECKING:
    from ..core.options.publish import Publish

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
    anchors: tuple[str, ...] = ()
    """Words (lower case) one of which every match starts with: the keyword automaton's
    hits are where the pattern is tried, instead of a search through the whole text."""
    within: re.Pattern[str] | None = None
    """What the document holding a value must also hold (a YAML document, between `---`
    lines, code fences or `<pre>` tags), for a value that only its document makes one."""


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

# What documentation writes where a value goes; none of it is a secret.
_STOPWORDS = (
    "example",
    "sample",
    "dummy",
    "placeholder",
    "changeme",
    "change-me",
    "change_me",
    "redacted",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "random",
    "notreal",
    "not-a-real",
    "not_a_real",
    "fake",
    "xxxx",
    "****",
    "<",
    ">",
    "${",
    "{{",
    "%(",
    "\u27e6",
)

# Keys printed in vendors' public documentation (AWS, Stripe, jwt.io, Slack).
PUBLISHED_SAMPLES = frozenset(
    {
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
        "pk_test_TYooMQauvdEDq54NiTphI7jx",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9l"
        "IiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        # Traefik's basic-auth examples, copied into many a Compose file; bcrypt's example
        # hash; the SHA-1 of `password` as htpasswd writes it; the signature of AWS's
        # presigned URL example.
        "$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/",
        "$apr1$d9hr9HBB$4HxwgUir3HP4EsggP/QNo0",
        "$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",
        "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
    }
)
_PREFIX_WORD = re.compile(r"[A-Za-z]{1,12}[_-]")


def _next_in_sequence(before: str, char: str) -> bool:
    """`char` follows `before` as digits (`1234567890`) or letters (`abcd`, `ABCD`) do."""
    if before.isdigit() and char.isdigit():
        return int(char) - int(before) in (1, -9)
    return (
        before.isascii()
        and before.isalpha()
        and ord(char) - ord(before) == 1
        and (before.islower() == char.islower())
    )


def _informative(body: str) -> int:
    """Letters and digits of `body` outside runs of one character (`xxxx`, `0000`) and
    runs of consecutive digits or letters (`1234567890`, `abcdef`), which documentation
    writes for a value."""
    marked = [False] * len(body)
    size = len(body)
    index = 0
    while index < size:
        end = index + 1
        while end < size and body[end] == body[index]:
            end += 1
        if end - index >= 4:
            marked[index:end] = [True] * (end - index)
        index = end
    index = 0
    while index < size:
        end = index + 1
        while end < size and _next_in_sequence(body[end - 1], body[end]):
            end += 1
        if end - index >= 4:
            marked[index:end] = [True] * (end - index)
        index = end
    return sum(1 for c, m in zip(body, marked, strict=True) if not m and c.isalnum())


def placeholder(value: str, *, prefixed: bool = True) -> bool:
    """A value written in place of a real one: a published sample, a stopword (`EXAMPLE`,
    `RANDOM`, `<...>`, `${...}`, `<<...>>`), or too few characters outside runs of `x`,
    `0` or consecutive digits once a token's prefix (`ghp_`, `xoxp-`) is set aside."""
    if value in PUBLISHED_SAMPLES:
        return True
    lowered = value.lower()
    if any(word in lowered for word in _STOPWORDS):
        return True
    body = value
    if prefixed:
        for _ in range(3):
            prefix = _PREFIX_WORD.match(body)
            if prefix is None:
                break
            body = body[prefix.end() :]
    return _informative(body) < 8


def _real_token(value: str) -> bool:
    return not placeholder(value)


def _real_webhook(value: str) -> bool:
    """A webhook URL whose path after the service's folder is not `T0000/B0000/XXXX...`."""
    path = value.split(".com/", 1)[-1].split("/", 1)[-1]
    lowered = path.lower()
    words = [w for w in _STOPWORDS if w not in ("xxxx", "****")]
    return not any(w in lowered for w in words) and _informative(path) >= 8


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


# A code reference (`process.env.API_TOKEN`, `settings.SECRET_KEY`, `getToken()`), a slug
# (`for_everyone_part_ii`) or a path: a name, not a value.
_REFERENCE = re.compile(
    r"[A-Za-z_$][A-Za-z0-9_$]*(?:(?:(?:\.|::|->)[A-Za-z_$][A-Za-z0-9_$]*)+(?:[(\[].*)?|[(\[].*)"
)
# A year's quarter or half (`tok_2026Q1_rotation`) is a date in a slug, not randomness.
_SLUG = re.compile(r"[a-z]+(?:[_./+-](?:[a-z0-9]+|[0-9]{4}[QH][1-4]))*|[A-Z]+(?:[_./+-][A-Z0-9]+)*")
_LOWER_RUN = re.compile(r"[a-z]{3,}")


_CALLEE = re.compile(r"[A-Za-z_$][A-Za-z0-9_$.=:<>+*/%&|!\[\]-]*")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*==?[A-Za-z_$'\"][A-Za-z0-9_.$'\"]*")


# A name made of words: words in lower or title case run together, each with a number
# after it or not (`MinLen12`), words in capitals (`OIDC`, `FIDO2`) and versions (`v2`),
# joined by `-`, `_` or `.` (`AssumeRole-EvidenceReader`, `ResetPassword_v2`). Strict, so
# that random text rarely reads as one: of random letters and digits, about 1 in 3,000
# strings of 16 characters and none of 100,000 of 24.
_NAME_PART = r"(?:[A-Z]?[a-z]{2,})+[0-9]{0,4}|[A-Z]{2,12}[0-9]{0,3}|v?[0-9]{1,4}"
_NAME = re.compile(rf"(?:{_NAME_PART})(?:[-_.](?:{_NAME_PART}))*")
_NAME_WORDS = re.compile(r"[A-Z]?[a-z]{2,}|[A-Z]{2,}")


def _name_like(value: str) -> bool:
    """A name of two words or more (`ValidateSignature2`, `GitHubActions-OIDC`)."""
    return _NAME.fullmatch(value) is not None and len(_NAME_WORDS.findall(value)) >= 2


# Where a secret is kept rather than the secret (`vault:secret/data/db#password`,
# `ssm:/prod/DB_PASSWORD`, `SecretsManager:prod/db:password`): a store's name and a colon,
# or not, and a path whose every part is a name, a word or a number.
_STORE_PATH = re.compile(
    r"(?:[A-Za-z][A-Za-z-]{1,30}:/{0,2})?[A-Za-z0-9_.-]+(?:[/#:][A-Za-z0-9_.-]+)+"
)
_PATH_PART = re.compile(rf"(?:{_NAME_PART})(?:[-_.](?:{_NAME_PART}))*|[0-9]{{1,12}}")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,40}")


def _store_path(value: str) -> bool:
    if "/" not in value and ":" not in value:
        return False  # `Autumn#2025` is no path
    return _STORE_PATH.fullmatch(value) is not None and all(
        _PATH_PART.fullmatch(part) for part in re.split(r"[/#:]+", value) if part
    )


def key_shaped(value: str) -> bool:
    """A value that could be a key: not a URL, path, slug, code reference, call or words."""
    if "://" in value or value.startswith(("/", "./", "../", "~/", "$", "%", "@", "#")):
        return False
    # Code: `key=file_sort_key)`, `token == TOKEN_RAW_END):`, `x = f(value`, `(?:...)`,
    # `{self.key!r}`, `default=None)`.
    if value.startswith(("(", "[", "{")):
        return False
    value = value.rstrip(")]};:,.")
    if "(" in value and _CALLEE.fullmatch(value.split("(", 1)[0]):
        return False
    if _ASSIGNMENT.fullmatch(value):
        return False
    if _SLUG.fullmatch(value) or _REFERENCE.fullmatch(value):
        return False
    if _store_path(value):
        return False
    name, equals, named = value.partition("=")
    if equals and _IDENTIFIER.fullmatch(name) and _SLUG.fullmatch(named):
        return False  # `secretKeyRef: name=db-credentials,key=password`
    if "ENC[" in value:
        return False  # encrypted by SOPS: `sops:ENC[AES256_GCM,data:...]`
    if value.isalpha():
        # Words in camel case (`getAccessTokenFromCache`, `ASAuthorizationAppleIDProvider`)
        # rather than random letters: runs of lower case cover most of them.
        words = sum(len(run) for run in _LOWER_RUN.findall(value))
        return len(value) >= 20 and entropy(value) >= 4.0 and words < 0.6 * len(value)
    return True


_CLASSES = (
    frozenset(string.ascii_lowercase),
    frozenset(string.ascii_uppercase),
    frozenset(string.digits),
)
_ALNUM = frozenset(string.ascii_letters + string.digits)


# A key's fingerprint (`SHA256:uNiVzt...` from ssh-keygen) names a public key, an ARN
# names a resource (a secret's too), a cache key of CI (`npm-Linux-<hash of the lock
# file>`) names a cache. None is a secret.
_FINGERPRINT = re.compile(r"(?:SHA(?:1|256|384|512)|MD5):|arn:aws[a-z-]{0,12}:")
_CACHE_KEY = re.compile(r"(?:[A-Za-z0-9.]+-){0,4}(?:Linux|Windows|macOS)-[A-Za-z0-9._-]{8,200}")


# An account's address (`X-Goog-Credential=svc%40acme.iam.gserviceaccount.com`) names who
# signs, not with what; the email rule judges it.
_ADDRESS = re.compile(r"[A-Za-z0-9._+-]{1,64}(?:@|%40)(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}")


def _high_entropy(value: str) -> bool:
    if _FINGERPRINT.match(value) or _CACHE_KEY.fullmatch(value) or _ADDRESS.fullmatch(value):
        return False
    if _name_like(value):
        return False
    chars = set(value)
    classes = sum(bool(chars & c) for c in _CLASSES) + bool(chars - _ALNUM)
    return (
        classes >= 2
        and entropy(value) >= 3.5
        and key_shaped(value)
        and not placeholder(value, prefixed=False)
    )


def _near_key(value: str) -> bool:
    """A key found near a product's name: key-shaped, varied and no placeholder."""
    return key_shaped(value) and entropy(value) >= 3.0 and not placeholder(value, prefixed=False)


# What documentation writes where a password goes.
_STAND_INS = frozenset(("password", "passwd", "pass", "pwd", "secret", "token", "***"))


def _real_password(value: str) -> bool:
    return (
        len(value) >= 3
        and value.lower() not in _STAND_INS
        and not value.startswith(("$", "%"))
        and _not_stopword(value)
    )


def _real_hash(value: str) -> bool:
    """A password hash, in Docker Compose's `$$` escaping too, that is no published sample
    or placeholder."""
    return _real_token(value.replace("$$", "$"))


def _credential_value(value: str) -> bool:
    """A credentials file's password (`.pgpass`, `.netrc`): a secret's entropy or a chosen
    password's kinds of character; not a word, a name (`PERSONAL_ACCESS_TOKEN`) or a
    placeholder."""
    return _high_entropy(value) or _chosen_password(value)


# How documentation spells a password it shows (`P@ssw0rd1!`, `Secret123`, `ChangeMe!`):
# the word once its look-alike characters are read back and the digits and marks after it
# are dropped.
_LOOK_ALIKES = str.maketrans("@$0351", "asoesi")
_CLICHES = frozenset(("password", "passwd", "passw", "pass", "pwd", "secret", "changeme"))
_TRAILING = re.compile(r"[0-9!?#.*_+=-]+$")


def _base64_text(value: str) -> str | None:
    """The printable text `value` is the base64 of, if it is."""
    if len(value) % 4 or not value.endswith("="):
        return None
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except ValueError:
        return None
    return decoded if decoded.isprintable() else None


def _chosen_password(value: str) -> bool:
    """A password someone chose, which a secret's entropy does not tell: eight characters
    or more of three kinds (lower case, upper case, digits, marks), one word (no path,
    reference or URL: no `/` or `:`), no placeholder and no cliché."""
    if len(value) < 8 or "/" in value or ":" in value:
        return False
    decoded = _base64_text(value)
    if decoded is not None:
        # A Secret manifest's `password: Y2hhbmdlbWU=`: what it encodes is the password.
        return _chosen_password(decoded)
    chars = set(value)
    classes = sum(bool(chars & c) for c in _CLASSES) + bool(chars - _ALNUM)
    word = _TRAILING.sub("", value).lower().translate(_LOOK_ALIKES)
    return (
        classes >= 3
        and word not in _CLICHES
        and key_shaped(value)
        and _real_password(value)
        and not placeholder(value, prefixed=False)
    )


def _not_aws_example(value: str) -> bool:
    return not value.endswith("EXAMPLE") and not placeholder(value)


def _base64_secret(value: str) -> bool:
    """A Kubernetes Secret's data value: base64 of something that is not a placeholder."""
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8", errors="replace")
    except ValueError:
        return False
    return len(decoded) >= 6 and not placeholder(decoded, prefixed=False)


def _basic_credentials(value: str) -> bool:
    """`Authorization: Basic` carries base64 of `user:password`."""
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except ValueError:
        return False
    _, colon, password = decoded.partition(":")
    return bool(colon) and _real_password(password) and not placeholder(decoded, prefixed=False)


def _user_password(value: str) -> bool:
    return _real_password(value.split(":", 1)[1]) and not placeholder(value, prefixed=False)


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


# Test cards printed in payment providers' documentation (Stripe, Braintree, Adyen,
# PayPal): no one's account; a sandbox rejects any other number.
_TEST_CARDS = frozenset(
    (
        *("4242424242424242", "4111111111111111", "4012888888881881", "4222222222222"),
        *("4000056655665556", "4000000000000002", "4000000000009995", "4000002500003155"),
        *("4000002760003184", "4000000000003220", "4000000000000077", "4000000000000341"),
        *("5555555555554444", "5105105105105100", "5200828282828210", "2223003122003222"),
        *("378282246310005", "371449635398431", "378734493671000", "6011111111111117"),
        *("6011000990139424", "30569309025904", "38520000023237", "3566002020360505"),
        *("3530111333300000", "6200000000000005", "36227206271667", "5500000000000004"),
    )
)


def _card(value: str) -> bool:
    digits = _digits(value)
    return (
        digits not in _TEST_CARDS
        and 13 <= len(digits) <= 19
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


# A day, month and year (either order) that a time follows reads as a trunk-0 number.
_DATE = re.compile(r"([0-9]{2})([/.-])([0-9]{2})\2((?:19|20)[0-9]{2})")


def _date(value: str) -> bool:
    written = _DATE.match(value)
    if written is None:
        return False
    first, _, second, year = written.groups()
    for day, month in ((first, second), (second, first)):
        try:
            datetime.date(int(year), int(month), int(day))
        except ValueError:
            continue
        return True
    return False


def _fictional(digits: str) -> bool:
    """A North American number of 555-0100 to 555-0199, which NANPA keeps for fiction."""
    national = digits[1:] if len(digits) == 11 and digits[0] == "1" else digits
    return len(national) == 10 and national[3:8] == "55501"


def _phone(value: str) -> bool:
    digits = _digits(value)
    if _fictional(digits):
        return False
    if value.startswith("+"):
        return 8 <= len(digits) <= 15
    return 9 <= len(digits) <= 12 and len(set(digits)) > 2 and not _date(value)


# Reserved for documentation (RFC 2606, RFC 6761): no person is reached there.
_RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
# Google Cloud's service accounts (`svc@project.iam.gserviceaccount.com`): a workload's
# identity, no one's mailbox.
_SERVICE_DOMAINS = ("gserviceaccount.com",)
_RESERVED_TLDS = ("example", "test", "invalid", "localhost")
_EXAMPLE_LOCAL_PARTS = frozenset(("example", "user", "someone", "username", "name", "you"))


# Default logins of Git hosts' SSH and of cloud images (`git@github.com:org/repo.git`,
# `ssh ec2-user@bastion...`): accounts on a host, not people's mailboxes. `admin` and
# `deploy` stay out: companies use them as real mailboxes.
_SYSTEM_ACCOUNTS = frozenset(
    ("git", "ec2-user", "ubuntu", "centos", "debian", "fedora", "root", "postgres", "azureuser")
)
# What follows `@` in names that are no addresses: systemd template units
# (`getty@tty1.service`) and image variants (`dashboard@2x.png`).
_NOT_TLDS = frozenset(
    (
        *("service", "socket", "target", "timer", "mount", "automount", "swap", "path"),
        *("slice", "scope", "device"),
        *("png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "bmp", "tif", "tiff", "pdf"),
    )
)


def _personal_email(value: str) -> bool:
    local, _, domain = value.lower().rpartition("@")
    tld = domain.rsplit(".", 1)[-1]
    if tld in _RESERVED_TLDS or tld in _NOT_TLDS or local in _SYSTEM_ACCOUNTS:
        return False
    if any(
        domain == d or domain.endswith("." + d) for d in (*_RESERVED_DOMAINS, *_SERVICE_DOMAINS)
    ):
        return False
    return local not in _EXAMPLE_LOCAL_PARTS and "example" not in local


# No host of anyone's: "this network", loopback, the documentation ranges of RFC 5737,
# link-local (every cloud's metadata address 169.254.169.254), and from 224 up multicast,
# reserved, broadcast and netmasks (`255.255.255.0`); and the public DNS resolvers every
# network runbook names (Google, Cloudflare, Quad9, OpenDNS).
_HARMLESS = ("0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/3", "192.0.2.0/24")
_RESOLVERS = ("8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "149.112.112.112")
_HARMLESS_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (*_HARMLESS, "198.51.100.0/24", "203.0.113.0/24", *_RESOLVERS, "208.67.220.0/22")
)
# IPv6: the documentation ranges (RFC 3849, RFC 9637) are no one's, nor are the same
# public resolvers' networks; unique local addresses (fc00::/7) are the private ranges'
# counterpart.
_RESOLVERS_V6 = ("2606:4700:4700::/48", "2001:4860:4860::/48", "2620:fe::/48", "2620:119::/32")
_HARMLESS_NETWORKS_V6 = tuple(
    ipaddress.ip_network(n) for n in ("2001:db8::/32", "3fff::/20", *_RESOLVERS_V6)
)
_PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address(value: str) -> Address | None:
    """The address `value` names, unless it is harmless or a network (`10.0.0.0`, and
    `122.0.0.0`, a browser's version)."""
    if ":" in value:
        return _address_v6(value)
    if value.endswith(".0.0.0"):
        return None
    try:
        address = ipaddress.IPv4Address(value)
    except ValueError:
        return None
    return None if any(address in n for n in _HARMLESS_NETWORKS) else address


def _address_v6(value: str) -> ipaddress.IPv6Address | None:
    try:
        address = ipaddress.IPv6Address(value)
    except ValueError:
        return None
    # A 6to4 address (2002::/16) is the IPv4 address it wraps.
    wrapped = address.sixtofour
    if wrapped is not None and any(wrapped in n for n in _HARMLESS_NETWORKS):
        return None
    return None if any(address in n for n in _HARMLESS_NETWORKS_V6) else address


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
    anchors: Iterable[str] = (),
    within: re.Pattern[str] | None = None,
) -> Rule:
    anchors = tuple(anchors)
    return Rule(
        id,
        kind,
        description,
        re.compile(pattern),
        group,
        valid,
        tuple(hints) + tuple(a for a in anchors if a not in hints),
        precise,
        left,
        left_max,
        anchors,
        within,
    )


def _secret(id: str, description: str, pattern: str, **options: Any) -> Rule:
    """A rule of the secret kind (see `_rule`)."""
    return _rule(id, "secret", description, pattern, **options)


# What may end right before a token in an encoded text: a percent escape (`?code%3Dghp_`
# in a query string), a JSON or log escape (`\nghp_`, `\u0026ghp_`). Its last character
# is a letter or digit, which a token-start look-behind alone would take for the token's.
_ESCAPES = (r"%[0-9A-Fa-f]{2}", r"\\[ntr]", r"\\u[0-9A-Fa-f]{4}")
_ESCAPE_END = re.compile(f"(?:{'|'.join(_ESCAPES)})$")


def _token_start(not_after: str, start: str) -> str:
    """A look-behind at a token's first characters (`start`, a regex of fixed width): no
    character of `not_after` (a class) before them, or an escape."""
    escaped = "".join(f"|(?<={escape}{start})" for escape in _ESCAPES)
    return f"(?:(?<!{not_after}{start}){escaped})"


# A token-start look-behind of a hand-written pattern: `(?<![class]start)`.
_START_LOOKBEHIND = re.compile(r"\(\?<!(\[[^\]]*\])((?:\\.|\[[^\]]*\]|[^\\()\[])+)\)")


def _escapable(pattern: str) -> str:
    """`pattern` with each token-start look-behind also accepting an escape before it."""
    return _START_LOOKBEHIND.sub(lambda m: _token_start(m[1], m[2]), pattern)


def _token(prefix: str, body: str, *, chars: str = "A-Za-z0-9_-") -> str:
    """A token that starts with a literal `prefix` where no token character precedes it
    and ends where none follows: `re` skips to the prefix, the look-behind checks once."""
    literal = re.escape(prefix)
    return f"{literal}{_token_start('[A-Za-z0-9_]', literal)}{body}(?![{chars}])"


# What else a value after a product's name may be named (`herokuapp.com request_id=`,
# `Datadog trace 4bf9...`, `Opsgenie alert <uuid>`, `deployed from commit <sha>`): an id of
# that thing, not the product's key.
_OTHER_NAMES = ("request", "trace", "span", "correlation", "alert", "incident", "commit", "event")


def _near(keyword: str, value: str, reach: int = 40) -> str:
    """A value within `reach` characters after a product's name (case-insensitive), which
    is what tells an otherwise plain hex string or UUID apart as that product's key.

    The characters between cross no line, tag or backslash: the gate reads a page's raw
    HTML and its search index as written, where `</li><li>` or `\\n` is what ends a list
    item, and a name in one item must not reach a value in the next. Nor do they hold
    another name of the value (`_OTHER_NAMES`). A value right after `/` is a URL's path."""
    gap = f"(?:(?!(?i:{'|'.join(_OTHER_NAMES)}))[^\n<\\\\]){{0,{reach}}}?"
    return f"(?i:{keyword}){gap}(?<![A-Za-z0-9_+/.-])({value})(?![A-Za-z0-9_+/-])"


_AZURE_CHARS = frozenset(string.ascii_letters + string.digits + "_~.-")
_HEX_CHARS = frozenset("0123456789abcdef")
# What a value found from its middle extends left over (a rule's `left`), by the name the
# tables give.
_LEFT_CHARS = {
    "alnum": _ALNUM,
    "hex": _HEX_CHARS,
    "azure": _AZURE_CHARS,
    "url": _HOST_CHARS | {":", "/"},
    "local-part": _LOCAL_PART,
}

# Names that hold a secret's word but name something public: a public key, a sort,
# cache or idempotency key, a checksum (Helm's `checksum/secret`); and, at their end, an
# identifier, a fingerprint or a hash (`kms_key_id`, `KeyId`, `signing_key_fingerprint`),
# checked once where the name ends.
_PUBLIC_PREFIXES = ("public", "sort", "idempotency", "cache", "checksum", "partition")
_ID_SUFFIXES = ("id", "ids", "arn")
_PUBLIC_SUFFIXES = ("name", "fingerprint", "checksum", "hash", "digest")
_NOT_AFTER_PREFIX = "".join(
    f"(?<!(?i:{word}).)(?<!(?i:{word})[_./-].)" for word in _PUBLIC_PREFIXES
)
_NOT_BEFORE_SUFFIX = (
    "(?![A-Za-z0-9_.-])"
    + "".join(
        f"(?<![_.-](?i:{word}))(?<![a-z]{word.capitalize()})(?<![a-z]{word.upper()})"
        for word in _ID_SUFFIXES
    )
    + "".join(f"(?<!(?i:{word}))" for word in _PUBLIC_SUFFIXES)
)
# An ARN's service or resource type (`arn:aws:secretsmanager:...:secret:prod/db-AbCdEf`):
# the word right after a `:` and right before the next one, no space after it (an empty
# region or account follows as `::`, and markdown takes a `*` in one for emphasis).
_NOT_ARN_PART = r"(?:(?<!:.)|(?![A-Za-z0-9_.-]{0,40}:\S))"
# What names a secret in an assignment: `password`, `DB_PASSWORD`, `clientSecret`,
# `X_TOKEN`, `apiKey`, `"key"`. `key` alone must start a word or a camel-case part.
# One character class first, so that `re` skips quickly to where a keyword can start.
# The words are looked for before the names around them, which only a keyword's start pays.
_KEYWORD_REST = (
    r"(?:(?<=[Pp])(?i:ass(?:word|wd|phrase)?|wd)|(?<=[Ss])(?i:ecret)"
    r"|(?<=[Tt])(?i:oken)|(?<=[Cc])(?i:redentials?)|(?<=[Aa])(?i:pi[_.-]?key)"
    r"|(?<=k)(?<![A-Za-z].)ey|(?<=K)(?:ey|EY))"
)
_KEYWORD = rf"[PpSsTtCcAaKk](?={_KEYWORD_REST}){_NOT_AFTER_PREFIX}{_NOT_ARN_PART}{_KEYWORD_REST}"
# How assignments are written: `=`, `:`, `:=`, `?=`, `+=`, `::=`, `=>`, `->` (not a
# diagram's `-->`: `TokenService-->Validate` is an arrow between two boxes), JSON and
# YAML `"name": `, call arguments `("NAME", `, XML elements `<apiToken>`, .NET
# `key="ApiToken" value=` and SQL's `PASSWORD '...'`; aligned in columns; then an
# optional opening quote. Markdown may close a code span or bold around the name and open
# one around the value (`` `api_token`: `...` ``, `**token**: `, `**Password:** `): the
# gate reads the page's text without them, so redaction must too.
_ASSIGN = (
    r"(?:(?:[\"'\]`]|\*\*|__)?[ \t]{0,3}(?:=>|(?<!-)->|::=|[:?+]?=|:|,)(?:\*\*|__)?[ \t]{0,16}"
    r"|[\"'][ \t]{1,3}value[ \t]{0,3}=[ \t]{0,3}"
    r"|[ \t]{1,3}(?=[\"'])"
    r"|>)"
    r"(?:[\"'`]|\*\*)?"
)
# A backslash ends a value: in JSON text `\n` and `\"` are escapes, not part of it. So
# does a pilcrow: the permalink a heading ends with (`key: value¶` in a page's text), and
# an `&` that starts a URL's next parameter (`?token=...&user=`, `&amp;user=` in HTML).
# Runs of value characters joined by such `&`s rather than a choice at each character,
# which `re` reads three times slower; the validators want eight characters or more.
_VALUE_RUN = r"[^\s\"'`<>,;|\\¶&]{1,200}"
_VALUE = rf"({_VALUE_RUN}(?:&(?!amp;|[A-Za-z0-9_.%-]{{1,64}}=){_VALUE_RUN}){{0,4}})"

# Tokens a vendor marks with a fixed prefix: a line with the id, the prefix, the body's
# pattern (no spaces), the characters a token may go on with ("-": letters, digits, _ and -)
# and the words that hint at it (lower case, comma-separated); what it is, indented below.
_PREFIXED_TOKENS = r"""
    anthropic-key  sk-ant-  (?:api|admin|oat)[0-9]{2}-[A-Za-z0-9_-]{80,120}  -  sk-ant-
        an Anthropic API key
    sentry-token  sntry  [su]_[A-Za-z0-9+/=_-]{40,600}  A-Za-z0-9_+/=-  sntrys_,sntryu_
        a Sentry auth token or DSN
    sendgrid-key  SG.  [A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}  A-Za-z0-9_.-  sg.
        a SendGrid API key
    npm-token  npm_  [A-Za-z0-9]{36}  -  npm_
        an npm access token
    pypi-token  pypi-  AgE[A-Za-z0-9_-]{50,1000}  -  pypi-age
        a PyPI API token
    heroku-key  HRKU-  [A-Za-z0-9_-]{20,100}  -  hrku-
        a Heroku API key
    cloudflare-token  v1.0-  [a-f0-9]{24}-[a-f0-9]{146}  A-Za-z0-9_.-  v1.0-
        a Cloudflare API token or key
    age-key  AGE-SECRET-KEY-1  [QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}  -  age-secret-key-1
        an age secret key
    shopify-token  shp  (?:at|ca|pa|ss)_[a-fA-F0-9]{32}  -  shpat_,shpca_,shppa_,shpss_
        a Shopify access token or shared secret
    digitalocean-token  do  [opr]_v1_[a-f0-9]{64}  -  _v1_
        a DigitalOcean token
    linear-key  lin_  (?:api|oauth)_[A-Za-z0-9]{40}  -  lin_api_,lin_oauth_
        a Linear API key
    postman-key  PMAK-  [a-f0-9]{24}-[a-f0-9]{34}  -  pmak-
        a Postman API key
    doppler-token  dp.  (?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}  A-Za-z0-9_.-  dp.
        a Doppler token
    huggingface-token  hf_  [A-Za-z0-9]{34}  -  hf_
        a Hugging Face token
    databricks-token  dapi  [a-f0-9]{32}(?:-[0-9])?  -  dapi
        a Databricks token
    dockerhub-token  dckr_  (?:pat|oat)_[A-Za-z0-9_-]{27,40}  -  dckr_
        a Docker Hub access token
    pulumi-token  pul-  [a-f0-9]{40}  -  pul-
        a Pulumi access token
    mailgun-key  key-  [a-f0-9]{32}  -  key-
        a Mailgun API key
"""


def _prefixed(table: str) -> tuple[Rule, ...]:
    """The rules of a table of prefixed tokens (see `_PREFIXED_TOKENS`)."""
    rules = []
    lines = table.strip("\n").splitlines()
    for head, description in zip(lines[::2], lines[1::2], strict=True):
        rule_id, prefix, body, chars, hints = head.split()
        pattern = _token(prefix, body) if chars == "-" else _token(prefix, body, chars=chars)
        rules.append(
            _rule(
                rule_id,
                "secret",
                description.strip(),
                pattern,
                valid=_real_token,
                hints=hints.split(","),
            )
        )
    return tuple(rules)


_PREFIXED = _prefixed(_PREFIXED_TOKENS)

# Tokens found by a fixed marker after their body: a line with the id, the pattern from the
# marker on (no spaces), the marker, and the body before it (so many letters and digits, or
# lower-case hex digits); what it is, indented below.
_SUFFIXED_TOKENS = r"""
    terraform-token  \.atlasv1\.[A-Za-z0-9_=-]{60,70}(?![A-Za-z0-9_=-])  .atlasv1.  14  alnum
        a Terraform Cloud token
    mailchimp-key  -us[0-9]{1,2}(?![A-Za-z0-9_-])  -us  32  hex
        a Mailchimp API key
"""


def _suffixed(table: str) -> tuple[Rule, ...]:
    """The rules of a table of tokens found by their marker (see `_SUFFIXED_TOKENS`): the
    value extends left over the body, whose length puts the marker at its place."""
    rules = []
    lines = table.strip("\n").splitlines()
    for head, description in zip(lines[::2], lines[1::2], strict=True):
        rule_id, pattern, marker, length, chars = head.split()
        rules.append(_marked(rule_id, description.strip(), pattern, marker, int(length), chars))
    return tuple(rules)


def _marked(
    rule_id: str, description: str, pattern: str, marker: str, length: int, chars: str
) -> Rule:
    def valid(value: str) -> bool:
        return value.index(marker[0]) == length and _real_token(value)

    body = _LEFT_CHARS[chars]
    return _secret(
        rule_id, description, pattern, valid=valid, hints=(marker,), left=body, left_max=length
    )


_SUFFIXED = _suffixed(_SUFFIXED_TOKENS)


def _azure_client_secret(value: str) -> bool:
    """An Entra ID client secret: three characters, a digit, `Q~`, 31 to 34 more."""
    return value[3].isdigit() and value[4:6] == "Q~" and _real_token(value)


def _newrelic_license(value: str) -> bool:
    """A New Relic license key: 36 hex digits and `NRAL`."""
    return len(value) == 40 and _real_token(value)


# The validators a table of rules names, by their function's name without the underscore.
_VALIDATORS: dict[str, Validator] = {
    valid.__name__.lstrip("_"): valid
    for valid in (
        *(_real_token, _real_webhook, _near_key, _not_aws_example, _base64_secret),
        *(_basic_credentials, _user_password, _azure_client_secret, _newrelic_license),
        *(_real_password, _real_hash, _credential_value),
        *(_card, iban, _personal_email, _phone, _public_ip, _private_ip),
    )
}
_OPTIONS = frozenset(("near", "anchored", "group", "left", "left_max", "kind", "within"))
# What a value's document must hold, by the name a table's `within=` option gives.
_DOCUMENTS = {
    "secret-manifest": re.compile(r"(?<![A-Za-z0-9_])kind:[ \t]{1,4}[\"']?Secret(?![A-Za-z0-9_])"),
}
# Where a document ends: a YAML separator, a code fence, a `<pre>` block of a page, a NUL
# (the gate joins the texts of a page, a code block one of them, with one).
_DOCUMENT_BREAK = re.compile(r"(?m)^[ \t]{0,12}(?:---|\.\.\.|```|~~~)|<pre[\s>]|</pre>|\x00")


def _rules(
    table: str, kind: str | None = None, *, precise: bool = True, **groups: tuple[Rule, ...]
) -> tuple[Rule, ...]:
    """The rules of a table (see `_SECRETS`), of `kind` (None: the kind their id names),
    with the rules of `groups` where the table names them."""
    records: list[list[str]] = []
    for line in table.strip("\n").splitlines():
        text = line.strip()
        if text.startswith("# "):
            continue
        if not line.startswith(" " * 5):
            records.append([text])
        elif len(records[-1]) == 1 and records[-1][0].endswith(","):
            records[-1][0] += text
        else:
            records[-1].append(text)
    rules: list[Rule] = []
    for head, *rest in records:
        if head.startswith("*"):
            rules.extend(groups[head[1:]])
            continue
        rule_id, valid, hints, *flags = re.split(r" {2,}", head)
        options = {name: value for name, _, value in (flag.partition("=") for flag in flags)}
        if not _OPTIONS.issuperset(options):
            raise ValueError(f"{rule_id}: unknown options {sorted(set(options) - _OPTIONS)}")
        words = () if hints == "-" else tuple(hints.split(","))
        pattern = "".join(rest[1:])
        group = int(options.get("group", "0"))
        if "near" in options:
            keyword, value = re.split(r" {2,}", pattern)
            pattern, group = _near(keyword, value), 1
        elif kind == "secret":
            pattern = _escapable(pattern)
        rules.append(
            _rule(
                rule_id,
                options.get("kind", kind or rule_id),
                rest[0],
                pattern,
                group=group,
                valid=None if valid == "-" else _VALIDATORS[valid],
                hints=words,
                precise=precise,
                left=_LEFT_CHARS[options["left"]] if "left" in options else None,
                left_max=int(options.get("left_max", "0")),
                anchors=words if "anchored" in options else (),
                within=_DOCUMENTS[options["within"]] if "within" in options else None,
            )
        )
    return tuple(rules)


# The secrets found by patterns of their own, in the order they are tried: of two matches
# with the same span, the first rule's stands. A record: a line with the id, the validator
# (a name in `_VALIDATORS`; "-": none), the hints (lower case, comma-separated; "-": none)
# and options, two or more spaces apart (a head that ends with a comma goes on on the next
# line); what it is, indented below; then the pattern, on as many lines as it takes, joined
# without their indents. Options: `group=N`, `left=NAME` (in `_LEFT_CHARS`), `left_max=N`
# and `kind=KIND` set the `Rule` fields, `within=NAME` its `within` (in `_DOCUMENTS`);
# `anchored`: the hints are also the anchors; `near`: the pattern is a product's name and
# its key's value, two spaces apart (see `_near`). A line `*name` stands for a group of
# rules declared elsewhere; `# ` starts a comment line.
_SECRETS = r"""
    aws-access-key  not_aws_example  akia,asia,abia,acca,a3t
        an AWS access key id
        A(?<![A-Za-z0-9].)(?:KIA|SIA|BIA|CCA|3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])
    github-token  real_token  ghp_,gho_,ghu_,ghs_,ghr_,github_pat_
        a GitHub token
        g(?<![A-Za-z0-9_].)(?:h[pousr]_[A-Za-z0-9]{36,251}|ithub_pat_[A-Za-z0-9_]{22,251})
        (?![A-Za-z0-9_])
    gitlab-token  real_token  glpat-,gldt-,glrt-,glptt-,gloas-,glcbt-,glimt-,glft-,glagent-,
                              glffct-,glsoat-,gr1348941
        a GitLab token
        gl(?<![A-Za-z0-9_-]gl)(?:pat|dt|rt|ptt|oas|cbt|imt|ft|agent|ffct|soat)-
        [A-Za-z0-9_-]{20,64}(?:\.[A-Za-z0-9_-]{2,40}){0,2}(?![A-Za-z0-9_-])
        |GR1348941(?<![A-Za-z0-9_-]GR1348941)[A-Za-z0-9_-]{20,64}(?![A-Za-z0-9_-])
    slack-token  real_token  xox,xapp-
        a Slack token
        xox(?<![A-Za-z0-9]xox)(?:[abposre]|e\.xox[bp])-[A-Za-z0-9-]{10,250}(?![A-Za-z0-9-])
        |xapp-(?<![A-Za-z0-9]xapp-)[0-9]-[A-Za-z0-9-]{20,250}(?![A-Za-z0-9-])
    # With or without the scheme: incident notes paste `hooks.slack.com/...` bare.
    slack-webhook  real_webhook  hooks.slack.com
        a Slack webhook URL
        h(?<![A-Za-z0-9.-].)(?:ttps?://hooks|ooks)\.slack\.com/(?:services|workflows|triggers)/
        [A-Za-z0-9_/-]{16,200}
    teams-webhook  -  webhook.office.com  left=url  left_max=80
        a Microsoft Teams webhook URL
        \.webhook\.office\.com/webhookb2/[A-Za-z0-9@/_-]{16,400}
    discord-webhook  real_webhook  /api/webhooks/
        a Discord webhook URL
        https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/[0-9]{5,30}/
        [A-Za-z0-9_-]{20,100}
    # The base64 of a numeric user id, a 6-character timestamp, an HMAC.
    discord-token  real_token  discord,bot
        a Discord bot token
        [MNO](?<![A-Za-z0-9_.-].)[A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}
        (?![A-Za-z0-9_.-])
    grafana-token  real_token  glsa_,glc_,eyjrijoi
        a Grafana token
        glsa_(?<![A-Za-z0-9_]glsa_)[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}(?![A-Za-z0-9_-])
        |glc_(?<![A-Za-z0-9_]glc_)[A-Za-z0-9+/]{32,400}={0,2}(?![A-Za-z0-9_+/=-])
        |eyJrIjoi(?<![A-Za-z0-9_]eyJrIjoi)[A-Za-z0-9+/]{30,400}={0,2}(?![A-Za-z0-9_+/=-])
    jwt  real_token  eyj
        a JSON web token
        eyJ(?<![A-Za-z0-9_-]eyJ)[A-Za-z0-9_-]{5,2000}\.eyJ[A-Za-z0-9_-]{5,4000}\.
        [A-Za-z0-9_-]{0,2000}(?![A-Za-z0-9_-])
    google-api-key  real_token  aiza,gocspx-
        a Google API key or OAuth client secret
        AIza(?<![A-Za-z0-9_-]AIza)[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])
        |GOCSPX\-(?<![A-Za-z0-9_]GOCSPX\-)[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])
    stripe-key  real_token  k_live_,k_test_,whsec_
        a Stripe secret, restricted or webhook key
        [sr](?<![A-Za-z0-9].)k_(?:live|test)_[0-9A-Za-z]{16,247}(?![A-Za-z0-9])
        |whsec_(?<![A-Za-z0-9_]whsec_)[A-Za-z0-9+/=]{32,100}(?![A-Za-z0-9_+/=])
    openai-key  real_token  sk-proj-,sk-svcacct-,sk-admin-,t3blbkfj
        an OpenAI API key
        sk\-(?<![A-Za-z0-9_]sk\-)(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,300}
        |[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})(?![A-Za-z0-9_-])
    *prefixed
    sentry-token  real_token  -
        a Sentry auth token or DSN
        http(?<![A-Za-z0-9.-]http)s?://[0-9a-f]{32}(?::[0-9a-f]{32})?@[A-Za-z0-9.-]{1,100}
        (?::[0-9]{1,5})?/[0-9]{1,12}(?![A-Za-z0-9])
    twilio-key  real_token  -
        a Twilio API key, account SID or auth token
        AC(?<![A-Za-z0-9]AC)[0-9a-f]{32}(?![A-Za-z0-9])
    twilio-key  real_token  -
        a Twilio API key, account SID or auth token
        SK(?<![A-Za-z0-9]SK)[0-9a-f]{32}(?![A-Za-z0-9])
    twilio-key  near_key  twilio  near  anchored
        a Twilio API key, account SID or auth token
        twilio  [a-f0-9]{32}
    azure-secret  real_token  accountkey,sharedaccesskey  group=1
        an Azure storage, service bus or client secret
        (?i:AccountKey|SharedAccessKey)[ \t]{0,2}=[ \t]{0,2}
        ([A-Za-z0-9+/]{86}==|[A-Za-z0-9+/]{43}=)(?![A-Za-z0-9+/=])
    # An Entra ID client secret, found from its `Q~`.
    azure-secret  azure_client_secret  q~  left=azure  left_max=4
        an Azure storage, service bus or client secret
        Q~(?<=[0-9]Q~)[A-Za-z0-9_~.-]{30,33}[A-Za-z0-9_~-](?![A-Za-z0-9_~-])
    # A shared access signature's `sig=` in a storage URL: last in its query, `sv=` (a
    # date) always before it.
    azure-secret  real_token  windows.net  group=1
        an Azure storage, service bus or client secret
        sv=(?<![A-Za-z0-9_]sv=)[0-9]{4}-[0-9]{2}-[0-9]{2}[^\s\"'<>`]{0,1000}?[?&;]sig=
        ([A-Za-z0-9%+/=]{20,200})(?![A-Za-z0-9%+/=])
    # A presigned S3 or Cloud Storage URL: its signature (and a temporary credential's
    # session token) opens the object to anyone until it expires.
    signed-url  real_token  x-amz-signature,x-goog-signature  group=1
        the signature or session token of a presigned storage URL
        [Xx]-(?<![A-Za-z0-9_-].-)(?i:amz|goog)-(?i:signature)=([0-9a-fA-F]{64,1024})
        (?![A-Za-z0-9])
    signed-url  real_token  x-amz-security-token  group=1
        the signature or session token of a presigned storage URL
        [Xx]-(?<![A-Za-z0-9_-].-)(?i:amz-security-token)=([A-Za-z0-9%+/=_-]{40,4000})
        (?![A-Za-z0-9%+/=_-])
    heroku-key  near_key  heroku  near  anchored
        a Heroku API key
        heroku  [0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}
    vault-token  real_token  hvs.,hvb.,hvr.
        a HashiCorp Vault token
        hv[sbr]\.(?<![A-Za-z0-9_.-]hv[sbr]\.)[A-Za-z0-9_-]{24,500}(?![A-Za-z0-9_-])
    vault-token  real_token  vault  near  anchored
        a HashiCorp Vault token
        vault  s\.[A-Za-z0-9]{24}
    newrelic-key  real_token  nrak-,nrii-,nriq-,nrra-,nrjs-
        a New Relic key
        NR(?<![A-Za-z0-9_-]NR)(?:AK|II|IQ|RA|JS)-[A-Za-z0-9]{19,32}(?![A-Za-z0-9_-])
    # A license key, found from its `NRAL`.
    newrelic-key  newrelic_license  nral  left=hex  left_max=36
        a New Relic key
        NRAL(?<=[0-9a-f]NRAL)(?![A-Za-z0-9])
    atlassian-token  real_token  atatt3,atctt3
        an Atlassian API token
        ATATT3(?<![A-Za-z0-9_]ATATT3)[A-Za-z0-9_=-]{100,300}(?![A-Za-z0-9_=-])
        |ATCTT3(?<![A-Za-z0-9_]ATCTT3)[A-Za-z0-9_=-]{100,300}(?![A-Za-z0-9_=-])
    okta-token  near_key  okta  near  anchored
        an Okta API token
        okta  00[A-Za-z0-9_-]{40}
    cloudflare-token  near_key  cloudflare,cf_api_,cf_token  near  anchored
        a Cloudflare API token or key
        cloudflare|cf_api_token|cf_api_key|cf_token  [A-Za-z0-9_-]{40}|[a-f0-9]{37}
    datadog-key  near_key  datadog,dd_api,dd_app,dd-api,dd-app,ddapi,ddapp  near  anchored
        a Datadog API or application key
        datadog|dd[_-]?(?:api|app(?:lication)?)[_-]?key  [a-f0-9]{40}|[a-f0-9]{32}
    pagerduty-key  near_key  pagerduty  near  anchored
        a PagerDuty key
        pagerduty  [a-f0-9]{32}|[A-Za-z0-9_+-]{20}
    opsgenie-key  real_token  opsgenie  near  anchored
        an Opsgenie key
        opsgenie  [0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}
    # In a YAML document holding `kind: Secret`, a base64 value under its keys: a page
    # that mentions a Secret may show a kubeconfig or a ConfigMap in another.
    kubernetes-secret  base64_secret  kind: secret  group=1  within=secret-manifest
        a value of a Kubernetes Secret
        (?m)^[ \t]{1,12}[A-Za-z0-9_.-]{1,100}:[ \t]{1,4}[\"']?([A-Za-z0-9+/]{12,4000}={0,2})
        [\"']?[ \t]*$
    notion-token  real_token  secret_,ntn_
        a Notion integration token
        secret_(?<![A-Za-z0-9_]secret_)[A-Za-z0-9]{43}(?![A-Za-z0-9_-])
        |ntn_(?<![A-Za-z0-9_]ntn_)[0-9]{11}[A-Za-z0-9]{35}(?![A-Za-z0-9_-])
    *suffixed
    # A password hash as crypt(3), htpasswd and /etc/shadow write it (bcrypt, MD5 and
    # Apache's APR1, SHA-256 and SHA-512, yescrypt, Argon2), Django's PBKDF2, LDAP's
    # `{SSHA}`: cracked offline once published. Docker Compose doubles each `$`.
    password-hash  real_hash  $2a$,$2b$,$2x$,$2y$,$1$,$apr1$,$5$,$6$,$y$,$gy$,$argon2
        a password hash
        \$(?<![A-Za-z0-9_$./\\]\$)\$?(?:2[abxy]?\$\$?[0-9]{2}\$\$?[./A-Za-z0-9]{53}
        |(?:1|apr1)\$\$?[./A-Za-z0-9]{1,8}\$\$?[./A-Za-z0-9]{22}
        |5\$\$?(?:rounds=[0-9]{1,9}\$\$?)?[./A-Za-z0-9]{1,16}\$\$?[./A-Za-z0-9]{43}
        |6\$\$?(?:rounds=[0-9]{1,9}\$\$?)?[./A-Za-z0-9]{1,16}\$\$?[./A-Za-z0-9]{86}
        |g?y\$\$?[./A-Za-z0-9]{1,20}\$\$?[./A-Za-z0-9]{1,86}\$\$?[./A-Za-z0-9]{43}
        |argon2(?:id|i|d)\$\$?v=[0-9]{1,3}\$\$?m=[0-9]{1,10},t=[0-9]{1,10},p=[0-9]{1,3}\$\$?
        [A-Za-z0-9+/]{11,64}\$\$?[A-Za-z0-9+/]{16,128})(?![./A-Za-z0-9$+])
    # Django's other hashers put their name before the hash (`argon2$argon2id$...`,
    # `bcrypt_sha256$$2b$...`); phpass (WordPress) writes `$P$`, Postgres `md5` + 32 hex
    # and SCRAM-SHA-256, MySQL `*` + 40 hex.
    password-hash  real_hash  argon2$,bcrypt$,bcrypt_sha256$
        a password hash
        (?:a(?<![A-Za-z0-9_]a)rgon2\$argon2(?:id|i|d)\$v=[0-9]{1,3}\$m=[0-9]{1,10},t=[0-9]{1,10},
        p=[0-9]{1,3}\$[A-Za-z0-9+/]{11,64}\$[A-Za-z0-9+/]{16,128}
        |b(?<![A-Za-z0-9_]b)crypt(?:_sha256)?\$\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53})
        (?![./A-Za-z0-9$+])
    password-hash  real_hash  $p$,$h$
        a password hash
        \$(?<![A-Za-z0-9_$./\\]\$)[PH]\$[./A-Za-z0-9]{31}(?![./A-Za-z0-9$])
    password-hash  real_hash  md5
        a password hash
        md5(?<![A-Za-z0-9_]md5)[0-9a-f]{32}(?![A-Za-z0-9])
    password-hash  real_hash  scram-sha-256$
        a password hash
        SCRAM-SHA-256\$(?<![A-Za-z0-9_-]SCRAM-SHA-256\$)[0-9]{1,7}:[A-Za-z0-9+/]{16,64}={0,2}\$
        [A-Za-z0-9+/]{40,64}={0,2}:[A-Za-z0-9+/]{40,64}={0,2}(?![A-Za-z0-9+/=])
    password-hash  real_hash  *
        a password hash
        \*(?<![A-Za-z0-9_*]\*)[0-9A-F]{40}(?![A-Za-z0-9])
    password-hash  real_hash  pbkdf2_sha
        a password hash
        pbkdf2_sha(?<![A-Za-z0-9_]pbkdf2_sha)(?:1|256|512)\$[0-9]{4,7}\$[A-Za-z0-9./+]{6,64}\$
        [A-Za-z0-9+/]{32,128}={0,2}(?![A-Za-z0-9+/=])
    # LDAP and htpasswd schemes in capitals, a digest's length of base64: `{SHA}` 20
    # bytes, `{SSHA}` 20 and a salt, `{SSHA256}`, `{SSHA512}` and unsalted `{SHA256}`.
    password-hash  real_hash  {sha,{ssha
        a password hash
        \{(?<![A-Za-z0-9_]\{)(?:SHA\}[A-Za-z0-9+/]{27}=|SSHA\}[A-Za-z0-9+/]{32,120}={0,2}
        |S?SHA(?:256|512)\}[A-Za-z0-9+/]{43,160}={0,2})(?![A-Za-z0-9+/=])
    # A password given on a command line. mysql takes it attached (`-pSECRET`; `-p NAME`
    # prompts for it and opens database NAME), docker, sshpass and redis-cli after a space.
    cli-password  real_password  mysql,mariadb  anchored  group=1
        a password on a command line
        (?i:mysql|mariadb)[^\n<\\]{0,200}?(?<![A-Za-z0-9_-])(?:-p|--password=)[\"']?
        ([^\s\"'`<>\\;|&]{4,128})
    cli-password  real_password  docker  anchored  group=1
        a password on a command line
        (?i:docker)[ \t]{1,3}login[^\n<\\]{0,200}?(?<![A-Za-z0-9_-])(?:-p|--password)
        (?:[ \t]{1,3}|=)[\"']?([^\s\"'`<>\\;|&]{4,128})
    cli-password  real_password  sshpass  anchored  group=1
        a password on a command line
        (?i:sshpass)[^\n<\\]{0,100}?(?<![A-Za-z0-9_-])-p[ \t]{0,3}[\"']?
        ([^\s\"'`<>\\;|&]{4,128})
    # openssl's `-passin pass:SECRET` (its `env:` and `file:` forms name where it is).
    cli-password  real_password  pass:  group=1
        a password on a command line
        -(?<![A-Za-z0-9_-]-)pass(?:in|out)?[ \t]{1,3}[\"']?pass:([^\s\"'`<>\\;|&]{4,128})
    cli-password  real_password  redis-cli  anchored  group=1
        a password on a command line
        (?i:redis-cli)[^\n<\\]{0,200}?(?<![A-Za-z0-9_-])(?:-a|--pass)[ \t]{1,3}[\"']?
        ([^\s\"'`<>\\;|&]{4,128})
    url-credentials  user_password  -  group=1
        credentials in a URL
        ://(?<=[A-Za-z0-9]://)([^\s/?#@:\"'<>]{1,128}:[^\s/?#@\"'<>]{1,256})@(?=[A-Za-z0-9\[])
    http-credentials  near_key  authorization  anchored  group=1
        credentials in an Authorization header or a curl -u flag
        (?i:authorization)[\"']?[ \t]{0,3}[:=][ \t]{0,3}[\"']?(?i:bearer|token)[ \t]{1,3}
        ([A-Za-z0-9._~+/=-]{16,4000})
    http-credentials  basic_credentials  authorization  anchored  group=1
        credentials in an Authorization header or a curl -u flag
        (?i:authorization)[\"']?[ \t]{0,3}[:=][ \t]{0,3}[\"']?(?i:basic)[ \t]{1,3}
        ([A-Za-z0-9+/]{8,1000}={0,2})
    http-credentials  user_password  curl  anchored  group=1
        credentials in an Authorization header or a curl -u flag
        curl[^\n]{0,200}?(?<![A-Za-z0-9-])(?:-u|--user)(?:[ \t]{1,3}|=)[\"']?
        ([^\s\"'`:]{1,128}:[^\s\"'`]{1,256})
"""

_KEYWORD_HINTS = ("pass", "pwd", "secret", "token", "key", "credential")


def _after_keyword(pattern: str, anchors: tuple[str, ...]) -> Rule:
    """A high-entropy value after a secret keyword (`_KEYWORD`), in group 1 of `pattern`."""
    return _secret(
        "generic-secret",
        "a high-entropy value after a secret keyword",
        pattern,
        group=1,
        valid=_high_entropy,
        hints=_KEYWORD_HINTS,
        anchors=anchors,
        precise=False,
    )


# A name that ends in a password's word (`password`, `adminPassword`, `pwd`), which starts
# the name or a part of it (`bypass` and `compass` name no password); `pass` only as the
# last part of a longer name (`DB_PASS`, `ansible_ssh_pass`, `smtpPass`: `PASS:` heads a
# test's result), and not of a count or an order (`second_pass`, `two_pass`). Not
# followed by a bare comma: `a password, WebAuthn or SSO` is prose.
_NOT_A_PASSWORD_PASS = "".join(
    f"(?<!{word}_pass)"
    for word in ("one", "two", "three", "first", "second", "third", "multi", "single", "double")
)
_PASSWORD_NAME = (
    r"(?:[Pp](?<![a-z]p)(?i:ass(?:word|wd|phrase)|wd)|PASS(?<=[A-Z0-9]_PASS)|Pass(?<=[a-z]Pass)"
    rf"|pass(?<=[a-z0-9]_pass){_NOT_A_PASSWORD_PASS})"
    r"(?![ \t]*,)"
)

SECRET_RULES: tuple[Rule, ...] = (
    _secret("private-key", "a private key", BEGIN_PRIVATE_KEY.pattern, hints=("private key",)),
    *_rules(_SECRETS, "secret", prefixed=_PREFIXED, suffixed=_SUFFIXED),
    _after_keyword(
        rf"{_KEYWORD}[A-Za-z0-9_.-]{{0,30}}{_NOT_BEFORE_SUFFIX}{_ASSIGN}{_VALUE}",
        ("pass", "pwd", "secret", "token", "credential", "api", "key"),
    ),
    # A command-line flag: `--api-token VALUE`.
    _after_keyword(
        rf"-(?<![A-Za-z0-9-]-)-(?:[A-Za-z0-9]{{1,20}}-){{0,4}}{_KEYWORD}(?:-[A-Za-z0-9]{{1,20}}){{0,3}}"
        rf"[ \t]{{1,3}}[\"']?{_VALUE}",
        ("--",),
    ),
    # A line of a `.pgpass` file (host:port:database:user:password; a port or `*`) in a
    # text that names the file (`~/.pgpass`, `PGPASSFILE`): with no word to look for, the
    # line's shape alone doubled the pattern set's time over every text. And an entry of
    # a `.netrc` file (machine, login, password, on one line or several).
    _secret(
        "password-file",
        "a password in a line of a .pgpass or .netrc file",
        r"[A-Za-z0-9*](?<![^\s\x00].)[A-Za-z0-9.*_-]{0,252}:(?:[0-9]{1,5}|\*):[^:\s]{1,63}:"
        r"[^:\s]{1,63}:([^\s:]{6,128})(?=[ \t]*(?:\r?\n|\x00|$|#))",
        group=1,
        valid=_credential_value,
        hints=("pgpass",),
        precise=False,
    ),
    _secret(
        "password-file",
        "a password in a line of a .pgpass or .netrc file",
        r"machine\s{1,12}\S{1,253}\s{1,12}login\s{1,12}\S{1,128}\s{1,12}password\s{1,12}(\S{4,128})",
        group=1,
        valid=_credential_value,
        hints=("machine",),
        anchors=("machine",),
        precise=False,
    ),
    # After generic-secret: a value both find is reported as that.
    _secret(
        "password",
        "a password after a password's name",
        r"(?<![A-Za-z0-9_-])(?:requirepass|masterauth)[ \t]{1,8}[\"']?([^\s\"']{8,128})",
        group=1,
        valid=_credential_value,
        hints=("requirepass", "masterauth"),
        anchors=("requirepass", "masterauth"),
        precise=False,
    ),
    _secret(
        "password",
        "a password after a password's name",
        rf"{_PASSWORD_NAME}{_ASSIGN}{_VALUE}",
        group=1,
        valid=_chosen_password,
        hints=("pass", "pwd"),
        anchors=("pass", "pwd"),
        precise=False,
    ),
)

# Personal data, in the same table form as `_SECRETS`. A card number stands alone: digits
# inside a longer token (a hex digest, an id) are not one, however their Luhn sum falls.
# Phone numbers: international (E.164, separators allowed), North American, and national
# with a trunk 0, in one pattern per written form (a pattern that is an alternation at its
# top has no first character for `re` to skip to); the validator counts the digits.
_PERSONAL = r"""
    card-number  card  -
        a payment card number
        [0-9](?<![0-9A-Za-z_.-].)(?:[ -]?[0-9]){12,18}(?![0-9A-Za-z_])
    iban  iban  -
        an IBAN
        [A-Z](?<![A-Za-z0-9].)[A-Z][0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?
        (?![A-Za-z0-9])
    email  personal_email  @  left=local-part  left_max=64
        an email address
        @(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])
    # After a label's colon too (`tel:+44...` in a link, `Mobile:+44...`); groups apart by
    # up to three spaces (no-break, narrow and thin ones too) or by a line break where
    # markdown wraps.
    phone  phone  +
        a phone number
        \+(?<![\w+./-].)(?<!(?<![A-Za-z]):.)[1-9]
        (?:(?:[ .()\u00a0\u2007\u2009\u202f-]{0,3}|[ \t]{0,2}\n[ \t]{0,8})[0-9]){6,14}
        (?![\w-]|\.[0-9])
    # Spaces alone do not make a North American number: `250 500 1000 ms` is not one.
    phone  phone  -
        a phone number
        [2-9](?<![\w+.:/-].)[0-9]{2}(?:[.-][2-9][0-9]{2}[ .-]|[ ][2-9][0-9]{2}[.-])[0-9]{4}
        (?![\w-]|\.[0-9])
    phone  phone  (
        a phone number
        \((?<![\w+.:/-].)[2-9][0-9]{2}\)[ .-]?[2-9][0-9]{2}[ .-][0-9]{4}(?![\w-]|\.[0-9])
    phone  phone  -
        a phone number
        0(?<![\w+.:/-].)[1-9][0-9]{0,4}(?:[ /.-]?[0-9]{2,4}){2,4}(?![\w-]|\.[0-9])
    phone  phone  (
        a phone number
        \((?<![\w+.:/-].)0[1-9][0-9]{0,4}\)(?:[ /.-]?[0-9]{2,4}){2,4}(?![\w-]|\.[0-9])
    ip-address  public_ip  .
        a public IP address
        {ipv4}
    private-ip  private_ip  .  kind=ip-address
        a private-range IP address
        {ipv4}
    ip-address  public_ip  :
        a public IP address
        {ipv6}
    private-ip  private_ip  :  kind=ip-address
        a private-range IP address
        {ipv6}
"""
# A four-part number, but none that is no host: a version after a `/` that is not `//`
# (`Chrome/122.0.0.0`) or after `version`, `release` or `firmware`; a control,
# requirement or section id after its catalogue or its name (`PCI DSS 10.2.1.2`,
# `CIS 1.1.1.1`, `PCI:10.2.1.2` in the controls matrix, `section 4.2.1.3`, `OID 1.3.6.1`).
_IPV4 = "".join(
    (
        r"[0-9](?<![\w.].)(?<![^/]/.)",
        r"(?<!(?:DSS|PCI|CIS)[ :].)(?<!NIST[ :].)(?<!SOC2:.)(?<!PCIDSS:.)(?<!ISO27001:.)",
        r"(?<!(?i:control|version) .)(?<!(?i:version): .)(?<!(?i:benchmark) .)",
        r"(?<!(?i:requirement) .)(?<!(?i:requirements) .)(?<!(?i:section) .)",
        r"(?<!(?i:clause) .)(?<!(?i:firmware) .)(?<!(?i:release) .)(?<!OID .)",
        r"(?<!§ .)(?<!§.)",
        r"[0-9]{0,2}(?:\.[0-9]{1,3}){3}(?![\w]|\.[0-9])",
    )
)
# An IPv6 address that can name someone's host: global unicast (2000::/3, whose first group
# is always four digits, 2000 to 3fff) or unique local (fc00::/7, `fcxx` or `fdxx`); at
# least three groups. Link-local and multicast addresses, and a network written with its
# trailing `::` (`2600:1f18::/32`), are no host. The validator parses what is matched.
_IPV6 = "".join(
    (
        r"[23Ff](?<![\w:.-].)(?:(?<=[23])[0-9A-Fa-f]{3}|(?<=[Ff])[CDcd][0-9A-Fa-f]{2})",
        r"(?:::?[0-9A-Fa-f]{1,4}){2,7}(?![\w:]|\.[0-9])",
    )
)
PERSONAL_RULES: tuple[Rule, ...] = _rules(
    _PERSONAL.replace("{ipv4}", _IPV4).replace("{ipv6}", _IPV6), precise=False
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
KINDS = (
    *("secret", "email", "phone", "ip-address", "card-number", "iban", "internal-host"),
    *("deny-term", "placeholder"),
)
RULE_IDS: tuple[str, ...] = tuple(
    dict.fromkeys((*(r.id for r in BUILTIN_RULES), *CONFIG_RULE_IDS, PLACEHOLDER_RULE.id))
)

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


# The characters outside ASCII whose lower case is ASCII (the Kelvin sign is `k`) or more
# than one character (a dotted capital I): a text with one is read by `Hints.where`.
_FOLDS_TO_ASCII = ("\u212a", "\u0130")


class Hints:
    """Where the keyword rules' words occur in a text, found in one pass of a keyword
    automaton (Aho-Corasick): a keyword rule is tried only there."""

    def __init__(self, words: Iterable[str]) -> None:
        self.automaton: Any = None
        words = sorted(set(words))
        if words:
            self.automaton = ahocorasick.Automaton()
            for word in words:
                self.automaton.add_word(word, word)
            self.automaton.make_automaton()

    def where(self, text: str) -> tuple[dict[str, list[int]], bool]:
        """Where each word occurs in `text`; and whether those are offsets in `text` (lower
        case lengthens a few characters, such as `İ`, and never shortens one)."""
        lowered = text.lower()
        found: dict[str, list[int]] = {}
        if self.automaton is not None:
            for end, word in self.automaton.iter(lowered):
                found.setdefault(word, []).append(end - len(word) + 1)
        return found, len(lowered) == len(text)


# A pattern that starts with a character (or a literal) and then looks behind it to check
# that no token character precedes: `X(?<![...].)` or `AC(?<![...]AC)`.
_LEADING_LOOKBEHIND = re.compile(
    r"(?P<lead>\\.|\[[^\]]*\]|[^\\(\[?*+{|.^$])(?P<rest>[^\\(\[?*+{|.^$]*)"
    r"\(\?<!(?P<cls>\[[^\]]*\])(?P<tail>[^()]*)\)"
)
# `re` reads a pattern in Unicode, hyperscan (no UTF-8 mode: a text may hold lone
# surrogates) in bytes. To `re`, `\s` is also U+00A0, U+202F and the ideographic space,
# `\w` and `\d` are any script's letters and digits, and in any case `k` is also the Kelvin
# sign, `s` the long s and `i` the dotted and dotless I; one character may be four bytes.
_TOKEN = re.compile(
    r"\[\^?\]?(?:\\.|[^\]\\])*\]"
    r"|\\u[0-9a-fA-F]{4}|\\.|\((?:\?(?:[aiLmsux-]*[:)]|<?[=!]|P<\w+>))?|.",
    re.DOTALL,
)
_REPEAT = re.compile(r"(?:\{(?P<least>[0-9]+)(?:,[0-9]*)?\}|(?P<op>[?*+]))(?P<lazy>\??)")
_UNICODE_ESCAPE = re.compile(r"\\u[0-9a-fA-F]{4}")
_ESCAPE = re.compile(r"\\.")
_FOLDED = frozenset("iksIKS")
# Any byte of a character outside ASCII; and the separators `re` counts as `\s` and
# hyperscan does not.
_HIGH = r"\x80-\xff"
_SPACES = r"\x1c-\x1f"


def _as_bytes(atom: str, caseless: bool) -> tuple[str, bool]:
    """One atom of a pattern as hyperscan reads bytes (matching at least what `re` matches),
    and whether it may need several bytes where `re` takes one character."""
    if atom.startswith("[^"):
        return _UNICODE_ESCAPE.sub("", atom), True
    if atom.startswith("["):
        body = atom[1:-1]
        plain = "".join(c for c in _UNICODE_ESCAPE.sub("", body) if c.isascii())
        letters = _ESCAPE.sub("", body)
        folded = caseless and (
            any(c in _FOLDED for c in letters) or re.search("[A-Za-z]-[A-Za-z]", letters)
        )
        if plain == body and not folded and not re.search(r"\\[swdSWD]", body):
            return atom, False
        spaces = _SPACES if r"\s" in body else ""
        return f"[{_HIGH}{spaces}{plain}]", True
    if atom in (".", r"\S", r"\W", r"\D"):
        return atom, True
    if atom in (r"\s", r"\w", r"\d"):
        spaces = _SPACES if atom == r"\s" else ""
        return f"[{_HIGH}{spaces}{atom}]", True
    if _UNICODE_ESCAPE.fullmatch(atom) or not atom.isascii():
        return f"[{_HIGH}]", True
    if caseless and atom in _FOLDED:
        return f"[{_HIGH}{atom}]", True
    return atom, False


def _in_bytes(pattern: str) -> str:
    """`pattern` as hyperscan reads bytes: every atom that `re` reads in Unicode widened to
    the bytes it may take, its repeat left open."""
    out: list[str] = []
    outer: list[bool] = []  # whether the enclosing groups are case-blind
    caseless = False
    pos = 0
    while pos < len(pattern):
        token = _TOKEN.match(pattern, pos)
        assert token is not None  # its last branch matches any character
        atom = token.group()
        pos = token.end()
        if atom.startswith("(") or atom == ")":
            if atom == ")":
                caseless = outer.pop() if outer else False
            else:
                flags = atom[2:-1] if atom[:2] == "(?" and atom[-1] in ":)" else ""
                on, _, off = flags.partition("-")
                if not atom.endswith(")"):
                    outer.append(caseless)
                caseless = ("i" in on or caseless) and "i" not in off
            out.append(atom)
            continue
        written, wide = _as_bytes(atom, caseless)
        repeat = _REPEAT.match(pattern, pos)
        if wide and repeat is not None:
            pos = repeat.end()
            least, op = repeat.group("least", "op")
            written += f"{{{least},}}" if least is not None else "*" if op in "?*" else "+"
            written += repeat.group("lazy")
        elif wide:
            written += "+"
        out.append(written)
    return "".join(out)


def prefilter_form(pattern: str) -> str:
    """A rule's pattern as the prefilter reads it: one that matches at least wherever the
    rule's does, in UTF-8 bytes.

    Hyperscan's prefilter mode drops look-arounds, and a dropped leading look-behind lets a
    number match inside every date; it is written as what it means (`(?:^|[^...])X`).
    An atom `re` reads in Unicode (a negated class, `.`, `\\s`, `\\w`, a non-ASCII
    character, a letter read in any case) may take several bytes here: it is widened to
    them and its repeat left open. Other look-arounds are left to the prefilter mode,
    which widens.
    """
    leading = _LEADING_LOOKBEHIND.match(pattern)
    if leading is not None:
        lead, rest, cls, tail = leading.group("lead", "rest", "cls", "tail")
        if (tail == "." and not rest) or tail == lead + rest:
            negated = "[" + cls[2:] if cls.startswith("[^") else "[^" + cls[1:]
            pattern = f"(?:^|{negated}){lead}{rest}{pattern[leading.end() :]}"
    return _in_bytes(pattern)


def loose(rule: Rule) -> bool:
    """A rule with no keyword to look for: no hint, or only single characters."""
    return all(len(hint) == 1 for hint in rule.hints)


_FLAGS = hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY


def _adopted(key: str) -> Any:
    """The pattern set compiled from `key`'s expressions that another process handed over
    (`adopt`); None if none was, or it does not load here (another hyperscan's)."""
    serialized = _ADOPTED.get(key)
    if serialized is None:
        return None
    try:
        return hyperscan.loadb(serialized, hyperscan.HS_MODE_BLOCK)
    except hyperscan.error:
        return None


class Candidates:
    """Which rules may match a text, from one pass of a compiled pattern set (hyperscan)
    over its UTF-8 bytes: the keyword rules' words, and the loose rules' own patterns in
    prefilter mode, which never reports fewer texts than the pattern matches. A rule it
    does not name is not searched at all.

    Words are read with ASCII case folding: the few Unicode case pairs `re` also folds
    (long s, Kelvin sign) are not letters of a keyword here. Loose patterns are read as
    `re` reads them, Unicode spaces and case folding included (`prefilter_form`).
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = rules
        self.words = sorted({h for rule in rules if not loose(rule) for h in rule.hints})
        self.named_by: dict[int, list[int]] = {}
        """The rules a reported id names, where it names other rules than its own: a
        keyword's, or a pattern that several rules share (public and private addresses),
        compiled once."""
        self.by_char: dict[str, list[int]] = {}
        self.always: list[int] = []
        expressions: list[bytes] = []
        ids: list[int] = []
        flags: list[int] = []
        compiled: dict[tuple[bytes, int], int] = {}
        for index, rule in enumerate(rules):
            if loose(rule):
                expression = prefilter_form(rule.pattern.pattern).encode("utf-8")
                mode = _FLAGS | hyperscan.HS_FLAG_PREFILTER
                if rule.pattern.flags & re.IGNORECASE:
                    mode |= hyperscan.HS_FLAG_CASELESS
                first = compiled.setdefault((expression, mode), index)
                if first != index:
                    self.named_by.setdefault(first, [first]).append(index)
                    continue
                expressions.append(expression)
                ids.append(index)
                flags.append(mode)
                continue
            for hint in rule.hints:
                if len(hint) == 1:
                    self.by_char.setdefault(hint, []).append(index)
                else:
                    word_id = len(rules) + self.words.index(hint)
                    self.named_by.setdefault(word_id, []).append(index)
        for position, word in enumerate(self.words):
            expressions.append(re.escape(word).encode("utf-8"))
            ids.append(len(rules) + position)
            flags.append(_FLAGS | hyperscan.HS_FLAG_CASELESS)
        self.database: Any = None
        self.scratch: Any = None
        # What the set is compiled from, which a set compiled elsewhere must match.
        self.key = hashlib.sha256(repr((expressions, ids, flags)).encode()).hexdigest()
        if not expressions:
            return
        try:
            database = _adopted(self.key)
            if database is None:
                database = hyperscan.Database()
                database.compile(expressions=expressions, ids=ids, elements=len(ids), flags=flags)
        except hyperscan.error:
            # A pattern hyperscan cannot read (a project's host glob, say): every rule is
            # searched, as if each were named.
            self.always = list(range(len(rules)))
            return
        self.database = database
        self.scratch = hyperscan.Scratch(database)

    @functools.cached_property
    def hints(self) -> Hints:
        return Hints(self.words)

    @functools.cached_property
    def _anchor_words(self) -> tuple[Any, Any, list[str]]:
        words = sorted({a for rule in self.rules for a in rule.anchors})
        database = hyperscan.Database()
        database.compile(
            expressions=[re.escape(word).encode("utf-8") for word in words],
            ids=list(range(len(words))),
            elements=len(words),
            flags=[hyperscan.HS_FLAG_CASELESS] * len(words),
        )
        return database, hyperscan.Scratch(database), words

    def where(self, text: str) -> tuple[dict[str, list[int]], bool]:
        """Where each keyword occurs in `text`, as `Hints.where` finds them: in a text with
        no character that lower case makes ASCII or longer (`_FOLDS_TO_ASCII`), a keyword
        there is one in its UTF-8 bytes with ASCII case folding, found by the pattern set
        several times faster than by the automaton over the text in lower case."""
        if self.database is None or any(c in text for c in _FOLDS_TO_ASCII):
            return self.hints.where(text)
        database, scratch, words = self._anchor_words
        found: dict[str, list[int]] = {}
        starts: list[tuple[int, str]] = []

        def report(id: int, start: int, end: int, flags: int, context: Any) -> None:
            word = words[id]
            starts.append((end - len(word), word))

        data = text.encode("utf-8", "surrogatepass")
        database.scan(data, match_event_handler=report, scratch=scratch)
        if len(data) == len(text):
            for at, word in starts:
                found.setdefault(word, []).append(at)
            return found, True
        # Byte offsets to offsets in the text: a keyword starts on an ASCII character, so
        # the bytes between two starts are whole characters, decoded once each.
        byte = offset = 0
        for at, word in sorted(starts):
            offset += len(data[byte:at].decode("utf-8", "surrogatepass"))
            byte = at
            found.setdefault(word, []).append(offset)
        return found, True

    def of(self, text: str) -> list[int]:
        """The rules (by index, in order) that may match `text`."""
        if self.database is None:
            return self.always
        named: set[int] = set()
        named_by = self.named_by

        def report(id: int, start: int, end: int, flags: int, context: Any) -> None:
            named.update(named_by.get(id, (id,)))

        data = text.encode("utf-8", "surrogatepass")
        self.database.scan(data, match_event_handler=report, scratch=self.scratch)
        if self.by_char:
            lowered = text.lower()
            for char, indices in self.by_char.items():
                if char in lowered:
                    named.update(indices)
        return sorted(named)


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

    @functools.cached_property
    def _candidates(self) -> Candidates:
        return Candidates(self.rules)

    def compile(self) -> None:
        """Compile the rules' pattern set now rather than at the first `find` (a tenth of a
        second for the built-in rules)."""
        _ = self._candidates

    def compiled(self) -> dict[str, bytes]:
        """The rules' pattern set, serialized, for `adopt` in another process, if this one
        has compiled it; none if not yet (compiling it here would cost the caller what it
        saves the other)."""
        candidates = self.__dict__.get("_candidates")  # cached_property's slot, once compiled
        if candidates is None or candidates.database is None:
            return {}
        return {candidates.key: hyperscan.dumpb(candidates.database)}

    def find(self, text: str, *, precise_only: bool = False) -> list[Match]:
        """Every sensitive value in `text`, without overlaps, in order; also those that
        show once a link's percent escapes are decoded (`jane.doe%40...`, `ghp%5F...`) or
        invisible characters dropped (a zero-width space inside a token), at their span as
        written."""
        found = self._find_as_written(text, precise_only)
        unescaped = Decoded.as_copied(text)
        if unescaped is None:
            return found
        taken = [(m.start, m.end) for m in found]
        for match in self._find_as_written(unescaped.text, precise_only):
            start, end = unescaped.origin(match.start), unescaped.origin(match.end)
            at = bisect.bisect_left(taken, (start, end))
            if (at > 0 and taken[at - 1][1] > start) or (at < len(taken) and taken[at][0] < end):
                continue  # found as written, or a part of what was
            taken.insert(at, (start, end))
            found.append(replace(match, start=start, end=end))
        return sorted(found, key=lambda m: m.start)

    def _find_as_written(self, text: str, precise_only: bool) -> list[Match]:
        candidates = self._candidates
        named = candidates.of(text)
        if not named:
            return []
        where: dict[str, list[int]] | None = None
        aligned = False
        key_ends: list[int] | None = None
        key_reach = -1
        documents: list[int] | None = None
        holds: dict[tuple[re.Pattern[str], int], bool] = {}
        found: list[tuple[int, int, int, Match]] = []
        verdicts: dict[tuple[int, str], bool] = {}
        searched: dict[re.Pattern[str], list[re.Match[str]]] = {}
        for priority in named:
            rule = self.rules[priority]
            if precise_only and not rule.precise:
                continue
            allowed = self.allow.get(rule.id, frozenset())
            # Rules that share a pattern (public and private addresses) search once.
            shared = searched.get(rule.pattern)
            if shared is None:
                if rule.anchors and where is None:
                    where, aligned = candidates.where(text)
                if rule.anchors and aligned and where is not None:
                    shared = _anchored(rule, text, where)
                else:
                    shared = list(_search(rule, text))
                searched[rule.pattern] = shared
            for m in shared:
                start, end = m.span(rule.group)
                if rule.left is not None:
                    start = _extend_left(
                        text, start, rule.left, rule.left_max, escaped=rule.kind == "secret"
                    )
                    if rule.left is _LOCAL_PART and start > 0:
                        start = _past_escape(text, start, m.start(rule.group))
                    if start < 0:
                        continue
                if rule.within is not None:
                    if documents is None:
                        documents = _documents(text)
                    at = bisect.bisect_right(documents, start) - 1
                    held = holds.get((rule.within, at))
                    if held is None:
                        found_in = rule.within.search(text, documents[at], documents[at + 1])
                        held = holds[rule.within, at] = found_in is not None
                    if not held:
                        continue
                if rule.id == "private-key":
                    if start < key_reach:
                        continue  # a header inside the previous key
                    if key_ends is None:
                        key_ends = _key_ends(text)
                    end = key_reach = _key_end(text, end, key_ends)
                value = text[start:end]
                if value in allowed:
                    continue
                if rule.valid is not None:
                    # A text that repeats a value (a keyword run) validates it once.
                    verdict = verdicts.get((priority, value))
                    if verdict is None:
                        verdict = verdicts[priority, value] = rule.valid(value)
                    if not verdict:
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


@functools.lru_cache(maxsize=16)
def detector_for(publish: Publish) -> Detector:
    """The detectors of one `publish` option, built once (they compile the config's rules)."""
    return Detector.configure(
        disabled=publish.disabled,
        allow=dict(publish.allow),
        internal_hosts=publish.internal_hosts,
        deny_terms=publish.deny_terms,
    )


@dataclass(frozen=True)
class Detectors:
    """The project's rules, and the unfilled-placeholder rule for prose outside code."""

    all: Detector
    placeholders: Detector

    @classmethod
    def of(cls, publish: Publish) -> Detectors:
        rules = () if PLACEHOLDER_RULE.id in publish.disabled else (PLACEHOLDER_RULE,)
        return cls(detector_for(publish), Detector(rules, dict(publish.allow)))

    def compiled(self) -> dict[str, bytes]:
        """The pattern sets this process has compiled for these rules (`Detector.compiled`)."""
        return self.all.compiled() | self.placeholders.compiled()


def adopt(sets: Mapping[str, bytes]) -> None:
    """Take pattern sets another process of this run compiled (`Detectors.compiled`): a
    helper process loads one in a tenth of a millisecond rather than compile it, which is
    most of its start."""
    _ADOPTED.update(sets)


_ADOPTED: dict[str, bytes] = {}


def _anchored(rule: Rule, text: str, present: Mapping[str, list[int]]) -> list[re.Match[str]]:
    """The matches of a rule that start at one of its anchor words, tried only there."""
    starts = sorted({at for word in rule.anchors for at in present.get(word, ())})
    match = rule.pattern.match
    return [m for m in map(match, itertools.repeat(text), starts) if m is not None]


def _search(rule: Rule, text: str) -> Iterator[re.Match[str]]:
    """The matches of a rule's pattern. Where the value is a group (after a keyword), the
    search goes on from the value's start, not the match's end: in `key="ApiToken"
    value="..."` the first keyword's match must not swallow the second keyword."""
    if not rule.group:
        yield from rule.pattern.finditer(text)
        return
    pos = 0
    size = len(text)
    while pos < size:
        m = rule.pattern.search(text, pos)
        if m is None:
            return
        yield m
        pos = max(m.start(rule.group), m.start() + 1)


def _extend_left(
    text: str, start: int, chars: frozenset[str], most: int, *, escaped: bool = False
) -> int:
    """The start of a value whose pattern matched at `start`; -1 if nothing or too much
    precedes it (`escaped`: unless what precedes is an escape, see `_ESCAPES`)."""
    index = start
    while index > 0 and start - index < most and text[index - 1] in chars:
        index -= 1
    if index == start:
        return -1
    joined = index > 0 and text[index - 1] in chars
    if joined and (not escaped or _ESCAPE_END.search(text, max(0, index - 6), index) is None):
        return -1
    return index


def _documents(text: str) -> list[int]:
    """Where the documents of `text` start, and its end (see `_DOCUMENT_BREAK`)."""
    return [0, *(m.start() for m in _DOCUMENT_BREAK.finditer(text)), len(text)]


_JSON_ESCAPE = re.compile(r"u[0-9a-fA-F]{4}|[bfnrt]")


def _past_escape(text: str, start: int, at: int) -> int:
    """Where a local part that starts right after a backslash begins once the JSON escape
    there (`\\u27e7`, `\\n`) is set aside: JSON read as written holds `\\u27e7@host` where
    a redaction mark ended before a host; -1 if nothing is left before the `@` at `at`."""
    if text[start - 1] != "\\":
        return start
    escape = _JSON_ESCAPE.match(text, start, at)
    if escape is None:
        return start
    return escape.end() if escape.end() < at else -1


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
# The escapes of letters, digits and `@ . _ - + ~ / : =` (what tokens, addresses, hosts
# and assignments are spelled with), and, between two such characters, the characters a
# reader does not see or copy into a value: soft hyphen, zero-width space and joiners,
# word joiner, byte order mark. Only between them: a script or an image read a byte to a
# character holds `\xad` in many a UTF-8 letter, and hides nothing there.
_UNSEEN = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_VALUE_CHAR = "[A-Za-z0-9_.@+/=:~-]"
_HIDING = re.compile(
    r"%(?:3[0-9AaDd]|4[0-9A-Fa-f]|5[0-9AaFf]|6[1-9A-Fa-f]|7[0-9AaEe]|2[BbDdEeFf])"
    f"|(?<={_VALUE_CHAR})[{_UNSEEN}](?={_VALUE_CHAR})"
)


def _shown(hiding: str) -> str:
    return chr(int(hiding[1:], 16)) if hiding.startswith("%") else ""


@dataclass(frozen=True)
class Decoded:
    """A text with what hides a value decoded, mapped back to the original: its HTML
    character references (`of`), so that `&#64;` in a page or `&#95;` in a filled
    placeholder hides nothing, or its percent escapes and invisible characters
    (`as_copied`)."""

    text: str
    source: str
    _starts: tuple[int, ...] = ()
    _origins: tuple[int, ...] = ()

    @classmethod
    def of(cls, source: str) -> Decoded:
        if "&" not in source:
            return cls(source, source)
        return cls._decoded(source, _ENTITY, html.unescape)

    @classmethod
    def as_copied(cls, source: str) -> Decoded | None:
        """`source` as a reader copies a value out of it: the percent escapes of the
        characters values are made of decoded (`%40` is `@`, `%5F` is `_`), as a browser
        or a mail client decodes a link, and invisible characters dropped; None when it has
        neither. A space (`%20`) or a separator (`%26`) stays as written, where it keeps
        values apart."""
        # Ten times quicker than searching for `_HIDING` in a text that has none.
        if "%" not in source and (source.isascii() or not any(map(source.__contains__, _UNSEEN))):
            return None
        if _HIDING.search(source) is None:
            return None
        return cls._decoded(source, _HIDING, _shown)

    @classmethod
    def _decoded(
        cls, source: str, references: re.Pattern[str], decode: Callable[[str], str]
    ) -> Decoded:
        parts: list[str] = []
        starts: list[int] = []
        origins: list[int] = []
        size = 0
        last = 0
        for m in references.finditer(source):
            plain = source[last : m.start()]
            char = decode(m.group())
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


# Redacting can join what a value's neighbour kept apart (`glpat-...-github_pat_...`: once
# the GitHub token is a mark, the GitLab token ends where it did not before); a few passes
# always reach a text where nothing more is found.
_PASSES = 8


def redact(
    text: str, detector: Detector, note: Callable[[Match], str]
) -> tuple[str, list[tuple[Match, int, int]]]:
    """`text` with every match replaced by `note(match)`; also the matches with their spans
    in `text` (entities included). Stable: scanning the result finds nothing."""
    decoded = Decoded.of(text)
    matches = stable_matches(decoded.text, detector, note)
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


def stable_matches(text: str, detector: Detector, note: Callable[[Match], str]) -> list[Match]:
    """The matches of `text`, widened until replacing them by their notes leaves a text in
    which the detector finds nothing more."""
    matches = detector.find(text)
    for _ in range(_PASSES):
        if not matches:
            return matches
        replaced, regions = _replace(text, matches, note)
        again = detector.find(replaced)
        if not again:
            return matches
        spans = [(m.start, m.end, m.rule) for m in matches]
        spans += [(*_back(regions, m.start, m.end), m.rule) for m in again]
        matches = _merge(text, spans)
    if not matches:
        return matches
    # Still unsettled after many passes (not seen in practice): everything found is one
    # value, from the first match to the last.
    first, last = matches[0], matches[-1]
    return [Match(first.rule, first.start, last.end, text[first.start : last.end])]


def _replace(
    text: str, matches: Sequence[Match], note: Callable[[Match], str]
) -> tuple[str, list[tuple[int, int, int, int]]]:
    """`text` with the matches replaced; each replacement as (start, end) in the result and
    (start, end) in `text`."""
    out: list[str] = []
    regions = []
    last = 0
    size = 0
    for match in matches:
        out.append(text[last : match.start])
        size += match.start - last
        mark = note(match)
        out.append(mark)
        regions.append((size, size + len(mark), match.start, match.end))
        size += len(mark)
        last = match.end
    out.append(text[last:])
    return "".join(out), regions


def _back(regions: Sequence[tuple[int, int, int, int]], start: int, end: int) -> tuple[int, int]:
    """A span of the replaced text as a span of the original, widened over every
    replacement it touches."""
    starts = [region[0] for region in regions]

    def at(position: int, is_end: bool) -> int:
        index = bisect.bisect_right(starts, position - 1 if is_end else position) - 1
        if index < 0:
            return position
        _, new_end, old_start, old_end = regions[index]
        if position < new_end or (is_end and position == new_end):
            return old_end if is_end else old_start
        return old_end + (position - new_end)

    return at(start, False), at(end, True)


def _merge(text: str, spans: list[tuple[int, int, Rule]]) -> list[Match]:
    """Overlapping spans as one match each (the first span's rule names it)."""
    spans.sort(key=lambda s: (s[0], -s[1]))
    merged: list[list[Any]] = []
    for start, end, rule in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, rule])
    return [Match(rule, start, end, text[start:end]) for start, end, rule in merged]


def note_for(match: Match) -> str:
    """The visible mark left where a value was redacted (no markdown or URL syntax in it)."""
    return f"\u27e6redacted-{match.rule.kind}\u27e7"
