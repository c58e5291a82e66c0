"""Reads for members and crisis help.

`crisis_help_for_member` is the one place that decides which helplines a person sees; the help
page, the API and automatic signposting all use it."""

from dataclasses import dataclass, field

from community.countries import COUNTRIES, COUNTRY_CODES
from community.models import CrisisResource, Member, ProfileText

# Too many numbers overwhelm a person in distress: show a few, well chosen.
RESOURCES_SHOWN = 3
_COUNTRY_NAMES = dict(COUNTRIES)


@dataclass(frozen=True)
class CrisisHelp:
    country_code: str
    country_name: str
    emergency: list[CrisisResource] = field(default_factory=list)
    resources: list[CrisisResource] = field(default_factory=list)
    international: list[CrisisResource] = field(default_factory=list)

    @property
    def has_local_services(self) -> bool:
        return bool(self.emergency or self.resources)


def country_code_or_blank(value: str | None) -> str:
    code = (value or "").strip().upper()
    return code if code in COUNTRY_CODES else ""


def country_from_accept_language(header: str) -> str:
    """The first region named in an Accept-Language header ("en-GB,en;q=0.8" gives GB)."""
    for part in (header or "").split(","):
        tag = part.split(";")[0].strip().replace("_", "-")
        pieces = tag.split("-")
        for piece in pieces[1:]:
            code = country_code_or_blank(piece) if len(piece) == 2 else ""
            if code:
                return code
    return ""


def help_country_for(
    *, member: Member | None, requested: str | None = None, accept_language: str = ""
) -> str:
    """Which country to show help for: an explicit choice, then the member's own setting,
    then the browser's language region. Blank when none is known."""
    return (
        country_code_or_blank(requested)
        or (country_code_or_blank(member.country) if member is not None else "")
        or country_from_accept_language(accept_language)
    )


def crisis_help_for_country(country_code: str) -> CrisisHelp:
    code = country_code_or_blank(country_code)
    rows = list(
        CrisisResource.objects.filter(
            is_active=True, country_code__in=[code, CrisisResource.INTERNATIONAL]
        ).order_by("order", "service_name")
    )
    local = [row for row in rows if row.country_code == code] if code else []
    return CrisisHelp(
        country_code=code,
        country_name=str(_COUNTRY_NAMES.get(code, "")),
        emergency=[r for r in local if r.kind == CrisisResource.Kind.EMERGENCY],
        resources=[r for r in local if r.kind != CrisisResource.Kind.EMERGENCY][:RESOURCES_SHOWN],
        international=[r for r in rows if r.country_code == CrisisResource.INTERNATIONAL],
    )


def crisis_help_for_member(
    member: Member | None, *, requested: str | None = None, accept_language: str = ""
) -> CrisisHelp:
    """The crisis help to show this person (visitor or member)."""
    return crisis_help_for_country(
        help_country_for(member=member, requested=requested, accept_language=accept_language)
    )


def countries_with_help() -> list[tuple[str, str]]:
    """(code, name) of every country that has its own helplines, for the directory."""
    codes = (
        CrisisResource.objects.filter(is_active=True)
        .exclude(country_code=CrisisResource.INTERNATIONAL)
        .order_by()
        .values_list("country_code", flat=True)
        .distinct()
    )
    return sorted(
        ((code, str(_COUNTRY_NAMES.get(code, code))) for code in codes), key=lambda row: row[1]
    )


def profile_text_for(member: Member) -> ProfileText | None:
    """A member's own profile text as they last saved it (any status but deleted)."""
    return ProfileText.objects.filter(author=member).exclude(status="deleted").first()
