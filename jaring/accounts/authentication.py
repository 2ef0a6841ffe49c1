"""API tokens that expire: DRF's token authentication, refusing a token older than
``JARING_TOKEN_HOURS`` (default 24) after it was issued. Tokens are handed out by
:mod:`jaring.accounts.tokens`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expires(token: Token) -> datetime:
    return token.created + timedelta(hours=settings.JARING_TOKEN_HOURS)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token_expires(token) <= timezone.now():
            token.delete()
            raise AuthenticationFailed(_("Token expired; request a new one at /api/token/."))
        return user, token
