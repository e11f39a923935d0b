"""The demo municipality's staff: the demo accounts and a generated person in every post."""

from __future__ import annotations

import datetime as dt
import random

from samsyn.demo import names
from samsyn.demo import organisation as org
from samsyn.demo.plan import PlannedStaff

# E-mail domains under the reserved top-level domain .example (RFC 2606): nobody gets mail.
_DOMAINS = {
    "kommun": "dalby.example",
    "region": "vastland.example",
    "friskola": "ekbackensfriskola.example",
    "polisen": "polisen.example",
}


def _email_domain(unit_key: str) -> str:
    agency = next(u.agency for u in org.UNITS if u.key == unit_key)
    principal = next(p for key, p, _name in org.AGENCIES if key == agency)
    return _DOMAINS[principal]


def plan_staff(*, rng: random.Random, today: dt.date) -> list[PlannedStaff]:
    """The demo accounts first, then every post of :data:`organisation.POSTS`."""
    staff: list[PlannedStaff] = []
    taken_names: set[tuple[str, str]] = set()
    usernames: set[str] = set(org.DEMO_USERNAMES)
    for n, account in enumerate(org.DEMO_ACCOUNTS):
        taken_names.add((account.first_name, account.last_name))
        staff.append(
            PlannedStaff(
                username=account.username,
                first_name=account.first_name,
                last_name=account.last_name,
                title=account.title,
                unit=account.unit,
                role=account.role,
                valid_from=dt.date(today.year - account.years_in_post, 8, 1),
                email=f"{names.ascii_slug(account.first_name + ' ' + account.last_name)}"
                f"@{_email_domain(account.unit)}",
                phone=names.fiction_phone(n),
                demo=True,
                is_staff=account.is_staff,
            )
        )
    for post in org.POSTS:
        for _i in range(post.count):
            while True:
                first = rng.choice(names.WOMEN if rng.random() < 0.7 else names.MEN)
                last = rng.choice(names.SURNAMES)
                if (first, last) not in taken_names:
                    taken_names.add((first, last))
                    break
            slug = names.ascii_slug(f"{first} {last}")
            username, suffix = slug, 2
            while username in usernames:
                username, suffix = f"{slug}{suffix}", suffix + 1
            usernames.add(username)
            years = rng.randint(1, 4) if post.junior else rng.randint(5, 14)
            staff.append(
                PlannedStaff(
                    username=username,
                    first_name=first,
                    last_name=last,
                    title=post.title,
                    unit=post.unit,
                    role=post.role,
                    valid_from=dt.date(today.year - years, rng.randint(1, 12), 1),
                    email=f"{slug}@{_email_domain(post.unit)}",
                    phone=names.fiction_phone(len(staff)),
                )
            )
    return staff


class Rotation:
    """Hands out the staff of a unit and role in turn (the demo account first)."""

    def __init__(self, staff: list[PlannedStaff], unit: str, role: str) -> None:
        self.people = [s.username for s in staff if s.unit == unit and s.role == role]
        self.n = 0

    def next(self) -> str:
        person = self.people[self.n % len(self.people)]
        self.n += 1
        return person
