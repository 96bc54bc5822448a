#!/usr/bin/env python3
"""Signs in to the running demo as alice through the embedded dev IdP and prints the auth
cookies as one `Cookie` header value (for load tools such as wrk; see BENCHMARKS.md).

    python3 scripts/demo_cookies.py http://127.0.0.1:3000 [user] [password]

Standard library only; loopback only. Never use it against a real user pool.
"""
import http.cookiejar, urllib.request, urllib.parse, re, sys
base = sys.argv[1]
cj = http.cookiejar.CookieJar()
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cj), NoRedirect)
def get(url):
    try:
        r = op.open(url); return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()
s, h, _ = get(base + "/auth/login")
authz = h["Location"]
s, h, html = get(authz)
idp = authz.split("/oauth2")[0]
fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
user = sys.argv[2] if len(sys.argv) > 2 else "alice"
password = sys.argv[3] if len(sys.argv) > 3 else "alice-password"
fields.update(username=user, password=password)
import html as H
fields = {k: H.unescape(v) for k, v in fields.items()}
req = urllib.request.Request(idp + "/login", data=urllib.parse.urlencode(fields).encode())
try:
    r = op.open(req); loc = r.headers["Location"]
except urllib.error.HTTPError as e:
    loc = e.headers["Location"]
s, h, _ = get(loc)
print("; ".join(f"{c.name}={c.value}" for c in cj if c.name.startswith("cognito_")))
