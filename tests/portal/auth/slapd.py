"""A real OpenLDAP server (Debian's slapd) on loopback, with a small company directory, for the sign-in tests.

Each server gets its own folder: a slapd.conf, an mdb database loaded offline with slapadd, and a free
port on 127.0.0.1.  Tests change the directory through the root DN, as an administrator would.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SLAPD = Path("/usr/sbin/slapd")
SLAPADD = Path("/usr/sbin/slapadd")
SCHEMAS = Path("/etc/ldap/schema")
BASE = "dc=example,dc=com"
ROOT_DN = f"cn=admin,{BASE}"
ROOT_PASSWORD = "directory-root-secret"
PEOPLE = f"ou=people,{BASE}"
GROUPS = f"ou=groups,{BASE}"

_CONF = """\
include {schemas}/core.schema
include {schemas}/cosine.schema
include {schemas}/nis.schema
include {schemas}/inetorgperson.schema
pidfile {folder}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 16777216
suffix "{base}"
rootdn "{root_dn}"
rootpw {root_password}
directory {folder}/data
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by * none
"""


@dataclass(frozen=True)
class Person:
    """One person of the test directory (an inetOrgPerson under ou=people)."""

    uid: str
    password: str
    name: str
    employee_no: str
    department: str
    title: str
    mail: str
    employee_type: str = "在职"

    @property
    def dn(self) -> str:
        return f"uid={self.uid},{PEOPLE}"


COMPANY: tuple[Person, ...] = (
    Person("zhangwei", "ldap-pass-zhang", "张伟", "L1001", "销售部", "销售专员", "zhangwei@example.com"),
    Person("lina", "ldap-pass-lina", "李娜", "L1002", "人力资源部", "人事主管", "lina@example.com"),
    Person("wangfang", "ldap-pass-wang", "王芳", "L1003", "销售部", "销售经理", "wangfang@example.com"),
    Person("liuyang", "ldap-pass-liu", "刘洋", "L1004", "财务部", "会计", "liuyang@example.com", "离职"),
)
# Group cn → members' uids.
COMPANY_GROUPS: dict[str, tuple[str, ...]] = {
    "handbook-hr": ("lina",),
    "sales-managers": ("wangfang",),
    "all-staff": ("zhangwei", "lina", "wangfang", "liuyang"),
}


def company_ldif(people: tuple[Person, ...] = COMPANY, groups: dict[str, tuple[str, ...]] = COMPANY_GROUPS) -> str:
    entries = [
        f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: 示例公司",
        f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people",
        f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups",
    ]
    for p in people:
        entries.append(
            f"dn: {p.dn}\nobjectClass: inetOrgPerson\nuid: {p.uid}\ncn: {p.name}\nsn: {p.name[0]}\n"
            f"employeeNumber: {p.employee_no}\ndepartmentNumber: {p.department}\ntitle: {p.title}\n"
            f"mail: {p.mail}\nemployeeType: {p.employee_type}\nuserPassword: {p.password}"
        )
    for cn, members in groups.items():
        lines = "".join(f"\nmember: uid={uid},{PEOPLE}" for uid in members)
        entries.append(f"dn: cn={cn},{GROUPS}\nobjectClass: groupOfNames\ncn: {cn}{lines}")
    return "\n\n".join(entries) + "\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SlapdServer:
    """slapd in the foreground (``-d 0``) on ``127.0.0.1:<port>``; :meth:`stop` ends it and its folder."""

    def __init__(self, folder: Path, ldif: str) -> None:
        if not SLAPD.exists():
            raise RuntimeError("slapd is not installed: run scripts/setup (Debian packages slapd, ldap-utils)")
        self.folder = folder
        (folder / "data").mkdir(parents=True)
        conf = folder / "slapd.conf"
        conf.write_text(_CONF.format(schemas=SCHEMAS, folder=folder, base=BASE, root_dn=ROOT_DN,
                                     root_password=ROOT_PASSWORD))
        (folder / "company.ldif").write_text(ldif, encoding="utf-8")
        subprocess.run([str(SLAPADD), "-q", "-f", str(conf), "-l", str(folder / "company.ldif")], check=True,
                       capture_output=True)
        self.port = free_port()
        self.url = f"ldap://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([str(SLAPD), "-f", str(conf), "-h", self.url + "/", "-d", "0"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_until_listening()

    def _wait_until_listening(self, seconds: float = 10.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd exited: {self.process.stderr.read().decode() if self.process.stderr else ''}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("slapd did not start listening")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def modify(self, dn: str, **values: str) -> None:
        """Replace attributes of an entry, as the directory's administrator (ldap3, root DN)."""
        import ldap3

        # Not ``with``: ldap3's context manager leaves a connection bound before it entered open.
        connection = ldap3.Connection(ldap3.Server(self.url), ROOT_DN, ROOT_PASSWORD, auto_bind=True)
        try:
            changes = {name: [(ldap3.MODIFY_REPLACE, [value])] for name, value in values.items()}
            assert connection.modify(dn, changes), connection.result
        finally:
            connection.unbind()


def directory_settings(server: SlapdServer) -> dict[str, object]:
    """The portal's LDAP_* settings for the test directory (the same shape as docs/sign-in.md's example)."""
    return {
        "LDAP_URL": server.url,
        "LDAP_BIND_DN": f"uid={{login}},{PEOPLE}",
        "LDAP_BASE_DN": BASE,
        "LDAP_USER_FILTER": "(uid={login})",
        "LDAP_GROUP_ROLES": ("handbook-hr=hr", "sales-managers=manager"),
        "LDAP_ACTIVE_FILTER": "(!(employeeType=离职))",
        "LDAP_TIMEOUT": 3.0,
    }
