"""A Flask app on flask-cognito-lib (the real package from PyPI), for tests/flask_migration.rs:
it signs users in, guards a route by group and refreshes, on the same dev IdP, app client and
SECRET_KEY as our app, to prove that sessions move between the two in both directions.

The dev IdP's issuer and JWKS URL are set through flask-cognito-lib's documented Config
subclassing; everything else is its ordinary configuration."""
import os

from flask import Flask, jsonify, redirect, session
from flask_cognito_lib import CognitoAuth
from flask_cognito_lib.config import Config
from flask_cognito_lib.decorators import (
    auth_required,
    cognito_login,
    cognito_login_callback,
    cognito_logout,
    cognito_refresh_callback,
)

E = os.environ


class DevIdpConfig(Config):
    @property
    def issuer(self):
        return E["MIGRATION_ISSUER"]

    @property
    def jwk_endpoint(self):
        return E["MIGRATION_JWKS_URL"]


app = Flask(__name__)
app.config.update(
    SECRET_KEY=E["MIGRATION_SECRET_KEY"],
    AWS_REGION=E["MIGRATION_REGION"],
    AWS_COGNITO_USER_POOL_ID=E["MIGRATION_POOL_ID"],
    AWS_COGNITO_USER_POOL_CLIENT_ID=E["MIGRATION_CLIENT_ID"],
    AWS_COGNITO_USER_POOL_CLIENT_SECRET=E["MIGRATION_CLIENT_SECRET"],
    AWS_COGNITO_DOMAIN=E["MIGRATION_DOMAIN"],
    AWS_COGNITO_REDIRECT_URL=E["MIGRATION_ORIGIN"] + "/auth/callback",
    AWS_COGNITO_LOGOUT_URL=E["MIGRATION_ORIGIN"] + "/",
    AWS_COGNITO_REFRESH_FLOW_ENABLED=True,
    AWS_COGNITO_REFRESH_COOKIE_ENCRYPTED=True,
    AWS_COGNITO_SCOPES=["openid", "email", "profile"],
)
CognitoAuth(app, cfg=DevIdpConfig())


@app.route("/health")
def health():
    return "ok"


@app.route("/auth/login")
@cognito_login
def login():
    pass


@app.route("/auth/callback")
@cognito_login_callback
def callback():
    return redirect("/")


@app.route("/auth/refresh")
@cognito_refresh_callback
def refresh():
    return redirect("/")


@app.route("/auth/logout")
@cognito_logout
def logout():
    pass


@app.route("/")
def home():
    return "flask home"


@app.route("/signed-in")
@auth_required()
def signed_in():
    return jsonify(ok=True)


@app.route("/admins")
@auth_required(groups=["admins"])
def admins():
    return jsonify(area="admins")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(E["MIGRATION_PORT"]))
