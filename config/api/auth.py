from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken


class TokenObtainView(ObtainAuthToken):
    """POST username and password, get the API token (``Authorization: Token <key>``)."""

    @extend_schema(operation_id="auth_token_obtain")
    def post(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return super().post(request, *args, **kwargs)
