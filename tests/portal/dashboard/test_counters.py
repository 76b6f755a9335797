"""The completion counters (issue 16 D2) against a full recount, after random sequences of the operations
that move them: signatures, rules added and removed, transfers, deactivations, new hires, role changes,
revisions (substantive and editorial), withdrawals and the days passing.  Runs on SQLite and, under
``scripts/with-postgres``, on PostgreSQL.  After every step the stored counters must equal a recount, and
the dashboard read from them must equal the old scan (today, for every past release, per department)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from portal.access import Role
from portal.acks.keys import RecordSigner
from portal.acks.services import SignRequest, has_signed, sign
from portal.admin.services import set_active
from portal.assignments.models import AssignmentRule
from portal.assignments.services import NewRule, add_rule, remove_rule
from portal.auth.models import User
from portal.auth.services import NewUser, Profile, create_user, set_roles, update_profile
from portal.clock import FixedClock
from portal.releases.models import Regulation, RegulationVersion
from portal.releases.services import withdraw_regulation
from portal.signing_status import counters
from portal.signing_status.queries import (
    DashboardFilter,
    completion_matrix,
    count_status_rows,
    releases,
    status_rows,
)

DEPARTMENTS = ("销售部", "市场部", "财务部")
SLUGS = ("sales", "meetings", "travel", "safety")
TITLES = {"sales": "销售管理制度", "meetings": "会议管理制度", "travel": "差旅管理制度", "safety": "安全管理制度"}


@dataclass
class World:
    """What the random walk knows: the session, the people, each regulation's current clause texts."""

    session: Session
    clock: FixedClock
    signer: RecordSigner
    admin: User
    publish: Callable[..., Any]
    document: Callable[..., Any]
    texts: dict[str, list[str]] = field(default_factory=dict)
    releases: int = 0
    hires: int = 0

    def people(self) -> list[User]:
        return list(self.session.scalars(select(User).where(User.id != self.admin.id).order_by(User.id)))

    def release(self, rng: random.Random, slugs: list[str]) -> None:
        self.releases += 1
        self.publish(f"2026.{self.releases}", *(self.document(s, TITLES[s], self.texts[s]) for s in slugs),
                     effective=self.clock.today())


def _revise(world: World, rng: random.Random) -> str:
    slugs = [s for s in SLUGS if s in world.texts]
    if len(slugs) < len(SLUGS) and rng.random() < 0.3:
        new = next(s for s in SLUGS if s not in world.texts)
        world.texts[new] = [f"{TITLES[new]}第1项。"]
        world.release(rng, [new])
        return f"new {new}"
    chosen = rng.sample(slugs, rng.randint(1, len(slugs)))
    editorial = rng.random() < 0.4
    for slug in chosen:
        if editorial:  # full-width digits: the same text to the diff, no one signs again
            world.texts[slug] = [t.translate(str.maketrans("0123456789１２３４５６７８９０", "１２３４５６７８９０0123456789"))
                                 for t in world.texts[slug]]
        else:
            world.texts[slug] = [*world.texts[slug], f"第{world.releases + 1}版新增一项。"]
    world.release(rng, chosen)
    return f"{'editorial' if editorial else 'substantive'} {chosen}"


def _sign(world: World, rng: random.Random) -> str:
    people = [u for u in world.people() if u.active]
    versions = world.session.scalars(
        select(RegulationVersion).join(Regulation, Regulation.current_version_id == RegulationVersion.id)
        .where(Regulation.retired.is_(False))
    ).all()
    if not people or not versions:
        return "nothing to sign"
    for _ in range(6):  # several signatures per step: signing is the common operation
        user, version = rng.choice(people), rng.choice(versions)
        if not has_signed(world.session, user.id, version):
            world.clock.advance(dt.timedelta(minutes=1))
            sign(world.session, world.clock, SignRequest(user.id, version.id, True, user.name, "10.0.0.1", "walk"),
                 signer=world.signer)
    return "signed"


