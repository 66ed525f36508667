"""Grantpath: guides schools through Erasmus+ and Nordplus grant applications."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import config as config_module
from .config import ConfigError

ROOT = Path(__file__).resolve().parent.parent


class DatabaseId(IntegerConverter):
    """<int:...> in every route: a whole number an integer column can hold (PostgreSQL answered 500
    for /applications/2147483648); anything larger is simply not found."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def create_app(config: dict | None = None) -> Flask:
    """The app factory. Called without arguments (by `flask --app webapp`), a broken setting stops
    start-up with one clear line; called with a config (tests), it raises ConfigError instead."""
    try:
        return _build(config)
    except ConfigError as exc:
        if config is not None:
            raise
        raise SystemExit(f"Grantpath cannot start: {exc}") from None


def _build(config: dict | None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    app.url_map.converters["int"] = DatabaseId  # before any route is added
    config_module.load(app, config)
    if hops := app.config["PROXY_FIX_HOPS"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one line per render step
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged upload is refused to its user, not logged

    from .core import database, i18n
    from .extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        database.configure(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, default_translation_directories=str(ROOT / "translations"))
    limiter.init_app(app)

    from .programmes import registry

    registry.init_app(app)

    from . import models  # noqa: F401  (registers every table with SQLAlchemy)
    from .activity.views import bp as activity_bp
    from .admin import access as _admin_access  # noqa: F401  (registers its permissions)
    from .admin.views import bp as admin_bp
    from .annexes import access as _annex_access  # noqa: F401  (its permission and lifecycle requirement)
    from .annexes.views import bp as annexes_bp
    from .applications import access as _application_access  # noqa: F401
    from .applications.views import bp as applications_bp
    from .auth.views import bp as auth_bp
    from .chooser.views import bp as chooser_bp
    from .core import web
    from .directory import access as _directory_access  # noqa: F401  (registers its permission)
    from .directory.views import bp as directory_bp
    from .documents.views import bp as documents_bp
    from .docx.views import bp as docx_bp
    from .exports import access as _export_access  # noqa: F401  (registers its permission)
    from .exports.views import bp as exports_bp
    from .feeds.views import bp as feeds_bp
    from .health.views import bp as health_bp
    from .home.views import bp as home_bp
    from .lifecycle import engine
    from .partners.views import bp as partners_bp
    from .pdf.views import bp as pdf_bp
    from .portfolio.views import bp as portfolio_bp
    from .review import services as _review_effects  # noqa: F401  (registers its lifecycle effects)
    from .review.views import bp as review_bp
    from .sections.views import bp as sections_bp
    from .statistics.views import bp as statistics_bp
    from .tasks.views import bp as tasks_bp
    from .team.views import bp as team_bp

    web.init_app(app)
    for blueprint in (
        auth_bp,
        home_bp,
        applications_bp,
        sections_bp,
        chooser_bp,
        partners_bp,
        pdf_bp,
        docx_bp,
        documents_bp,
        annexes_bp,
        directory_bp,
        portfolio_bp,
        admin_bp,
        activity_bp,
        review_bp,
        team_bp,
        tasks_bp,
        feeds_bp,
        exports_bp,
        statistics_bp,
        health_bp,
    ):
        app.register_blueprint(blueprint)
    engine.check_names()

    from . import cli

    cli.init_app(app)
    return app
