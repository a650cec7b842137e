"""The web inbox of the review desk (FastAPI, server-rendered Jinja2; one small keyboard script).

``create_app(settings)`` builds the app; ``newsmon web --config PATH`` serves it with
uvicorn on ``[web] host``:``[web] port`` (127.0.0.1:8765 by default).
"""
from review.web.app import create_app

__all__ = ["create_app"]
