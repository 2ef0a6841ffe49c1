"""Finance API: bills (with issue, correct and pay actions), their lines, payments, the
programme's status, reconciliation and budget — the same services and selectors as the pages
and the command line, with the same checks, audit and JSON keys as the CLI."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from jaring.accounts.permissions import signed_in_user
from jaring.finance.errors import FinanceError
from jaring.finance.models import Bill, BillLine, Payment
from jaring.finance.selectors.budget import Simulation, programme_budget
from jaring.finance.selectors.reconciliation import reconcile
from jaring.finance.selectors.status import programme_status
from jaring.finance.services import bill_correct, bill_issue, payment_record
from jaring.programmes.models import Programme
from jaring.programmes.selectors import programmes_visible
from jaring.rules.months import Month


class BillSerializer(serializers.ModelSerializer[Bill]):
    outstanding = serializers.IntegerField(read_only=True)
    overpaid = serializers.IntegerField(read_only=True)

    class Meta:
        model = Bill
        fields = [
            "id",
            "programme",
            "month",
            "number",
            "due_date",
            "package",
            "lines",
            "people",
            "issued_total",
            "total",
            "paid",
            "allocated",
            "paid_through",
            "withheld",
            "outstanding",
            "overpaid",
            "issued_at",
        ]


class BillLineSerializer(serializers.ModelSerializer[BillLine]):
    class Meta:
        model = BillLine
        fields = [
            "id",
            "bill",
            "position",
            "kind",
            "membership",
            "person",
            "region",
            "income_basis",
            "funder",
            "transport",
            "jkk",
            "jkm",
            "jht",
            "reduction",
            "amount",
            "corrects",
            "reason",
        ]


class PaymentSerializer(serializers.ModelSerializer[Payment]):
    class Meta:
        model = Payment
        fields = [
            "id",
            "programme",
            "bill",
            "package",
            "kind",
            "reference",
            "paid_on",
            "amount",
            "over_confirmed",
            "note",
            "proof_name",
            "proof_sha256",
            "recorded_at",
        ]


class IssueInput(serializers.Serializer[dict[str, Any]]):
    programme = serializers.IntegerField()
    month = serializers.RegexField(r"^\d{4}-\d{1,2}$")
    ahead = serializers.IntegerField(default=1)


class PaymentInput(serializers.Serializer[dict[str, Any]]):
    amount = serializers.IntegerField()
    date = serializers.DateField()
    reference = serializers.CharField(max_length=80)
    kind = serializers.ChoiceField(choices=["sp2d", "transfer", "other"], default="sp2d")
    confirm_over = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


def _manager(request: Request) -> Any:
    user = signed_in_user(request)
    if not user.capabilities.manage_finance:
        raise PermissionDenied
    return user


def _bill_result(bill: Bill) -> dict[str, Any]:
    return {
        "bill": bill.pk,
        "lines": bill.lines,
        "total": bill.total,
        "due_date": bill.due_date.isoformat(),
        "number": bill.number,
        "month": f"{bill.month:%Y-%m}",
    }


class BillViewSet(viewsets.ReadOnlyModelViewSet[Bill]):
    serializer_class = BillSerializer
    filterset_fields = ["programme", "month"]

    def get_queryset(self) -> QuerySet[Bill]:
        return Bill.objects.restrict(self.request.user).order_by("programme_id", "month")

    @extend_schema(request=IssueInput, responses={201: dict[str, Any]})
    @action(detail=False, methods=["post"])
    def issue(self, request: Request) -> Response:
        """Issue a month's bill (``jaring bills issue``)."""
        user = _manager(request)
        data = IssueInput(data=request.data)
        data.is_valid(raise_exception=True)
        programme = programmes_visible(user).filter(pk=data.validated_data["programme"]).first()
        if programme is None:
            raise NotFound
        try:
            bills = bill_issue(
                user=user,
                programme=programme,
                month=Month.parse(data.validated_data["month"]),
                ahead=data.validated_data["ahead"],
            )
        except (FinanceError, ValueError) as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        result = _bill_result(bills[0])
        if len(bills) > 1:
            result["bills"] = [_bill_result(b) for b in bills]
        return Response(result, status=201)

    @extend_schema(request=None, responses={200: dict[str, Any]})
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str | None = None) -> Response:
        """Append corrections from the memberships as they are now (``jaring bills correct``)."""
        user = _manager(request)
        try:
            return Response(bill_correct(user=user, bill=self.get_object()).as_dict())
        except FinanceError as exc:
            raise ValidationError({"detail": str(exc)}) from exc

    @extend_schema(request=PaymentInput, responses={201: dict[str, Any]})
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: str | None = None) -> Response:
        """Record a payment for the bill (``jaring payments record``)."""
        user = _manager(request)
        bill = self.get_object()
        data = PaymentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            payment = payment_record(
                user=user,
                bill=bill,
                amount=values["amount"],
                paid_on=values["date"],
                reference=values["reference"],
                kind=values["kind"],
                confirm_over=values["confirm_over"],
                note=values.get("note", ""),
            )
        except FinanceError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        bill.refresh_from_db()
        return Response(
            {"payment": payment.pk, "paid": bill.paid, "outstanding": bill.outstanding},
            status=201,
        )


