"""Several hosts share one PostgreSQL database: they must share the session key too, so a desk
session signed on one host is valid on the others (a load balancer sends clicks anywhere)."""

from __future__ import annotations

import pytest

from syndicate import config
from syndicate.storage import db
from tests.conftest import _truncate_postgres, make_app
from tests.desk.conftest import Desk, token_for


def test_a_shared_database_without_a_secret_key_is_a_startup_error(tmp_path):
    with pytest.raises(config.ConfigError) as raised:
        config.load(
            {
                "SYNDICATE_DATABASE_URL": "postgresql+psycopg://db.internal/syndicate",
                "SYNDICATE_INSTANCE_PATH": str(tmp_path),
            }
        )
    assert "SYNDICATE_SECRET_KEY must be set" in str(raised.value)
    # Reported with the other problems at once, like every setting.
    with pytest.raises(config.ConfigError) as raised:
        config.load({"SYNDICATE_DATABASE_URL": "postgresql://db/x", "SYNDICATE_PAGE_SIZE": "0"})
    assert "SYNDICATE_SECRET_KEY" in str(raised.value)
    assert "SYNDICATE_PAGE_SIZE" in str(raised.value)


def test_the_embedded_default_still_generates_its_key(tmp_path):
    values = config.load({"SYNDICATE_INSTANCE_PATH": str(tmp_path)})
    assert values["SYNDICATE_SECRET_KEY"] == ""
    app = make_app(tmp_path, values["SYNDICATE_DATABASE_URL"], SYNDICATE_SECRET_KEY="")
    assert len(app.config["SECRET_KEY"]) == 64
    assert (tmp_path / "instance" / "secret_key").read_text() == app.config["SECRET_KEY"]


def test_the_cli_names_the_missing_key(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDICATE_")}
    env["SYNDICATE_DATABASE_URL"] = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    env["SYNDICATE_INSTANCE_PATH"] = str(tmp_path / "instance")
    done = subprocess.run(
        [sys.executable, "-m", "syndicate", "tokens", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "SYNDICATE_SECRET_KEY must be set" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.postgres
def test_a_desk_session_made_on_one_host_works_on_another(tmp_path, postgres_database):
    _truncate_postgres(postgres_database)
    # Two hosts: own instance folders and publication folders, one database, one key.
    hosts = [
        make_app(
            tmp_path / name,
            postgres_database,
            SYNDICATE_SECRET_KEY="shared-by-every-host",
        )
        for name in ("host-a", "host-b")
    ]
    try:
        a, b = (Desk(app, app.test_client()) for app in hosts)
        a.sign_in(token_for(hosts[0]))
        cookie = a.client.get_cookie("session")
        assert cookie is not None
        b.client.set_cookie("session", cookie.value, domain=cookie.domain)

        page = b.page("/desk/glossary")  # signed in on B: no redirect to the sign-in page
        assert "Ann Lee" in page.text_content()
        # A form on B carries the CSRF token of the session made on A.
        added = b.post("/desk/glossary", {"direction": "en-zh", "source_term": "Hongqiao"})
        assert added.status_code == 303

        # A host with another key refuses the cookie: the shared key is what makes it work.
        other = make_app(tmp_path / "host-c", postgres_database, SYNDICATE_SECRET_KEY="x")
        hosts.append(other)
        c = Desk(other, other.test_client())
        c.client.set_cookie("session", cookie.value, domain=cookie.domain)
        assert c.get("/desk/glossary").status_code == 302
    finally:
        for app in hosts:
            db.database(app).dispose()