def _add_rule(world: World, rng: random.Random) -> str:
    people = world.people()
    scope = rng.choice(["all", "department", "user", "role"])
    value = {"all": "", "department": rng.choice(DEPARTMENTS), "user": rng.choice(people).employee_no,
             "role": rng.choice(["manager", "employee"])}[scope]
    regulations = world.session.scalars(select(Regulation.id)).all()
    regulation = rng.choice([None, *regulations])
    fixed = rng.random() < 0.4
    rule = NewRule(scope, value, regulation, 0 if fixed else rng.randint(1, 40),
                   world.clock.today() + dt.timedelta(days=rng.randint(0, 30)) if fixed else None)
    add_rule(world.session, world.clock, rule)
    return f"rule {scope}:{value} reg {regulation}"


def _remove_rule(world: World, rng: random.Random) -> str:
    rules = world.session.scalars(select(AssignmentRule.id)).all()
    if not rules:
        return "no rule"
    chosen = rng.choice(rules)
    remove_rule(world.session, world.clock, chosen)
    return f"removed rule {chosen}"


def _transfer(world: World, rng: random.Random) -> str:
    user = rng.choice(world.people())
    department = rng.choice([d for d in DEPARTMENTS if d != user.department])
    profile = Profile(user.name, user.email, department, user.position, user.hire_date)
    update_profile(world.session, world.clock, user, profile, actor=world.admin)
    return f"transfer {user.employee_no} → {department}"


def _toggle_active(world: World, rng: random.Random) -> str:
    user = rng.choice(world.people())
    set_active(world.session, world.clock, user, not user.active, actor=world.admin)
    return f"{user.employee_no} active={user.active}"


def _hire(world: World, rng: random.Random) -> str:
    world.hires += 1
    hired = world.clock.today() - dt.timedelta(days=rng.randint(0, 30))
    user = create_user(world.session, world.clock, NewUser(
        employee_no=f"H{world.hires:03d}", name=f"新人{world.hires}", password="correct-horse-42",
        department=rng.choice(DEPARTMENTS), position="专员", hire_date=hired, email="",
        roles=frozenset({Role.EMPLOYEE}), must_change_password=False,
    ), hash_profile="fast")
    return f"hired {user.employee_no}"


def _roles(world: World, rng: random.Random) -> str:
    user = rng.choice(world.people())
    roles = frozenset({Role.EMPLOYEE, Role.MANAGER}) if Role.MANAGER not in user.roles else frozenset({Role.EMPLOYEE})
    set_roles(world.session, world.clock, user, roles, actor=world.admin)
    return f"{user.employee_no} roles {sorted(r.value for r in roles)}"


def _withdraw(world: World, rng: random.Random) -> str:
    live = world.session.scalars(select(Regulation).where(Regulation.retired.is_(False))).all()
    if len(live) < 2:
        return "keep the last one"
    regulation = rng.choice(live)
    withdraw_regulation(world.session, regulation.slug, "测试停用")
    return f"withdrew {regulation.slug}"


def _days_pass(world: World, rng: random.Random) -> str:
    world.clock.advance(dt.timedelta(days=rng.randint(1, 25)))
    return f"today {world.clock.today()}"


OPERATIONS: list[tuple[Callable[[World, random.Random], str], int]] = [
    (_sign, 6), (_add_rule, 2), (_remove_rule, 1), (_transfer, 3), (_toggle_active, 2), (_hire, 2),
    (_roles, 1), (_revise, 2), (_withdraw, 1), (_days_pass, 3),
]


def assert_counters_exact(session: Session, today: dt.date, step: str) -> None:
    assert counters.differences(session) == {}, step
    filters = [DashboardFilter(), DashboardFilter(department="市场部"), DashboardFilter(scope="财务部"),
               DashboardFilter(scope=""), *(DashboardFilter(release=r) for r in releases(session))]
    for criteria in filters:
        counted = completion_matrix(session, criteria, today)
        scanned = completion_matrix(session, criteria, today, scan=True)
        assert counted.cells == scanned.cells, (step, criteria)
        assert counted.departments == scanned.departments and counted.regulations == scanned.regulations, (step, criteria)
    for only in ("all", "signed", "unsigned", "overdue"):  # the people list's total, against its own rows
        for criteria in filters[:3]:
            listed = sum(1 for _ in status_rows(session, criteria, today, only=only))
            assert count_status_rows(session, criteria, today, only) == listed, (step, criteria, only)


