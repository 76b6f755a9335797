"""The portal stage: accounts, reading, signed acknowledgements, HR's dashboard.

The application factory is :func:`portal.app.create_app`; see ``portal/README.md``
for the feature packages, the access decorators and the base template.
"""
