"""Crisis signposting: the private, warm message a member sees when their words show risk.

Safe-messaging guidance (Samaritans, #chatsafe): thank the person, say they are not alone, give a
few ways to reach someone now, put the emergency number first when the risk is urgent, and never
lecture, blame or promise that things will get better."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from community.models import CrisisResource, Member
from community.selectors import RESOURCES_SHOWN, CrisisHelp, crisis_help_for_member

URGENT = "urgent"
CONCERN = "concern"
SOMEONE_ELSE = "someone_else"
TIERS = (URGENT, CONCERN, SOMEONE_ELSE)


@dataclass(frozen=True)
class SignpostOffer:
    """What to show one member, privately. `resources` is plain data every door can send."""

    tier: str
    text: str
    country_code: str
    country_name: str
    resources: list[dict[str, str]] = field(default_factory=list)

    def as_payload(self) -> dict:
        """The shape sent over the API and the websocket `signpost` frame."""
        return {
            "tier": self.tier,
            "text": self.text,
            "country_code": self.country_code,
            "resources": self.resources,
        }


def _resource_payload(resource: CrisisResource) -> dict[str, str]:
    return {
        "name": resource.service_name,
        "kind": resource.kind,
        "contact": resource.contact,
        "tel": resource.tel_href,
        "sms": resource.sms_href,
        "url": resource.url,
        "hours": resource.hours,
    }


def _emergency_phrase(help_: CrisisHelp) -> str:
    numbers = [row.contact for row in help_.emergency if row.contact]
    return numbers[0] if numbers else _("your local emergency number")


def _private_message(tier: str, help_: CrisisHelp) -> str:
    """For words nobody else will read (the member's private space): no promise that a
    moderator will see them, and a warm nudge to reach out."""
    emergency = _emergency_phrase(help_)
    if tier == URGENT:
        return _(
            "It sounds like you are in a lot of pain right now, and you don't have to face "
            "this on your own. If you might act on these thoughts or you are in danger, please "
            "call %(emergency)s now. What you write here stays private, so nobody else will "
            "see it: please reach out to one of these services, they are there to listen."
        ) % {"emergency": emergency}
    if tier == CONCERN:
        return _(
            "It sounds like things feel really heavy at the moment. You deserve support, and "
            "you don't have to wait until things get worse to ask for it. What you write here "
            "stays private; if you'd like to talk to someone, these services are there to "
            "listen."
        )
    return _(
        "It sounds like you're worried about someone you care about, and that's a lot to "
        "carry. These services can help you support them, and they can support you too. If "
        "they are in danger right now, please call %(emergency)s."
    ) % {"emergency": emergency}


def _message(tier: str, help_: CrisisHelp) -> str:
    emergency = _emergency_phrase(help_)
    if tier == URGENT:
        return _(
            "Thank you for telling us. It sounds like you are in a lot of pain right now, and "
            "you don't have to face this on your own. If you might act on these thoughts or you "
            "are in danger, please call %(emergency)s now. You can also talk to someone at one "
            "of these services. Your words are safe with us: a moderator will read them soon."
        ) % {"emergency": emergency}
    if tier == CONCERN:
        return _(
            "Thank you for sharing this. It sounds like things feel really heavy at the moment. "
            "You deserve support, and you don't have to wait until things get worse to ask for "
            "it. If you'd like to talk to someone now, these services are there to listen."
        )
    return _(
        "It sounds like you're worried about someone you care about, and that's a lot to "
        "carry. These services can help you support them, and they can support you too. If "
        "they are in danger right now, please call %(emergency)s."
    ) % {"emergency": emergency}


def signpost_for(member: Member | None, tier: str, *, private: bool = False) -> SignpostOffer:
    """The signpost for this member at this tier, with services for their country
    (emergency services first when the risk is urgent). `private`: for words in the member's
    private space, which no moderator reads, so the text promises nothing of the kind."""
    if tier not in TIERS:
        raise ValueError(f"Unknown signpost tier: {tier!r}")
    help_ = crisis_help_for_member(member)
    local = list(help_.resources)
    chosen: list[CrisisResource] = []
    if tier == URGENT:
        chosen.extend(help_.emergency[:1])
    chosen.extend(local if local else help_.international[:RESOURCES_SHOWN])
    return SignpostOffer(
        tier=tier,
        text=(_private_message if private else _message)(tier, help_),
        country_code=help_.country_code,
        country_name=help_.country_name,
        resources=[_resource_payload(row) for row in chosen],
    )


def private_signpost(member: Member, text: str) -> SignpostOffer | None:
    """Screen words from the member's private space (journal, check-in notes, milestones) for
    crisis language. Returns the help to show them at once, or None. Nothing is stored, queued
    or sent to anyone: this is for the member alone."""
    from moderation.screening import assess_crisis  # moderation builds on community's models

    assessment = assess_crisis(text or "")
    if assessment.tier in (URGENT, CONCERN):
        return signpost_for(member, assessment.tier, private=True)
    if assessment.about_someone_else:
        return signpost_for(member, SOMEONE_ELSE, private=True)
    return None
