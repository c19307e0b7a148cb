"""The kept summary per unit of a large instance (elearn/supervision/figures.py): the same figures
as the live count, read instead of it for a large view without filters, said on the page with
the time they were counted, counted again when due, and never used for a small or filtered view
or once stale. The people in the list stay live."""

import re
from datetime import timedelta

import pytest
from test_supervision_helpers import assign, build_agency, complete

from elearn.extensions import db
from elearn.models.figures import UnitFigures
from elearn.supervision import figures
from elearn.timeutil import utcnow

NOTE = "Dihitung pada"


@pytest.fixture
def config_overrides():
    return {"TEAM_FIGURES_MIN_PEOPLE": 3, "TEAM_FIGURES_REFRESH_MINUTES": 15}


@pytest.fixture
def agency(app, make_unit, make_user, tmp_path):
    return build_agency(make_unit, make_user, tmp_path)


def page(client, url="/team"):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def summary(html):
    """The summary table's rows as text, without the note."""
    start = html.index('id="summary-title"')
    part = html[start : html.index("</table>", start)]
    part = re.sub(r'<p class="muted small">.*?</p>', "", part, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part)).strip()


def test_kept_figures_are_the_live_ones_and_the_page_says_when(client, agency, login_as):
    complete(agency.dewi, agency.course)
    login_as(agency.admin)
    live = page(client)
    assert NOTE not in live
    assert figures.refresh() > 0
    kept = page(client)
    assert NOTE in kept and "WIB" in kept and "dihitung ulang setiap 15 menit" in kept
    assert summary(kept) == summary(live)


def test_the_list_stays_live_and_the_summary_waits_for_the_next_count(client, agency, login_as):
    assign(agency.admin, agency.course, units=[agency.a])
    login_as(agency.admin)
    figures.refresh()
    before = summary(page(client))
    assert "0/3 (0%)" in before  # Dinas A (with Bidang A1): three people assigned, none done
    complete(agency.agus, agency.course)
    html = page(client)
    assert summary(html) == before  # counted 0 minutes ago: not due yet
    jp = re.search(r'Agus Setiawan</a>.*?data-label="JP \d{4}">(\d+) / ', html, re.S)
    assert jp.group(1) == "4"  # his 4 JP in the list at once
    assert figures.refresh() == 0  # not due
    assert figures.refresh(now=utcnow() + timedelta(minutes=16)) > 0
    db.session.execute(db.update(UnitFigures).values(computed_at=utcnow()))
    db.session.commit()
    assert "1/3 (33%)" in summary(page(client))


def test_filters_and_stale_or_small_views_count_live(app, client, agency, login_as):
    login_as(agency.admin)
    figures.refresh()
    assert NOTE in page(client)
    for url in ("/team?status=overdue", "/team?jp=below", "/team?q=agus",
                f"/team?course={agency.course.id}"):  # fmt: skip
        assert NOTE not in page(client, url), url
    app.config["TEAM_FIGURES_MIN_PEOPLE"] = 1000  # a view smaller than the size that needs it
    assert NOTE not in page(client)
    app.config["TEAM_FIGURES_MIN_PEOPLE"] = 3
    db.session.execute(db.update(UnitFigures).values(computed_at=utcnow() - timedelta(minutes=31)))
    db.session.commit()
    assert NOTE not in page(client)  # older than twice the refresh time


def test_a_supervisor_sees_the_kept_figures_of_their_units_only(
    app, client, agency, login_as, make_user
):
    elsewhere = make_user(unit=agency.b, full_name="Sari Bawahan", supervisor_id=agency.sup_a.id)
    complete(elsewhere, agency.course)
    complete(agency.budi, agency.other_course)
    app.config["TEAM_FIGURES_MIN_PEOPLE"] = 2
    login_as(agency.sup_a)
    live = page(client)
    figures.refresh()
    kept = page(client)
    assert NOTE in kept
    assert summary(kept) == summary(live)
    assert "Dinas B" not in summary(kept)
    assert "Pegawai lain dalam cakupan Anda" in summary(kept)  # the direct report in Dinas B, live


def test_below_the_size_nothing_is_kept(app, agency):
    app.config["TEAM_FIGURES_MIN_PEOPLE"] = 1000
    assert figures.refresh(force=True) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(UnitFigures)) == 0


def test_the_command_counts_now(app, agency):
    result = app.test_cli_runner().invoke(args=["team-figures"])
    assert result.exit_code == 0 and "summary per unit counted" in result.output
    app.config["TEAM_FIGURES_MIN_PEOPLE"] = 1000
    result = app.test_cli_runner().invoke(args=["team-figures"])
    assert "count live" in result.output
