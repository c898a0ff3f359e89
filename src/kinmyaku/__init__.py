"""kinmyaku — 人脈を金脈に: a self-hosted, Japanese-first networking manager."""

__version__ = "0.1.0"
