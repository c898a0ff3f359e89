"""Routes: HTML pages (``pages_*``) and the JSON API (``api_*``), one small module per area."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    """Every router of the web app, in the order they are mounted."""
    from kinmyaku.web.routes import (
        api_cards,
        api_docs,
        api_events,
        api_identity,
        api_people,
        api_relations,
        api_session,
        pages_auth,
        pages_backups,
        pages_carddav,
        pages_cards,
        pages_events,
        pages_export,
        pages_followups,
        pages_home,
        pages_identity,
        pages_import,
        pages_network,
        pages_people,
        pages_person,
        pages_profile,
        pages_relations,
        pages_requests,
        pages_review,
        pages_settings,
    )

    modules = (
        pages_home,
        pages_followups,
        pages_people,
        pages_person,
        pages_relations,
        pages_events,
        pages_requests,
        pages_import,
        pages_cards,
        pages_export,
        pages_review,
        pages_identity,
        pages_network,
        pages_settings,
        pages_profile,
        pages_backups,
        pages_carddav,
        pages_auth,
        api_session,
        api_people,
        api_relations,
        api_events,
        api_identity,
        api_cards,
        api_docs,
    )
    return [module.router for module in modules]
