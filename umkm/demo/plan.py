"""Pass 1 of the demo seeder: the plan of each business and its dated life (umkm.demo)."""

import datetime
import math

from umkm.demo.profiles import (
    CONSENT_REASON,
    CONSENT_SHARE,
    CONSENT_WITHDRAWN_SHARE,
    EARLY_COHORTS,
    ENROLMENT_WEIGHTS,
    FIRST_TARGET_YEAR,
    LATER_STAGES,
    MENTORING_MONTHS,
    MENTORING_MONTHS_DKI,
    MOVE_KECAMATAN_REASON,
    MOVE_RATE,
    MOVE_REASON,
    NAIK_KELAS_RATE,
    NAIK_KELAS_REASON,
    NEW_PER_KECAMATAN,
    NONAKTIF_RATE,
    NONAKTIF_RATE_PANDEMIC,
    NONAKTIF_REASONS,
    PANDEMIC_REASON,
    RAMADAN_MONTH,
    REACTIVATE_RATE,
    REACTIVATE_REASON,
    RECENT_SHARE_MAX,
    SECTOR_PROFILES,
    WITHDRAWN_REASON,
)
from umkm.models import BusinessStatus, scale_for


def _days_in_year(year: int) -> int:
    return (datetime.date(year, 12, 31) - datetime.date(year, 1, 1)).days + 1


