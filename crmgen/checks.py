"""The format's rules about what a parsed client means, one small function each.

Parsing already reports what cannot be read (types, dates, YAML); these rules
look at a client as a whole, with the project's configuration, and two of them
with today's date too. The others' verdicts stand while the file and the
configuration do, so they are kept in the cache with the parse.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from crmgen.config import Config
from crmgen.model import Client, Deal, Problem
from crmgen.parse import parse_client

Rule = Callable[[Client, Config], Iterator[Problem]]
DatedRule = Callable[[Client, Config, dt.date], Iterator[Problem]]


def _deal_line(client: Client, deal: Deal, key: str) -> int:
    """A deal key's line: the top-level key of a one-deal client, else the deal."""
    if "deals" in client.front_matter:
        return deal.line
    return client.key_lines.get(key, deal.line)


def lost_needs_reason(client: Client, config: Config) -> Iterator[Problem]:
    """A lost deal says why the client declined (`lost_reason`)."""
    for deal in client.deals:
        if deal.stage == "lost" and not deal.lost_reason:
            yield Problem(
                client.path,
                _deal_line(client, deal, "stage"),
                "error",
                "missing-lost-reason",
                f"deal `{deal.title}` is lost but has no `lost_reason`; add "
                f"one such as `lost_reason: price`",
            )


def lost_reason_listed(client: Client, config: Config) -> Iterator[Problem]:
    """A lost reason is one of the project's reasons, so reasons stay countable."""
    if not config.lost_reasons:
        return
    for deal in client.deals:
        if deal.lost_reason and deal.lost_reason not in config.lost_reasons:
            yield Problem(
                client.path,
                _deal_line(client, deal, "lost_reason"),
                "warning",
                "unlisted-lost-reason",
                f"lost reason `{deal.lost_reason}` is not one of the "
                f"project's ({', '.join(config.lost_reasons)}); use one of "
                f"them and put the details in the log",
            )


def reason_only_when_lost(client: Client, config: Config) -> Iterator[Problem]:
    """Only a lost deal carries a `lost_reason`."""
    for deal in client.deals:
        if deal.lost_reason and deal.stage != "lost":
            yield Problem(
                client.path,
                _deal_line(client, deal, "lost_reason"),
                "warning",
                "reason-not-lost",
                f"deal `{deal.title}` has a `lost_reason` but its stage is "
                f"`{deal.stage}`, not lost",
            )


def settled_probability(stage: str) -> int | None:
    """The probability of a deal in a stage whose outcome is certain: 100
    for won, 0 for lost; None for any other stage."""
    return {"won": 100, "lost": 0}.get(stage)


def closed_probability(client: Client, config: Config) -> Iterator[Problem]:
    """A won deal is at 100 %, a lost one at 0 %."""
    for deal in client.deals:
        expected = settled_probability(deal.stage)
        if expected is not None and deal.probability != expected:
            yield Problem(
                client.path,
                _deal_line(client, deal, "probability"),
                "warning",
                "closed-probability",
                f"deal `{deal.title}` is {deal.stage} but its probability "
                f"is {deal.probability}; a {deal.stage} deal is at "
                f"{expected}, so remove the key or set it to {expected}",
            )


def closed_on_matches_stage(client: Client, config: Config) -> Iterator[Problem]:
    """A closed deal says when it closed; an open one has no `closed_on`."""
    for deal in client.deals:
        if deal.is_open and deal.closed_on is not None:
            yield Problem(
                client.path,
                _deal_line(client, deal, "closed_on"),
                "warning",
                "closed-on-open-deal",
                f"deal `{deal.title}` has `closed_on` but its stage "
                f"`{deal.stage}` is open; remove it or move the stage",
            )
        elif not deal.is_open and deal.closed_on is None:
            yield Problem(
                client.path,
                _deal_line(client, deal, "stage"),
                "warning",
                "missing-closed-on",
                f"deal `{deal.title}` is {deal.stage} but has no "
                f"`closed_on`; add the date it closed so reports can "
                f"place it",
            )


def known_kinds(client: Client, config: Config) -> Iterator[Problem]:
    """Every log entry's kind is one the project knows."""
    kinds = config.kinds  # a property that builds its tuple on every use
    for entry in client.log:
        if entry.kind not in kinds:
            close = difflib.get_close_matches(entry.kind, kinds, n=1)
            hint = f"did you mean `{close[0]}`? " if close else ""
            yield Problem(
                client.path,
                entry.line,
                "warning",
                "unknown-kind",
                f"unknown log kind `{entry.kind}`; {hint}expected one of "
                f"{', '.join(config.kinds)}",
            )


