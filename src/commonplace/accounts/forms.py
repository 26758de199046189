from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.validators import RegexValidator

from commonplace.accounts.models import User, time_zone_names
from commonplace.core.forms import split_list

username_validator = RegexValidator(
    r"^[A-Za-z0-9_.-]{2,30}$",
    "Use 2 to 30 letters, digits, dots, dashes or underscores.",
)


class SignUpForm(forms.Form):
    username = forms.CharField(max_length=30, validators=[username_validator])
    display_name = forms.CharField(max_length=80, required=False, help_text="How others see you.")
    email = forms.EmailField(max_length=254, help_text="Used only to reset your password.")
    password = forms.CharField(widget=forms.PasswordInput, max_length=128)
    password_again = forms.CharField(
        widget=forms.PasswordInput, max_length=128, label="Password, again"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password")
        if password and password != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        elif password:
            candidate = User(username=data.get("username", ""), email=data.get("email", ""))
            try:
                validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class ProfileForm(forms.Form):
    display_name = forms.CharField(max_length=80, required=False)
    bio = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=2000, required=False)
    org_unit = forms.CharField(max_length=120, required=False, label="Organizational unit")
    location = forms.CharField(max_length=120, required=False)
    skills = forms.CharField(
        max_length=2000,
        required=False,
        label="Ask me about",
        help_text="Skills you are happy to help with, separated by commas.",
    )
    interests = forms.CharField(
        max_length=2000,
        required=False,
        help_text="What you want to learn more about, separated by commas.",
    )
    routes_questions = forms.BooleanField(
        required=False,
        label="Suggest me for questions I may be able to answer",
        help_text="Askers see you among the people who may know; uncheck to be left out.",
    )
    email_notifications = forms.BooleanField(
        required=False,
        label="E-mail me my notifications",
        help_text="Sent to the address on your account.",
    )
    time_zone = forms.ChoiceField(
        choices=[], required=False,
        help_text="Pages show times in it, and you plan events in it.",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = f"{settings.TIME_ZONE} (this site's)"
        choices = [("", default), *((n, n) for n in time_zone_names())]
        current = self.initial.get("time_zone") or ""
        if current and current not in time_zone_names():
            # Kept from an archive made with other time zone data: offered, so
            # saving the profile does not silently drop it.
            choices.append(
                (current, f"{current} (unknown here: times show in {settings.TIME_ZONE})")
            )
        self.fields["time_zone"].choices = choices  # type: ignore[attr-defined]

    def clean_skills(self) -> list[str]:
        return split_list(self.cleaned_data["skills"])

    def clean_interests(self) -> list[str]:
        return split_list(self.cleaned_data["interests"])


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What the token is for, e.g. “export script”.")
