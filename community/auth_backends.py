"""Sign in with either a pseudonym or the private email address."""

from django.contrib.auth.backends import ModelBackend

from community.models import Member


class PseudonymOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(Member.USERNAME_FIELD)
        if not username or password is None:
            return None
        member = Member.objects.find_by_identifier(username)
        if member is None:
            # Spend the same time as a real check, so timing does not reveal unknown accounts.
            Member().set_password(password)
            return None
        if member.check_password(password) and self.user_can_authenticate(member):
            return member
        return None
