"""What the finance commands share: one clear line for every refusal, ``--json`` output, and
the lookups of programmes, decrees and bills within the acting user's regions."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.finance.errors import FinanceError
from jaring.finance.models import Bill
from jaring.programmes.errors import ProgrammeError
from jaring.programmes.management.commands._arguments import acting_user, whole
from jaring.programmes.models import Decree, Programme


def programme_of(text: str, user: Any) -> Programme:
    pk = whole(text, "Nomor program") or 0
    programmes = Programme.objects.restrict(user) if user is not None else Programme.objects
    found = programmes.select_related("region").filter(pk=pk).first()
    if found is None:
        raise FinanceError("PROGRAMME_NOT_FOUND", programme=text)
    return found


def decree_of(text: str, user: Any) -> Decree:
    pk = whole(text, "Nomor SK") or 0
    decrees = Decree.objects.restrict(user) if user is not None else Decree.objects
    found = decrees.select_related("programme__region").filter(pk=pk).first()
    if found is None:
        raise FinanceError("DECREE_NOT_FOUND", sk=text)
    return found


def bill_of(text: str, user: Any) -> Bill:
    pk = whole(text, "Nomor tagihan") or 0
    bills = Bill.objects.restrict(user) if user is not None else Bill.objects
    found = bills.select_related("programme__region").filter(pk=pk).first()
    if found is None:
        raise FinanceError("BILL_NOT_FOUND", bill=text)
    return found


def common_options(parser: ArgumentParser) -> None:
    parser.add_argument("--user", help="Bertindak sebagai pengguna ini (wilayah dan perannya)")
    parser.add_argument("--json", action="store_true", help="Hasil sebagai JSON")


class FinanceCommand(BaseCommand):
    """A command whose sub-commands are methods ``_<action>`` returning a dict."""

    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        user = acting_user(options.get("user"))
        action = str(options.get("action") or "run").replace("-", "_")
        method: Callable[[dict[str, Any], Any], dict[str, Any]] = getattr(self, f"_{action}")
        try:
            result = method(options, user)
        except (FinanceError, ProgrammeError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
            return
        for key, value in result.items():
            self.stdout.write(f"{key}: {value}")
