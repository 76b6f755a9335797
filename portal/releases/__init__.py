"""Releases and regulation versions as stored by the portal, and the publish service."""
