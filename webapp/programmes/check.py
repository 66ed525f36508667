"""`python -m webapp.programmes.check [--workflows DIR]`: validate the programme definitions without
starting the web app (no secret key, no database, no instance/ folder needed).

Every fault is one line on stderr naming the file with its folder (`workflows/ka210-sch/2026.yaml`),
the line, the key path and the fault; a fault inherited through `extends` names the file that writes
the value. The exit status is 1 when there is any fault, 0 otherwise. The folder is --workflows,
else GRANTPATH_WORKFLOWS_DIR (the same variable the app reads), else the repository's workflows/.
`flask --app webapp programmes check` runs the same check on the app's WORKFLOWS_DIR.
"""

from __future__ import annotations

from pathlib import Path

import click

from .loader import REPOSITORY, check, display_name


def report(folder: Path) -> int:
    """Print what loaded (stdout) or every fault, one a line (stderr); the exit status."""
    catalogue, faults = check(folder)
    if faults:
        for fault in faults:
            click.echo(str(fault), err=True)
        click.echo(f"{len(faults)} fault{'s' if len(faults) != 1 else ''} in {display_name(folder, folder)}.")
        return 1
    for key, versions in sorted(catalogue.actions.items()):
        for year, definition in sorted(versions.items()):
            fields = sum(len(s.fields) for s in definition.sections)
            click.echo(
                f"ok  {key:<24} {year}: {len(definition.sections)} sections, {fields} questions, "
                f"rounds {', '.join(r.id for r in definition.call_rounds)}"
            )
    return 0


@click.command()
@click.option(
    "--workflows",
    "folder",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar="GRANTPATH_WORKFLOWS_DIR",
    default=REPOSITORY / "workflows",
    show_default="workflows/ of the repository",
    help="The folder of definitions to check.",
)
def main(folder: Path) -> None:
    """Validate every programme definition in workflows/ and name each fault."""
    raise SystemExit(report(folder))


if __name__ == "__main__":
    main()
