from __future__ import annotations

from typing import Any

from django import forms

MAX_QUESTION_CHARS = 4000


class FindExpertForm(forms.Form):
    """A topic, or a question pasted whole: one of them says whom to look for."""

    topic = forms.CharField(label="Topic", max_length=60, required=False)
    q = forms.CharField(
        label="Or paste a question",
        max_length=MAX_QUESTION_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("topic") or "").strip() and not (data.get("q") or "").strip():
            raise forms.ValidationError("Name a topic, or paste a question.")
        return data
