"""API tokens, handed out behind the same lockout as the sign-in page.

``POST /api/token/`` with a user name and password answers a token that works for
``JARING_TOKEN_HOURS`` (default 24) after it was issued; after that the API refuses it and the
client asks again. Wrong passwords count towards django-axes' lockout exactly as on ``/masuk/``:
a locked-out name gets HTTP 429, even with the right password.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

from jaring.accounts.authentication import token_expires
from jaring.accounts.models import User


def token_issue(*, user: User) -> Token:
    """The user's token, a new one when the last has expired (at most one per user)."""
    token, created = Token.objects.get_or_create(user=user)
    if not created and token_expires(token) <= timezone.now():
        token.delete()
        token = Token.objects.create(user=user)
    return token


class TokenObtainView(ObtainAuthToken):
    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer(
                "TokenIssued",
                {"token": serializers.CharField(), "expires": serializers.DateTimeField()},
            ),
            400: None,
            429: None,
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            data = request.data
            username = str(data.get("username", "")) if hasattr(data, "get") else ""
            if username and AxesProxyHandler.is_locked(request, {"username": username}):
                return Response(
                    {"detail": _("Too many failed sign-ins; try again later.")},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        token = token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key, "expires": token_expires(token)})


token_obtain = TokenObtainView.as_view()
