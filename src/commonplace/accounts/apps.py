from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "commonplace.accounts"
    label = "accounts"