class BillLineViewSet(viewsets.ReadOnlyModelViewSet[BillLine]):
    serializer_class = BillLineSerializer
    filterset_fields = ["bill", "person", "kind"]

    def get_queryset(self) -> QuerySet[BillLine]:
        return BillLine.objects.restrict(self.request.user).order_by("bill_id", "position")


class PaymentViewSet(viewsets.ReadOnlyModelViewSet[Payment]):
    serializer_class = PaymentSerializer
    filterset_fields = ["programme", "bill"]

    def get_queryset(self) -> QuerySet[Payment]:
        return Payment.objects.restrict(self.request.user).order_by("id")


def _programme(request: Request, pk: str | None) -> Programme:
    if not (pk or "").isdigit():
        raise NotFound
    programme = programmes_visible(request.user).filter(pk=int(pk or 0)).first()
    if programme is None:
        raise NotFound
    return programme


def _day(request: Request) -> date:
    text = request.query_params.get("on")
    try:
        return date.fromisoformat(text) if text else timezone.localdate()
    except ValueError as exc:
        raise ValidationError({"on": "YYYY-MM-DD"}) from exc


ON = OpenApiParameter("on", str, description="YYYY-MM-DD (default: today)")


@extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
class ProgrammeFinanceViewSet(viewsets.ViewSet):
    """A programme's status, reconciliation and budget (the JSON of the CLI)."""

    lookup_value_regex = r"[0-9]+"

    @extend_schema(parameters=[ON], responses={200: dict[str, Any]})
    @action(detail=True, methods=["get"])
    def status(self, request: Request, pk: str | None = None) -> Response:
        return Response(programme_status(_programme(request, pk), _day(request)).as_dict())

    @extend_schema(parameters=[ON], responses={200: dict[str, Any]})
    @action(detail=True, methods=["get"])
    def reconciliation(self, request: Request, pk: str | None = None) -> Response:
        result = reconcile(_programme(request, pk), _day(request))
        return Response(result.as_dict(regions=True))

    @extend_schema(responses={200: dict[str, Any]})
    @action(detail=True, methods=["get"])
    def budget(self, request: Request, pk: str | None = None) -> Response:
        params = request.query_params

        def number(name: str) -> int:
            try:
                return max(int(params.get(name, "0") or 0), 0)
            except ValueError as exc:
                raise ValidationError({name: "integer"}) from exc

        simulation = Simulation(
            more_people=number("more_people"),
            jht=params.get("jht") in ("1", "true", "on"),
            more_months=number("more_months"),
            category=params.get("category", ""),
            category_people=number("category_people"),
        )
        try:
            budget = programme_budget(_programme(request, pk), simulation=simulation)
        except FinanceError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return Response(budget.as_dict())


__all__ = ["BillLineViewSet", "BillViewSet", "PaymentViewSet", "ProgrammeFinanceViewSet"]
