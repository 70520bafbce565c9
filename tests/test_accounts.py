"""Organiser accounts: signing in and out, passwords, admin pages, the organisers CLI."""

import pytest

from seminar_reg.accounts.models import Organiser
from seminar_reg.extensions import db
from tests.conftest import PASSWORD


def stored_organiser(app, email):
    with app.app_context():
        return db.session.execute(
            db.select(Organiser).where(Organiser.email == email)
        ).scalar_one_or_none()


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Organiser sign-in" in response.text


def test_organiser_signs_in_and_reaches_the_dashboard(client, auth, make_organiser):
    make_organiser("ann@example.org")
    response = auth.login("ANN@example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/"
    assert "Your seminars" in client.get("/manage/").text


def test_sign_in_records_the_time(app, auth, make_organiser):
    make_organiser("ann@example.org")
    auth.login("ann@example.org")
    assert stored_organiser(app, "ann@example.org").last_login_at is not None


@pytest.mark.parametrize(
    ("email", "password"),
    [("ann@example.org", "wrong password here"), ("nobody@example.org", PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_failed_sign_in_says_the_same_whatever_was_wrong(auth, make_organiser, email, password):
    make_organiser("ann@example.org")
    response = auth.login(email, password)
    assert response.status_code == 200
    assert "The email or password is not right." in response.text


def test_deactivated_organiser_cannot_sign_in(app, auth, make_organiser):
    organiser = make_organiser("ann@example.org")
    with app.app_context():
        db.session.get(Organiser, organiser.id).is_active = False
        db.session.commit()
    assert "The email or password is not right." in auth.login("ann@example.org").text


def test_management_pages_send_anonymous_visitors_to_sign_in(client):
    response = client.get("/manage/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_sign_in_follows_a_local_next_address(client, make_organiser):
    make_organiser("ann@example.org")
    response = client.post(
        "/login?next=/manage/institutions/",
        data={"email": "ann@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/manage/institutions/"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "x"],
)
def test_sign_in_ignores_a_next_address_elsewhere(client, make_organiser, target):
    make_organiser("ann@example.org")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "ann@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/manage/"


def test_sign_out_ends_the_session(client, auth, make_organiser):
    make_organiser("ann@example.org")
    auth.login("ann@example.org")
    assert auth.logout().status_code == 302
    assert client.get("/manage/").status_code == 302


def test_sign_out_needs_post(client):
    assert client.get("/logout").status_code == 405


def test_sign_in_attempts_are_rate_limited(make_app, make_organiser):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    make_organiser("ann@example.org")
    client = app.test_client()
    codes = [
        client.post(
            "/login", data={"email": "ann@example.org", "password": "wrong one!"}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    assert "Too many attempts" in client.post("/login", data={"email": "x@example.org"}).text


def test_change_password(app, client, auth, make_organiser):
    make_organiser("ann@example.org")
    auth.login("ann@example.org")
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "new and long enough",
            "confirm": "new and long enough",
        },
    )
    assert response.status_code == 302
    assert stored_organiser(app, "ann@example.org").check_password("new and long enough")


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        (
            "not the current one",
            "new and long enough",
            "new and long enough",
            "This is not your current password.",
        ),
        (PASSWORD, "short", "short", "Use at least 10 characters."),
        (PASSWORD, "password123", "password123", "This password is too easy to guess."),
        (PASSWORD, "aaaaaaaaaaaa", "aaaaaaaaaaaa", "This password is too easy to guess."),
        (PASSWORD, "ann-secret-2024", "ann-secret-2024", "must not contain your email"),
        (PASSWORD, "new and long enough", "something else", "The two passwords differ."),
    ],
    ids=["wrong-current", "short", "common", "one-letter", "email", "mismatch"],
)
def test_change_password_refusals(
    app, client, auth, make_organiser, current, new, confirm, message
):
    make_organiser("ann@example.org")
    auth.login("ann@example.org")
    response = client.post(
        "/account/password", data={"current_password": current, "password": new, "confirm": confirm}
    )
    assert response.status_code == 200
    assert message in response.text
    assert stored_organiser(app, "ann@example.org").check_password(PASSWORD)


def test_organiser_pages_are_for_admins_only(client, auth, make_organiser):
    make_organiser("ann@example.org")
    auth.login("ann@example.org")
    assert client.get("/manage/organisers/").status_code == 403
    assert client.get("/manage/organisers/new").status_code == 403


def test_admin_adds_an_organiser_who_can_then_sign_in(app, client, auth, make_organiser):
    make_organiser("admin@example.org", admin=True)
    auth.login("admin@example.org")
    response = client.post(
        "/manage/organisers/new",
        data={
            "email": "Bat@Example.org",
            "name": "Batbayar",
            "password": "a fine long password",
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    assert "Batbayar" in client.get("/manage/organisers/").text
    organiser = stored_organiser(app, "bat@example.org")
    assert organiser.check_password("a fine long password")
    assert not organiser.is_admin


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"email": "not-an-email", "name": "X", "password": "a fine long password"},
            "Enter a valid email",
        ),
        (
            {"email": "admin@example.org", "name": "X", "password": "a fine long password"},
            "already exists",
        ),
        (
            {"email": "new@example.org", "name": "", "password": "a fine long password"},
            "This field is required",
        ),
        (
            {"email": "new@example.org", "name": "X", "password": "short"},
            "Use at least 10 characters.",
        ),
    ],
    ids=["malformed-email", "duplicate", "no-name", "weak-password"],
)
def test_admin_add_organiser_validation(app, client, auth, make_organiser, data, message):
    make_organiser("admin@example.org", admin=True)
    auth.login("admin@example.org")
    response = client.post("/manage/organisers/new", data=data)
    assert response.status_code == 200
    assert message in response.text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Organiser)) == 1


