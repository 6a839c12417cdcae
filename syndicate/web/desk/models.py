"""Which translation models (Argos packages) are installed, which directions miss one, and how
to install one. Read from package metadata: the web process never imports argostranslate.
The page also reports the WebSub hubs and the pings that failed (the desk's health page)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g
from markupsafe import Markup

from syndicate.feed.labels import language_name
from syndicate.i18n.dates import local_datetime
from syndicate.languages import CODES, other
from syndicate.publication import websub
from syndicate.translation.packages import PackageInfo, installed_directions, package_name
from syndicate.web.desk import blueprint
from syndicate.web.desk.context import render, signed_in


@dataclass(frozen=True, slots=True)
class DirectionState:
    source: str
    target: str
    label: str
    package: str
    installed: PackageInfo | None

    @property
    def install_command(self) -> str:
        return f"syndicate models install {self.package}-VERSION.argosmodel"


def direction_states(packages_dir: str) -> list[DirectionState]:
    installed = {(p.from_code, p.to_code): p for p in installed_directions(packages_dir)}
    return [
        DirectionState(
            src,
            tgt,
            f"{language_name(g.language, src)} → {language_name(g.language, tgt)}",
            package_name(src, tgt),
            installed.get((src, tgt)),
        )
        for src in CODES
        for tgt in other(src)
    ]


@blueprint.get("/models")
@signed_in
def models():
    packages_dir = current_app.config["SYNDICATE_ARGOS_PACKAGES_DIR"]
    states = direction_states(packages_dir)
    return render(
        "desk/models.html",
        installed=[s for s in states if s.installed is not None],
        missing=[s for s in states if s.installed is None],
        # Markup: the message is translated around it, the path is shown as code.
        packages_dir=Markup("<code>{}</code>").format(packages_dir),
        index_command="syndicate models install --from-index " + " ".join(CODES),
        hubs=websub.hubs(current_app),
        hub_failures=[
            (
                failure,
                local_datetime(failure.at, g.language, current_app.config["SYNDICATE_TIMEZONE"]),
            )
            for failure in websub.failures(current_app)
        ],
    )
