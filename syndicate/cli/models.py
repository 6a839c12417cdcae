"""``syndicate models``: the Argos Translate packages (models) the worker translates with."""

from __future__ import annotations

import click

from syndicate.cli.appcontext import app_context


@click.group()
def models() -> None:
    """Install and list translation models (Argos Translate packages)."""


@models.command()
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--from-index",
    is_flag=True,
    help="SOURCES are languages (e.g. en zh): download every direction between them from the "
    "Argos package index (SYNDICATE_ARGOS_INDEX_URL; needs network access).",
)
@click.option(
    "--timeout",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a network operation may wait (connecting, or between two reads).",
)
@click.option(
    "--optional",
    is_flag=True,
    help="With --from-index: an unreachable index is one line on stderr, not an error "
    "(`make run` uses it: the service runs without models).",
)
def install(sources: tuple[str, ...], from_index: bool, timeout: float, optional: bool) -> None:
    """Install packages: `.argosmodel` files, offline; or, with --from-index, languages."""
    from pathlib import Path

    from syndicate.errors import SyndicateError
    from syndicate.translation import index, packages

    with app_context() as app:
        target = app.config["SYNDICATE_ARGOS_PACKAGES_DIR"]
        current = []
        try:
            if from_index:
                if len(sources) < 2:
                    raise click.UsageError("--from-index takes two or more languages: en zh")
                directions = [(s, t) for s in sources for t in sources if s != t]
                result = index.install_from_index(
                    target,
                    directions,
                    index_url=app.config["SYNDICATE_ARGOS_INDEX_URL"],
                    cache_dir=Path(app.config["SYNDICATE_INSTANCE_PATH"]) / "argos-downloads",
                    timeout=timeout,
                    say=lambda line: click.echo(line, err=True),
                )
                installed, current = result.installed, result.current
            else:
                installed = [packages.install_from_path(path, target) for path in sources]
        except index.IndexUnavailable as exc:
            if not optional:
                raise click.ClickException(_message(exc)) from None
            click.echo(
                f"models: none installed from the index ({exc}); syndicate runs without machine "
                "translation (README, Translation: installing the packages offline)",
                err=True,
            )
            return
        except (SyndicateError, OSError) as exc:
            raise click.ClickException(_message(exc)) from None
        for info in current:
            click.echo(f"{info.name} {info.version} is installed already (the newest)")
        for info in installed:
            click.echo(
                f"installed {info.name} {info.version} ({info.from_code}→{info.to_code}) "
                f"in {info.path}"
            )


def _message(exc: Exception) -> str:
    from syndicate.translation.packages import MissingModelError

    if isinstance(exc, MissingModelError):
        return f"the Argos package index has no {exc.src}→{exc.tgt} package"
    return str(exc)


@models.command("list")
def list_models() -> None:
    """Installed directions with their versions, and which ones are MISSING."""
    from syndicate.languages import CODES, other
    from syndicate.translation.packages import installed_directions, package_name

    with app_context() as app:
        target = app.config["SYNDICATE_ARGOS_PACKAGES_DIR"]
        installed = {(p.from_code, p.to_code): p for p in installed_directions(target)}
        needed = [(s, t) for s in CODES for t in other(s)]
        for src, tgt in sorted(set(needed) | set(installed)):
            info = installed.get((src, tgt))
            if info is None:
                click.echo(
                    f"{src}→{tgt}\tMISSING\tinstall {package_name(src, tgt)} with "
                    "`syndicate models install PATH.argosmodel`"
                )
            else:
                click.echo(f"{src}→{tgt}\t{info.name}\t{info.version}\t{info.path}")
        click.echo(f"packages directory: {target}", err=True)
