"""Checks of a role's capabilities for views and API endpoints (the table is in roles.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from jaring.accounts.models import User

View = Callable[..., HttpResponse]


def has_capability(user: Any, capability: str) -> bool:
    return bool(user.is_authenticated and getattr(user.capabilities, capability))


def capability_required(capability: str) -> Callable[[View], View]:
    """Page decorator: signed in, and the role has ``capability`` (else 403)."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_capability(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # Read by the permission-matrix test (tests/security/test_permission_matrix.py).
        wrapped.required_capability = capability  # type: ignore[attr-defined]
        return wrapped

    return decorator


def api_capability(capability: str) -> type[BasePermission]:
    """DRF permission class for ``capability``."""

    class HasCapability(BasePermission):
        def has_permission(self, request: Request, view: APIView) -> bool:
            return has_capability(request.user, capability)

    HasCapability.__name__ = f"Has_{capability}"
    return HasCapability


def signed_in_user(request: HttpRequest | Request) -> User:
    """The user of a request that authentication already let through, typed as Jaring's User."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
