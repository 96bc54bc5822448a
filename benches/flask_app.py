"""The same protected route served by flask-cognito-lib, for the comparison in BENCHMARKS.md.

Run by benches/load.rs under gunicorn; it verifies the dev IdP's tokens (issuer and JWKS URL
overridden through flask-cognito-lib's documented Config subclassing)."""
import os

from flask import Flask, jsonify
from flask_cognito_lib import CognitoAuth
from flask_cognito_lib.config import Config
from flask_cognito_lib.decorators import auth_required


class DevIdpConfig(Config):
    @property
    def issuer(self):
        return os.environ["BENCH_ISSUER"]

    @property
    def jwk_endpoint(self):
        return os.environ["BENCH_JWKS_URL"]


app = Flask(__name__)
app.config.update(
    SECRET_KEY="bench-secret-key-bench-secret-key-0123456789",
    AWS_REGION="us-east-1",
    AWS_COGNITO_USER_POOL_ID=os.environ["BENCH_POOL_ID"],
    AWS_COGNITO_USER_POOL_CLIENT_ID=os.environ["BENCH_CLIENT_ID"],
    AWS_COGNITO_DOMAIN=os.environ["BENCH_DOMAIN"],
    AWS_COGNITO_REDIRECT_URL="http://127.0.0.1/auth/callback",
    AWS_COGNITO_LOGOUT_URL="http://127.0.0.1/",
)
CognitoAuth(app, cfg=DevIdpConfig())


@app.route("/health")
def health():
    return "ok"


@app.route("/protected")
@auth_required()
def protected():
    return jsonify(sub="x", username="alice", groups=["admins"])
