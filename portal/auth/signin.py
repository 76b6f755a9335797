"""Which judge a login form's credentials go to: the local password, the company directory, or both.

With a directory configured (``LDAP_URL``), a 工号 that belongs to a local account not linked to the
directory (the administrator, people HR created by hand) is checked against its local password first;
everything else goes to the directory, which vouches for the person and their account is provisioned
(portal.auth.identities).  A linked account's local password is never used.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.auth.directory import LdapDirectory, config_from_settings
from portal.auth.identities import RolePolicy, is_externally_managed, provision
from portal.auth.models import User
from portal.auth.services import Verifier, find_user, local_verifier
from portal.clock import Clock
from portal.config import Settings


def directory_of(settings: Settings) -> LdapDirectory | None:
    """The configured directory, or None when the portal has local accounts only."""
    if not settings.ldap_url:
        return None
    return LdapDirectory(config_from_settings(
        settings.ldap_url, settings.ldap_bind_dn, settings.ldap_base_dn, settings.ldap_user_filter,
        settings.ldap_attributes, settings.ldap_group_filter, settings.ldap_group_roles, settings.ldap_active_filter,
        settings.ldap_timeout,
    ))


def directory_verifier(directory: LdapDirectory, clock: Clock, *, new_hire_days: int, ip: str) -> Verifier:
    def verify(session: Session, login: str, password: str) -> User | None:
        local = find_user(session, login)
        if local is not None and not is_externally_managed(session, local):
            found = local_verifier(session, login, password)
            if found is not None:
                return found
        person = directory.authenticate(login, password)
        if person is None:
            return None
        granted, managed = directory.roles_of(person)
        return provision(session, clock, person, RolePolicy(granted, managed), new_hire_days=new_hire_days, ip=ip)

    return verify


def verifier_for(settings: Settings, clock: Clock, ip: str) -> Verifier:
    """The login form's judge under these settings."""
    directory = directory_of(settings)
    if directory is None:
        return local_verifier
    return directory_verifier(directory, clock, new_hire_days=settings.new_hire_due_days, ip=ip)
