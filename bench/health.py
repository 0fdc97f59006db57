"""How well the health score separates stations with injected faults from healthy ones.

    python -m bench.health [--stations 1000] [--seed 1]

Builds a week of signals for each station from a simple model of what Laddnet records (not
from recorded simulator runs): healthy stations (20-60 sessions, 0-3 % delivering nothing, an
occasional fault report, a reboot or two, a few lost connections), and three injected faults
in equal numbers: a connector failing one session in three, a station rebooting every hour,
and a charger delivering half its power. Prints, per kind, how many the score flags below
several thresholds (the default `health_min_score` is 85). Figures only.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from laddnet.domain.maintenance.alerts import DEFAULT_RULES
from laddnet.domain.maintenance.health import HealthSignals, score

NOW = datetime(2026, 12, 6, tzinfo=UTC)


def healthy(rng: random.Random) -> HealthSignals:
    sessions = rng.randint(20, 60)
    return HealthSignals(
        sessions=sessions,
        empty_sessions=sum(rng.random() < rng.uniform(0, 0.03) for _ in range(sessions)),
        fault_reports=rng.choice((0, 0, 0, 1)),
        boots=rng.randint(0, 2),
        disconnects=rng.randint(0, 6),
        last_energy_at=NOW - timedelta(hours=rng.uniform(0, 12)),
    )


def failing_one_in_three(rng: random.Random) -> HealthSignals:
    base = healthy(rng)
    empty = sum(rng.random() < 1 / 3 for _ in range(base.sessions))
    return HealthSignals(
        base.sessions, empty, base.fault_reports, base.boots, base.disconnects, base.last_energy_at
    )


def rebooting_hourly(rng: random.Random) -> HealthSignals:
    base = healthy(rng)
    reboots = 7 * 24
    return HealthSignals(
        base.sessions, base.empty_sessions, base.fault_reports, reboots, reboots, NOW
    )


def half_power(rng: random.Random) -> HealthSignals:
    return healthy(rng)  # delivered power is not among the signals yet: nothing to see


KINDS: dict[str, Callable[[random.Random], HealthSignals]] = {
    "healthy": healthy,
    "fails 1 session in 3": failing_one_in_three,
    "reboots every hour": rebooting_hourly,
    "delivers half its power": half_power,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=1000, help="per kind")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    thresholds = sorted({50, 80, DEFAULT_RULES.health_min_score, 90})
    header = "".join(f"{'< ' + str(t):>8}" for t in thresholds)
    print(f"{'kind':<26} {'stations':>8}{header} {'median':>8}")
    for name, make in KINDS.items():
        scores = sorted(score(make(rng), NOW).score for _ in range(args.stations))
        flagged = "".join(f"{sum(s < t for s in scores):>8}" for t in thresholds)
        print(f"{name:<26} {args.stations:>8}{flagged} {scores[len(scores) // 2]:>8}")


if __name__ == "__main__":
    main()
