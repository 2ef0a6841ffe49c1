from django.urls import path

from jaring.accounts.tokens import token_obtain

urlpatterns = [path("", token_obtain, name="api-token")]
