from django.http import HttpRequest

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that passed `login_required`: `user` is a real `User`, never anonymous."""

    user: User  # type: ignore[assignment]
