"""The `accounts` namespace under /accounts/: sign-in, password and the security log from
`accounts`, and the office's access page (grants and accounts), whose views need the hierarchy and
so live in `communities`. Wired here, where everything may be imported, so that neither app
imports the other upwards and every address and URL name stays as it was."""

from accounts.urls import urlpatterns as sign_in_urlpatterns
from communities.grant_urls import urlpatterns as access_urlpatterns

app_name = "accounts"

urlpatterns = [*sign_in_urlpatterns, *access_urlpatterns]