def test_admin_cannot_remove_the_last_admin(app, client, auth, make_organiser):
    admin = make_organiser("admin@example.org", admin=True)
    auth.login("admin@example.org")
    response = client.post(
        f"/manage/organisers/{admin.id}",
        data={"name": "Admin", "is_active": "y"},
        follow_redirects=True,
    )
    assert "This is the last active admin" in response.text
    assert stored_organiser(app, "admin@example.org").is_admin


def test_admin_deactivates_an_organiser(app, client, auth, make_organiser):
    make_organiser("admin@example.org", admin=True)
    other = make_organiser("ann@example.org")
    auth.login("admin@example.org")
    client.post(f"/manage/organisers/{other.id}", data={"name": "Ann"})
    assert not stored_organiser(app, "ann@example.org").is_active


def test_unknown_organiser_is_404(client, auth, make_organiser):
    make_organiser("admin@example.org", admin=True)
    auth.login("admin@example.org")
    assert client.get("/manage/organisers/999").status_code == 404


def test_cli_creates_an_admin_with_the_password_from_stdin(app, runner):
    result = runner.invoke(
        args=["organisers", "create", "Chief@Example.org", "--admin", "--password-stdin"],
        input="a fine long password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin chief@example.org." in result.output
    organiser = stored_organiser(app, "chief@example.org")
    assert organiser.is_admin
    assert organiser.check_password("a fine long password")


def test_cli_prompts_for_the_password_twice(app, runner):
    result = runner.invoke(
        args=["organisers", "create", "ann@example.org"],
        input="a fine long password\na fine long password\n",
    )
    assert result.exit_code == 0, result.output
    assert not stored_organiser(app, "ann@example.org").is_admin


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("ann@example.org", "short", "Use at least 10 characters."),
        ("taken@example.org", "a fine long password", "already exists"),
    ],
    ids=["weak", "duplicate"],
)
def test_cli_create_refusals(runner, make_organiser, email, password, message):
    make_organiser("taken@example.org")
    result = runner.invoke(
        args=["organisers", "create", email, "--password-stdin"], input=f"{password}\n"
    )
    assert result.exit_code == 1
    assert message in result.output


def test_cli_lists_and_resets_passwords(app, runner, make_organiser):
    make_organiser("ann@example.org", name="Ann")
    listing = runner.invoke(args=["organisers", "list"])
    assert "ann@example.org\tAnn\torganiser" in listing.output
    result = runner.invoke(
        args=["organisers", "set-password", "ann@example.org", "--password-stdin"],
        input="another long password\n",
    )
    assert result.exit_code == 0, result.output
    assert stored_organiser(app, "ann@example.org").check_password("another long password")
    missing = runner.invoke(
        args=["organisers", "set-password", "x@example.org", "--password-stdin"], input="x\n"
    )
    assert missing.exit_code == 1
    assert "No organiser signs in with x@example.org" in missing.output