@pytest.fixture
def world(record_signer: RecordSigner, session: Session, clock: FixedClock, make_user: Callable[..., Any],
          publish: Callable[..., Any], document: Callable[..., Any]) -> World:
    admin = make_user("管理员", roles={Role.ADMIN, Role.HR}, department="人力资源部")
    state = World(session, clock, record_signer, admin, publish, document)
    state.texts = {"sales": ["销售人员应遵守合同第1项。"], "meetings": ["会议应有纪要第2项。"]}
    state.release(random.Random(0), ["sales", "meetings"])
    add_rule(session, clock, NewRule("all", "", None, 30))
    add_rule(session, clock, NewRule("department", "销售部", None, 0, clock.today() + dt.timedelta(days=5)))
    session.commit()
    for i in range(8):
        make_user(f"员工{i}", department=DEPARTMENTS[i % 3],
                  roles={Role.MANAGER} if i == 0 else None, hire_date=clock.today() - dt.timedelta(days=3 * i))
    return state


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_counters_equal_a_full_recount_after_random_operations(world: World, seed: int) -> None:
    rng = random.Random(seed)
    kinds, weights = zip(*OPERATIONS, strict=True)
    done: list[str] = []
    most_signed = most_overdue = 0
    for _ in range(40):
        operation = rng.choices(kinds, weights)[0]
        done.append(operation(world, rng))
        world.session.commit()
        assert_counters_exact(world.session, world.clock.today(), " / ".join(done))
        total = completion_matrix(world.session, DashboardFilter(), world.clock.today()).total
        most_signed, most_overdue = max(most_signed, total.signed), max(most_overdue, total.overdue)
    assert most_signed > 0 and most_overdue > 0, done  # the walk did reach signed and overdue states


def test_the_comparison_fails_when_a_change_bypasses_the_counters(world: World) -> None:
    """The check can fail: a transfer written straight to the table (no service) is noticed, and the
    rebuild repairs it."""
    session = world.session
    _sign(world, random.Random(5))
    session.commit()
    assert_counters_exact(session, world.clock.today(), "before")
    moved = world.people()[1]
    session.execute(update(User).where(User.id == moved.id).values(department="财务部" if moved.department != "财务部" else "销售部"))
    session.commit()
    assert counters.differences(session)
    with pytest.raises(AssertionError):
        assert_counters_exact(session, world.clock.today(), "bypassed")
    counters.rebuild(session)
    session.commit()
    assert_counters_exact(session, world.clock.today(), "rebuilt")


def test_the_rebuild_command_and_the_check_command(world: World, runner: Any, tmp_path: Any) -> None:
    from cli.main import main

    session = world.session
    _sign(world, random.Random(6))
    session.execute(text("DELETE FROM completion_counters"))  # as after an upgrade without the migration's fill
    session.commit()
    url = session.get_bind().url.render_as_string(hide_password=False)
    env = {"DATABASE_URL": url}
    checked = runner.invoke(main, ["--root", str(tmp_path), "counters", "check"], env=env)
    assert checked.exit_code == 1 and "处不一致" in checked.output
    rebuilt = runner.invoke(main, ["--root", str(tmp_path), "counters", "rebuild"], env=env)
    assert rebuilt.exit_code == 0 and "已重新计算" in rebuilt.output
    assert runner.invoke(main, ["--root", str(tmp_path), "counters", "check"], env=env).exit_code == 0
    session.expire_all()
    assert_counters_exact(session, world.clock.today(), "after the command")


def test_the_migration_fills_the_counters_of_an_existing_database(world: World) -> None:
    """Upgrading a database that has signatures and assignments but no counters (0012 → 0013) fills them."""
    from alembic import command
    from sqlalchemy import create_engine

    from portal.migrate import alembic_config, upgrade

    session = world.session
    rng = random.Random(7)
    for operation in (_sign, _transfer, _sign, _days_pass):
        operation(world, rng)
        session.commit()
    expected = counters.count(session)
    session.close()  # nothing of ours holds the table while it is dropped
    engine = create_engine(session.get_bind().url.render_as_string(hide_password=False))
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0011_applicability")
        upgrade(engine)
    finally:
        engine.dispose()
    assert counters.stored(session) == expected and sum(expected.values()) > 0
    assert_counters_exact(session, world.clock.today(), "after the migration")