def _quarter(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the quarter of `day`."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = datetime.date(day.year, first_month, 1)
    if first_month == 10:
        return start, datetime.date(day.year, 12, 31)
    return start, datetime.date(day.year, first_month + 3, 1) - datetime.timedelta(days=1)


class _Business:
    """What pass 1 plans for one business: where and when, its changes, its trainings."""

    __slots__ = (
        "bid",
        "capital",
        "end",
        "events",
        "kec",
        "kel",
        "moves",
        "naik",
        "omzet",
        "sector",
        "since",
        "trainings",
        "wants",
    )  # fmt: skip

    def kec_on(self, day: datetime.date) -> str:
        kec = self.kec
        for moved_on, to in self.moves:
            if moved_on <= day:
                kec = to
        return kec


class PlanMixin:
    """Pass 1 of the seeder: who joins when and where, and what happens to each business
    afterwards (the dated timeline, mentoring sessions, later 7P stages). Mixed into
    umkm.demo.seeder._Seeder, whose state (self.rng, self.today, the areas) it reads."""

    def _day_in(self, year: int) -> datetime.date:
        """A day of `year`, never after today."""
        last = min(datetime.date(year, 12, 31), self.today)
        span = (last - datetime.date(year, 1, 1)).days
        return datetime.date(year, 1, 1) + datetime.timedelta(days=self.rnd.randint(0, span))

    def _cohorts(self) -> list[tuple[str, datetime.date]]:
        """(kecamatan, mentored since) for each business, in the order they were registered."""
        rnd, today = self.rnd, self.today
        recent_years = list(range(FIRST_TARGET_YEAR, today.year + 1))
        this_year_share = (today - datetime.date(today.year, 1, 1)).days / _days_in_year(today.year)
        kecs = self.kecamatan_codes
        kec_weights = [sum(self.weights_by_kec[k]) for k in kecs]
        plan: list[tuple[str, datetime.date]] = []
        if self.city_wide:
            cells = {
                (kec, year): rnd.randint(*NEW_PER_KECAMATAN)
                * (this_year_share if year == today.year else 1.0)
                for kec in kecs
                for year in recent_years
            }
            planned = sum(cells.values())
            scale = min(1.0, self.n * RECENT_SHARE_MAX / planned) if planned else 0
            for (kec, year), wanted in cells.items():
                exact = wanted * scale
                count = int(exact) + (rnd.random() < exact - int(exact))
                if year == today.year and scale == 1.0:
                    # This year so far, rounded up: on 2 December, 16 planned make 15 (83%).
                    count = math.ceil(exact)
                plan.extend((kec, self._day_in(year)) for _ in range(count))
            plan = plan[: self.n]
            early_years = list(EARLY_COHORTS)
            early_weights = list(EARLY_COHORTS.values())
            for _ in range(self.n - len(plan)):
                kec = rnd.choices(kecs, kec_weights)[0]
                year = rnd.choices(early_years, early_weights)[0]
                plan.append((kec, self._day_in(year)))
        else:
            for _ in range(self.n):
                kec = rnd.choices(kecs, kec_weights)[0]
                plan.append((kec, self._day_in(rnd.choice(recent_years))))
        plan.sort(key=lambda p: (p[1], p[0]))
        return plan

    def _kelurahan_in(self, kec: str, *, other_than: str = "") -> str:
        codes = self.kelurahan_by_kec[kec]
        weights = self.weights_by_kec[kec]
        choices = [(c, w) for c, w in zip(codes, weights, strict=True) if c != other_than]
        if not choices:
            return codes[0]
        return self.rnd.choices([c for c, _ in choices], [w for _, w in choices])[0]

    def _timeline(self, b: _Business) -> None:
        """The dated changes of one business: (day, reason, values after it), at most one a
        day, in date order, none after today. Status changes and moves only after its first
        year."""
        rnd, today = self.rnd, self.today
        candidates = []
        if rnd.random() < CONSENT_SHARE:
            day = b.since + datetime.timedelta(days=rnd.randint(1, 120))
            candidates.append((day, "consent"))
            if rnd.random() < CONSENT_WITHDRAWN_SHARE:
                candidates.append((day + datetime.timedelta(days=rnd.randint(90, 900)), "withdraw"))
        later_years = range(b.since.year + 1, today.year + 1)
        if later_years and rnd.random() < MOVE_RATE:
            candidates.append((self._day_in(rnd.choice(later_years)), "move"))
        for year in later_years:
            candidates.append((self._day_in(year), "status"))
        candidates.sort()

        status, kel, consent, consent_at = BusinessStatus.AKTIF, b.kel, False, None
        capital, omzet = b.capital, b.omzet
        last = b.since
        b.events, b.moves, b.end, b.naik = [], [], None, False
        for day, kind in candidates:
            day = max(day, last + datetime.timedelta(days=1))
            if day > today:
                break
            reason = None
            if kind == "consent" and status == BusinessStatus.AKTIF:
                consent, consent_at, reason = True, self._at(day), CONSENT_REASON
            elif kind == "withdraw" and consent:
                consent, reason = False, WITHDRAWN_REASON
            elif kind == "move" and status == BusinessStatus.AKTIF:
                kec = b.kec_on(day)
                if len(self.kecamatan_codes) > 1 and rnd.random() < 0.4:
                    kec = rnd.choice([k for k in self.kecamatan_codes if k != kec])
                    kel, reason = self._kelurahan_in(kec), MOVE_KECAMATAN_REASON
                else:
                    kel, reason = self._kelurahan_in(kec, other_than=kel), MOVE_REASON
                b.moves.append((day, kec))
            elif kind == "status" and status == BusinessStatus.AKTIF:
                rate = NONAKTIF_RATE_PANDEMIC if day.year == 2020 else NONAKTIF_RATE
                r = rnd.random()
                if r < rate:
                    status = BusinessStatus.NONAKTIF
                    reason = PANDEMIC_REASON if day.year == 2020 else rnd.choice(NONAKTIF_REASONS)
                elif day.year - b.since.year >= 2 and r < rate + NAIK_KELAS_RATE:
                    status, reason, b.naik = BusinessStatus.NAIK_KELAS, NAIK_KELAS_REASON, True
                    capital = rnd.randint(11, 40) * 100_000_000
                    omzet = max(omzet or 0, rnd.randint(21, 60) * 100_000_000)
            elif (
                kind == "status"
                and status == BusinessStatus.NONAKTIF
                and rnd.random() < REACTIVATE_RATE
            ):
                status, reason = BusinessStatus.AKTIF, REACTIVATE_REASON
            if reason is None:
                continue
            if status != BusinessStatus.AKTIF and b.end is None:
                b.end = day  # programme activity stops on the day it left
            scale = scale_for(capital=capital, yearly_omzet=omzet)
            b.events.append(
                (day, reason, (status, kel, consent, consent_at, capital, omzet, scale))
            )
            last = day

    def _plan(self) -> list[_Business]:
        rnd = self.rnd
        sector_codes = list(SECTOR_PROFILES)
        sector_shares = [SECTOR_PROFILES[c][0] for c in sector_codes]
        plan = []
        for kec, since in self._cohorts():
            b = _Business()
            b.kec, b.since = kec, since
            b.kel = self._kelurahan_in(kec)
            b.sector = rnd.choices(sector_codes, sector_shares)[0]
            b.omzet = int(min(60e9, rnd.lognormvariate(math.log(72e6), 1.0)) // 100_000 * 100_000)
            b.capital = (
                int(min(9e8, rnd.lognormvariate(math.log(20e6), 1.1)) // 100_000 * 100_000)
                if rnd.random() < 0.6
                else None
            )
            self._timeline(b)
            # Trainings wanted: the first soon after registration, the others later while
            # the business is still in the programme.
            last_day = min(b.end or self.today, self.today) - datetime.timedelta(days=3)
            k = rnd.choices(range(len(ENROLMENT_WEIGHTS)), ENROLMENT_WEIGHTS)[0]
            b.wants = []
            first = since + datetime.timedelta(days=rnd.randint(14, 150))
            if k and first <= last_day:
                b.wants.append(first)
                span = (last_day - first).days
                for _ in range(k - 1):
                    if span > 60:
                        b.wants.append(first + datetime.timedelta(days=rnd.randint(60, span)))
            b.trainings = []
            plan.append(b)
        return plan

    # --- trainings ---------------------------------------------------------------------

    def _sessions(self, b: _Business, after: datetime.date):
        """Monthly sessions from soon after its first training for 4-30 months (a month
        missed now and then), each with that month's omzet."""
        rnd = self.rnd
        stop = min(b.end or self.today, self.today)
        first = after + datetime.timedelta(days=rnd.randint(7, 60))
        growth = rnd.gauss(0.35 if b.naik else 0.12, 0.15)
        base = (b.omzet or 36_000_000) / 12
        food_or_fashion = b.sector in ("kuliner", "fesyen")
        months = rnd.randint(*(MENTORING_MONTHS if self.city_wide else MENTORING_MONTHS_DKI))
        for m in range(months):
            month = first.month - 1 + m
            year, month = first.year + month // 12, month % 12 + 1
            day = datetime.date(year, month, min(28, max(1, first.day + rnd.randint(-3, 3))))
            if day >= stop:
                break
            if m and rnd.random() < 0.08:
                continue
            years = (day - first).days / 365.25
            factor = max(0.3, 1 + growth) ** years * rnd.uniform(0.85, 1.15)
            if month == 12:
                factor *= 1.08
            if food_or_fashion and RAMADAN_MONTH.get(year) == month:
                factor *= 1.3
            if datetime.date(2020, 4, 1) <= day <= datetime.date(2021, 6, 30):
                factor *= 0.7
            yield day, int(base * factor) // 10_000 * 10_000

    def _later_stages(self, b: _Business, reached: list) -> None:
        if len(reached) < 3:
            return
        rnd = self.rnd
        stop = min(b.end or self.today, self.today)
        day = reached[-1][1]
        for code, chance in LATER_STAGES:
            if rnd.random() > chance:
                break
            day = day + datetime.timedelta(days=rnd.randint(30, 200))
            if day > stop:
                break
            reached.append((code, day))