def no_future_entries(
    client: Client, config: Config, today: dt.date
) -> Iterator[Problem]:
    """No log entry is dated after today: planned contact is `next_follow_up`."""
    for entry in client.log:
        if entry.date > today:
            yield Problem(
                client.path,
                entry.line,
                "warning",
                "future-entry",
                f"this entry is dated {entry.date}, after today ({today}); "
                f"planned contact belongs in `next_follow_up`",
            )


def no_future_last_contact(
    client: Client, config: Config, today: dt.date
) -> Iterator[Problem]:
    """`last_contact` is not after today: a contact still to come does not count."""
    last = client.last_contact_key
    if last is not None and last > today:
        yield Problem(
            client.path,
            client.key_lines.get("last_contact", 1),
            "warning",
            "future-last-contact",
            f"`last_contact` is {last}, after today ({today}), so it does not "
            f"count yet; planned contact belongs in `next_follow_up`",
        )


def stage_entries_name_deals(client: Client, config: Config) -> Iterator[Problem]:
    """A stage entry of a multi-deal client names one of its deals."""
    titles = {deal.title for deal in client.deals}
    several = "deals" in client.front_matter
    for entry in client.log:
        change = entry.change
        if change is None or change.deal is None or not several:
            continue
        if change.deal not in titles:
            yield Problem(
                client.path,
                entry.line,
                "warning",
                "unknown-deal",
                f"the stage entry names deal `{change.deal}`, which is not "
                f"in `deals` ({', '.join(sorted(titles))})",
            )


def contact_dates_in_order(client: Client, config: Config) -> Iterator[Problem]:
    """`last_contact` is not before `first_contact`."""
    first, last = client.first_contact, client.last_contact_key
    if first is not None and last is not None and last < first:
        yield Problem(
            client.path,
            client.key_lines.get("last_contact", 1),
            "warning",
            "contact-before-first",
            f"`last_contact` {last} is before `first_contact` {first}",
        )


# One address: something, an @, and a domain with a dot; no spaces or commas.
EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]+")


def email_is_an_address(client: Client, config: Config) -> Iterator[Problem]:
    """`email` holds one address, so that the site can link it and exports
    and calendars carry something a mail program can use."""
    email = client.text("email")
    if email is not None and not EMAIL.fullmatch(email.strip()):
        yield Problem(
            client.path,
            client.key_lines.get("email", 1),
            "warning",
            "bad-email",
            f"`email` is `{email}`, which is not one address like "
            f"`ann@example.com`; put other addresses or notes in the body",
        )


# The rules that depend on the file and the configuration alone: their
# problems are kept in the cache with the parse (see parse_checked).
RULES: tuple[Rule, ...] = (
    lost_needs_reason,
    lost_reason_listed,
    reason_only_when_lost,
    closed_probability,
    closed_on_matches_stage,
    known_kinds,
    stage_entries_name_deals,
    contact_dates_in_order,
    email_is_an_address,
)
# The rules that depend on today's date too, run on every load.
DATED_RULES: tuple[DatedRule, ...] = (no_future_entries, no_future_last_contact)


def check_client(client: Client, config: Config, today: dt.date) -> list[Problem]:
    """Run every rule over one client."""
    return check_file(client, config) + check_dated(client, config, today)


def check_file(client: Client, config: Config) -> list[Problem]:
    """Run the rules that do not depend on today's date."""
    return [problem for rule in RULES for problem in rule(client, config)]


def check_dated(client: Client, config: Config, today: dt.date) -> list[Problem]:
    """Run the rules that depend on today's date."""
    return [problem for rule in DATED_RULES for problem in rule(client, config, today)]


def parse_checked(
    path: str, data: bytes, config: Config
) -> tuple[Client | None, list[Problem]]:
    """parse_client, with the rules that do not depend on today run: what a
    file's bytes and the configuration make of it. The client carries its
    problems so far, sorted (see with_problems)."""
    client, problems = parse_client(path, data, config)
    if client is None:
        return None, problems
    return with_problems(client, problems + check_file(client, config))


def with_problems(
    client: Client, problems: list[Problem]
) -> tuple[Client, list[Problem]]:
    """The client carrying these problems, sorted, and the problems."""
    ordered = tuple(sorted(problems))
    if ordered == client.problems:  # most clients: none, as parsed
        return client, problems
    return replace(client, problems=ordered), problems
