import pytest

from commonplace import settings as project_settings
from commonplace.accounts.actions import (
    authenticate_api_token,
    create_api_token,
    revoke_api_token,
    update_profile,
)
from commonplace.accounts.models import ApiToken
from commonplace.core.errors import ConflictError, DomainError
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2_in_production_settings():
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_sign_up_rejects_taken_username_and_email():
    make_user("ana")
    with pytest.raises(ConflictError):
        make_user("ANA", email="other@example.org")
    with pytest.raises(ConflictError):
        make_user("bea", email="ana@example.org")


def test_update_profile_cleans_skill_lists():
    user = make_user()
    update_profile(
        user=user,
        display_name="  Ana  ",
        bio="",
        org_unit="Lab",
        location="Porto",
        skills=["Hops", "hops", " ", "Yeast"],
        interests=[],
    )
    assert user.skills == ["Hops", "Yeast"] and user.display_name == "Ana"
    with pytest.raises(DomainError):
        update_profile(
            user=user,
            display_name="",
            bio="",
            org_unit="",
            location="",
            skills=["x" * 61],
            interests=[],
        )


def test_api_token_is_stored_hashed_and_revocable():
    user = make_user()
    token, key = create_api_token(user=user, name="script")
    assert key.startswith("cp_") and key not in token.key_hash
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert authenticate_api_token(key) == user
    revoke_api_token(token=token, by=user)
    assert authenticate_api_token(key) is None
    assert authenticate_api_token("cp_wrong") is None
    assert authenticate_api_token("not-a-token") is None
