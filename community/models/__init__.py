"""Models of the community app, one module per concern."""

from community.models.exports import DataExport
from community.models.forums import (
    Category,
    Notification,
    Post,
    Reaction,
    Subscription,
    Thread,
)
from community.models.members import CrisisResource, Member, MemberManager, ProfileText
from community.models.selfhelp import (
    JournalEntry,
    Milestone,
    MoodCheckIn,
    MoodReminder,
    SelfCheck,
)
from community.models.stories import Story, StoryReaction, StoryTag, state_status
from community.models.tokens import ApiToken

__all__ = [
    "ApiToken",
    "Category",
    "CrisisResource",
    "DataExport",
    "JournalEntry",
    "Member",
    "MemberManager",
    "Milestone",
    "MoodCheckIn",
    "MoodReminder",
    "Notification",
    "Post",
    "ProfileText",
    "Reaction",
    "SelfCheck",
    "Story",
    "StoryReaction",
    "StoryTag",
    "Subscription",
    "Thread",
    "state_status",
]
