"""HTML forms: they parse what was typed; the rules live in community.services."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from community import services
from community.countries import COUNTRIES

COUNTRY_CHOICES = [("", _("Prefer not to say")), *COUNTRIES]


class SignupForm(forms.Form):
    """Parses sign-up answers only: `services.member_signup_errors` judges all of them at
    once, so a person sees every problem (missing ones too) in one go."""

    pseudonym = forms.CharField(
        label=_("Pseudonym"),
        required=False,
        max_length=60,
        help_text=_(
            "The only name other members will see. Please don't use your real name. "
            "3 to 30 letters or numbers; spaces, dots, dashes and underscores are fine."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.CharField(
        label=_("Email address"),
        required=False,
        max_length=254,
        help_text=_("Kept private. We use it only to help you back into your account."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        max_length=256,
        help_text=_("At least 10 characters. A few unrelated words make a strong password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=COUNTRY_CHOICES,
        required=False,
        help_text=_("So we can show you helplines that work where you are."),
    )
    accepted_guidelines = forms.BooleanField(
        label=_("I have read the community guidelines and will follow them"), required=False
    )
    confirmed_adult = forms.BooleanField(label=_("I am 18 or over"), required=False)

    def signup_data(self) -> services.SignupData:
        return services.SignupData(**self.cleaned_data)

    def add_service_errors(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class ThrottledLoginForm(AuthenticationForm):
    """Django's login form, with the check done by `services.member_authenticate`."""

    username = forms.CharField(
        label=_("Pseudonym or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def clean(self):
        identifier = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if identifier and password:
            try:
                self.user_cache = services.member_authenticate(
                    request=self.request, identifier=identifier, password=password
                )
            except services.LoginRefused as refused:
                raise ValidationError(str(refused), code="invalid_login") from refused
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ThrottledAdminLoginForm(ThrottledLoginForm, AdminAuthenticationForm):
    """The admin's sign-in obeys the same throttle as everyone else's."""


class ProfileForm(forms.Form):
    country = forms.ChoiceField(
        label=_("Country"),
        choices=COUNTRY_CHOICES,
        required=False,
        help_text=_("Used only to show you crisis helplines that work where you are."),
    )


class HelpCountryForm(forms.Form):
    country = forms.ChoiceField(label=_("Show help for"), choices=COUNTRIES, required=False)


class AboutForm(forms.Form):
    # No max_length here: the pipeline's own limit gives the one agreed message at every door.
    about = forms.CharField(
        label=_("About you"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "A few words other members can see, such as what brought you here. Please leave "
            "out anything that could identify you. Markdown works: *italic*, **bold**, links. "
            "Leave it empty to remove it."
        ),
    )


class PasswordChangeForm(forms.Form):
    """Parses a password change; `account_services.member_password_change` judges it."""

    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=256,
        help_text=_("At least 10 characters, not a common password, not all numbers."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords don't match."))
        return data


CONTENT_CHOICE_LABELS = [
    ("delete", _("Delete them")),
    ("anonymise", _("Keep them, shown as written by “Former member”")),
]


class AccountDeleteForm(forms.Form):
    """Parses the account deletion form; `account_services.member_erase` judges it."""

    group_messages = forms.ChoiceField(
        label=_("Your messages in group chat rooms"),
        choices=CONTENT_CHOICE_LABELS,
        initial="delete",
        widget=forms.RadioSelect,
    )
    forum_posts = forms.ChoiceField(
        label=_("Your forum threads and replies"),
        choices=CONTENT_CHOICE_LABELS,
        initial="anonymise",
        widget=forms.RadioSelect,
        help_text=_("Keeping them lets the conversations you were part of stay readable."),
    )
    stories = forms.ChoiceField(
        label=_("Your success stories"),
        choices=CONTENT_CHOICE_LABELS,
        initial="delete",
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label=_("Your password, to confirm it's you"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
