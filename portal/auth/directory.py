"""Sign-in against the company directory (OpenLDAP or Active Directory) with ldap3.

The portal binds **as the user** with the password they typed (no service account keeps a password in
the portal), then reads the user's own entry and the groups that list it as a member, with that same
connection.  What comes back is a :class:`~portal.auth.identities.ExternalPerson`; the identities module
turns it into a local account.  Everything the portal puts into a DN or a filter is escaped, so a login
such as ``*`` or ``x)(uid=*`` matches nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import ldap3
from ldap3.core.exceptions import LDAPBindError, LDAPException, LDAPSocketOpenError
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import escape_rdn

from domain.errors import HandbookError
from portal.access import Role
from portal.auth.identities import PERSON_FIELDS, ExternalPerson

log = logging.getLogger(__name__)


class DirectoryUnavailable(HandbookError):
    """The directory did not answer: nobody's password was judged, so no failure is counted."""

    user_message = "暂时无法连接公司目录服务，请稍后再试或联系管理员。"


@dataclass(frozen=True)
class DirectoryConfig:
    """How to reach the directory and read a person from it (``LDAP_*`` settings; docs/sign-in.md)."""

    url: str
    bind_dn_template: str
    """The DN (or, for AD, the UPN) to bind with: ``uid={login},ou=people,dc=example,dc=com`` or ``{login}@corp.example.com``."""
    base_dn: str
    user_filter: str = "(uid={login})"
    attributes: Mapping[str, str] | None = None
    """Portal field (employee_no, name, department, position, email) → directory attribute."""
    group_filter: str = "(&(objectClass=groupOfNames)(member={dn}))"
    group_roles: Mapping[str, Role] | None = None
    """Group cn → the role its members have in the portal."""
    active_filter: str = ""
    """A filter the person's entry must also match to be let in, e.g. ``(!(employeeType=离职))`` or, for AD,
    ``(!(userAccountControl:1.2.840.113556.1.4.803:=2))``; empty: every entry that can bind is active."""
    timeout: float = 5.0

    def field_attributes(self) -> Mapping[str, str]:
        return self.attributes or DEFAULT_ATTRIBUTES


DEFAULT_ATTRIBUTES: dict[str, str] = {
    "employee_no": "employeeNumber", "name": "cn", "department": "departmentNumber", "position": "title",
    "email": "mail",
}


def parse_pairs(items: Iterable[str]) -> dict[str, str]:
    """``("a=b", "c=d")`` → ``{"a": "b", "c": "d"}`` (the form of list settings; blanks ignored)."""
    pairs: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if sep and key.strip() and value.strip():
            pairs[key.strip()] = value.strip()
    return pairs


def config_from_settings(
    url: str, bind_dn_template: str, base_dn: str, user_filter: str, attributes: Iterable[str],
    group_filter: str, group_roles: Iterable[str], active_filter: str, timeout: float,
) -> DirectoryConfig:
    """The config from the ``LDAP_*`` settings; unknown fields and roles are refused at start, not at login."""
    mapped = {**DEFAULT_ATTRIBUTES, **parse_pairs(attributes)}
    unknown = set(mapped) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"LDAP_ATTRIBUTES: unknown portal fields {sorted(unknown)}")
    roles = {group: Role(role) for group, role in parse_pairs(group_roles).items()}
    return DirectoryConfig(url, bind_dn_template, base_dn, user_filter or "(uid={login})", mapped,
                           group_filter or DirectoryConfig.group_filter, roles, active_filter, timeout)


def _first(entry: ldap3.Entry, attribute: str) -> str:
    if attribute not in entry.entry_attributes:
        return ""
    values = entry[attribute].values
    return str(values[0]).strip() if values else ""


class LdapDirectory:
    """One directory.  :meth:`authenticate` opens a connection per sign-in and closes it."""

    def __init__(self, config: DirectoryConfig) -> None:
        self.config = config

    def _server(self) -> ldap3.Server:
        return ldap3.Server(self.config.url, connect_timeout=self.config.timeout, get_info=ldap3.NONE)

    def authenticate(self, login: str, password: str) -> ExternalPerson | None:
        """The person when ``login``/``password`` bind; None when the directory refuses them."""
        login = login.strip()
        if not login or not password:  # an empty password would be an anonymous bind, which "succeeds"
            return None
        bind_dn = self.config.bind_dn_template.format(login=escape_rdn(login))
        # ldap3 sets SO_RCVTIMEO with whole seconds
        connection = ldap3.Connection(self._server(), bind_dn, password, receive_timeout=max(1, round(self.config.timeout)),
                                      read_only=True)
        try:
            connection.open()
            if not connection.bind():
                return None
            return self._read_person(connection, login)
        except LDAPBindError:
            return None
        except (LDAPSocketOpenError, LDAPException) as error:
            if connection.socket is not None:  # ldap3 leaves the socket of a refused connect open
                connection.socket.close()
            log.warning("directory %s failed for %r: %s", self.config.url, login, error)
            raise DirectoryUnavailable(f"directory {self.config.url}: {error}") from error
        finally:
            connection.unbind()

    def _read_person(self, connection: ldap3.Connection, login: str) -> ExternalPerson | None:
        user_filter = self.config.user_filter.format(login=escape_filter_chars(login))
        fields = self.config.field_attributes()
        connection.search(self.config.base_dn, user_filter, ldap3.SUBTREE, attributes=sorted(set(fields.values())))
        if len(connection.entries) != 1:
            log.warning("directory: %d entries for login %r", len(connection.entries), login)
            return None
        entry = connection.entries[0]
        dn = str(entry.entry_dn)
        values = {name: _first(entry, attribute) for name, attribute in fields.items()}
        return ExternalPerson(
            provider="ldap", subject=dn.lower(), groups=self._groups(connection, dn),
            active=self._is_active(connection, dn), **values,
        )

    def _groups(self, connection: ldap3.Connection, dn: str) -> frozenset[str]:
        group_filter = self.config.group_filter.format(dn=escape_filter_chars(dn))
        connection.search(self.config.base_dn, group_filter, ldap3.SUBTREE, attributes=["cn"])
        return frozenset(_first(entry, "cn") for entry in connection.entries if _first(entry, "cn"))

    def _is_active(self, connection: ldap3.Connection, dn: str) -> bool:
        if not self.config.active_filter:
            return True
        connection.search(dn, self.config.active_filter, ldap3.BASE, attributes=[])
        return len(connection.entries) == 1

    def roles_of(self, person: ExternalPerson) -> tuple[frozenset[Role], frozenset[Role]]:
        """(the roles the person's groups give, every role the directory manages)."""
        mapping = self.config.group_roles or {}
        return frozenset(role for group, role in mapping.items() if group in person.groups), frozenset(mapping.values())
